import type { Rule } from '../rule.js';

const describe = (t: string | undefined) => (t === 'file' ? 'a regular file' : t === 'symlink' ? 'a symlink' : t === 'directory' ? 'a folder' : (t ?? 'nothing'));

/** The tag and the release disagree on what the path is. */
export const typeChange: Rule = {
  name: 'type-change',
  changes: ['type-changed'],
  judge(change) {
    return {
      category: 'type-change',
      severity: 'high',
      reasons: [`${describe(change.tag?.type)} in the tag, ${describe(change.release?.type)} in the release`],
    };
  },
};
