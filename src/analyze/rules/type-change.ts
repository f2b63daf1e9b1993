import { posix } from 'node:path';
import type { TagEntry } from '../../git/types.js';
import type { AnalysisContext, Rule } from '../rule.js';

const describe = (t: string | undefined) => (t === 'file' ? 'a regular file' : t === 'symlink' ? 'a symlink' : t === 'directory' ? 'a folder' : (t ?? 'nothing'));

/** Links followed at most this deep, as a guard against cycles. */
const maxHops = 8;

/**
 * The file a tag symlink leads to, inside the tag, or undefined when it leads
 * outside the tree, to nothing, or round in circles.
 */
async function linkTarget(link: TagEntry, ctx: AnalysisContext): Promise<TagEntry | undefined> {
  let entry: TagEntry | undefined = link;
  for (let hop = 0; hop < maxHops && entry?.type === 'symlink'; hop++) {
    const target = (await ctx.tagContent(entry)).toString('utf8');
    if (target.startsWith('/')) return undefined;
    const path = posix.normalize(posix.join(posix.dirname(entry.path), target));
    if (path === '..' || path.startsWith('../')) return undefined;
    entry = ctx.tagByPath.get(path);
  }
  return entry?.type === 'file' ? entry : undefined;
}

/**
 * The tag and the release disagree on what the path is. One case is ordinary:
 * `make dist` and `tar -h` store a symlink as a copy of the file it points to
 * (harfbuzz's README → README.md), which is explained when the release bytes
 * are exactly that file's.
 */
export const typeChange: Rule = {
  name: 'type-change',
  changes: ['type-changed'],
  async judge(change, ctx) {
    const { tag, release } = change;
    if (tag?.type === 'symlink' && release?.type === 'file' && release.blobId !== undefined) {
      const target = await linkTarget(tag, ctx);
      if (target && target.oid === release.blobId) {
        return {
          category: 'dereferenced-link',
          severity: 'low',
          reasons: [`a symlink to ${target.path} in the tag; the release stores a copy of that file, byte for byte`],
        };
      }
    }
    return {
      category: 'type-change',
      severity: 'high',
      reasons: [`${describe(tag?.type)} in the tag, ${describe(release?.type)} in the release`],
    };
  },
};
