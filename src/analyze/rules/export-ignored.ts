import type { Rule } from '../rule.js';

/** Tag files that `git archive` leaves out because .gitattributes says `export-ignore`. */
export const exportIgnored: Rule = {
  name: 'export-ignored',
  changes: ['only-in-tag'],
  judge(change) {
    if (!change.attributes?.exportIgnore) return undefined;
    return { category: 'export-ignored', severity: 'info', reasons: ['marked export-ignore in the tag\'s .gitattributes'] };
  },
};
