import type { Rule } from '../rule.js';

/** Device nodes, FIFOs and unknown entry types have no place in a source release. */
export const specialFile: Rule = {
  name: 'special-file',
  changes: ['only-in-release', 'type-changed'],
  judge(change) {
    const type = change.release?.type;
    if (type !== 'device' && type !== 'fifo' && type !== 'other') return undefined;
    return {
      category: 'special-file',
      severity: 'high',
      reasons: [`a ${type === 'other' ? 'non-regular' : type} entry; source releases have no reason to carry one`, 'reported only, never followed'],
    };
  },
};
