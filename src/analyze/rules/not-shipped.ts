import type { Rule } from '../rule.js';

/** Tag files the release leaves out. Releases commonly omit development files. */
export const notShipped: Rule = {
  name: 'not-shipped',
  changes: ['only-in-tag'],
  judge(change) {
    const dotted = change.path.split('/').some((s) => s.startsWith('.'));
    return {
      category: 'not-shipped',
      severity: dotted ? 'info' : 'low',
      reasons: [dotted ? 'a dot-file or dot-folder of the repository, which releases usually leave out' : 'in the tag but not shipped in the release'],
    };
  },
};
