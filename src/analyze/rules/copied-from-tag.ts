import type { ContentMatch } from '../../report/finding.js';
import type { Rule } from '../rule.js';

/** A release-only file byte-identical to a file at another path of the tag. */
export const copiedFromTag: Rule = {
  name: 'copied-from-tag',
  changes: ['only-in-release'],
  judge(change, ctx) {
    const oid = change.release?.blobId;
    if (!oid || change.release?.type !== 'file') return undefined;
    const sources = ctx.tagByOid.get(oid);
    if (!sources || sources.length === 0) return undefined;
    const matches: ContentMatch[] = sources.slice(0, 5).map((e) => {
      const inSub = ctx.submodules.some((s) => e.path.startsWith(`${s.path}/`));
      return { source: inSub ? 'submodule' : 'tag', path: e.path, blobId: e.oid };
    });
    const more = sources.length > matches.length ? ` and ${sources.length - matches.length} more` : '';
    return {
      category: 'copied-from-tag',
      severity: 'low',
      reasons: [`identical to ${matches.map((m) => m.path).join(', ')}${more} in the tag`],
      evidence: { matches },
    };
  },
};
