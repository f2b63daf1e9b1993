import { parseLfsPointer } from '../../git/lfs.js';
import type { Rule } from '../rule.js';

/** The tag holds a Git LFS pointer; the release holds the object it points to. */
export const lfsObject: Rule = {
  name: 'lfs-object',
  changes: ['modified'],
  async judge(change, ctx) {
    const { tag, release } = change;
    if (!tag || !release || tag.type !== 'file' || tag.size > 1024) return undefined;
    const pointer = parseLfsPointer(await ctx.tagContent(tag));
    if (!pointer) return undefined;
    if (pointer.oid === release.sha256 && pointer.size === release.size) {
      return {
        category: 'lfs-object',
        severity: 'info',
        reasons: [`the tag stores a Git LFS pointer and the release file is its object (sha256 ${pointer.oid.slice(0, 12)}…, ${pointer.size} bytes)`],
      };
    }
    return undefined;
  },
};
