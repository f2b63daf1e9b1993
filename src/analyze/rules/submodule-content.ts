import type { Rule } from '../rule.js';

/** Release files inside a submodule the tag pins, when submodules are not compared (--no-submodules). */
export const submoduleContent: Rule = {
  name: 'submodule-content',
  changes: ['only-in-release'],
  judge(change) {
    const sub = change.submodule;
    if (!sub) return undefined;
    return {
      category: 'submodule-content',
      severity: 'info',
      reasons: [`inside submodule ${sub.name} (${sub.path}) pinned at ${sub.commit.slice(0, 12)}`, 'not compared with its pinned commit (--no-submodules)'],
      evidence: { submodule: { name: sub.name, path: sub.path, commit: sub.commit } },
    };
  },
};
