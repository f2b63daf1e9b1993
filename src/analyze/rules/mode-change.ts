import type { Rule } from '../rule.js';

/** Same content, different executable bit. */
export const modeChange: Rule = {
  name: 'mode-change',
  changes: ['mode-changed'],
  judge(change) {
    const nowExec = ((change.release?.mode ?? 0) & 0o100) !== 0;
    return {
      category: 'mode-change',
      severity: 'low',
      reasons: [nowExec ? 'executable in the release, not in the tag' : 'executable in the tag, not in the release', 'the content is identical'],
    };
  },
};
