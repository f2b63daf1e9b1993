import { posix } from 'node:path';
import type { TagEntry } from '../../git/types.js';
import type { AnalysisContext, Rule } from '../rule.js';

const describe = (t: string | undefined) => (t === 'file' ? 'a regular file' : t === 'symlink' ? 'a symlink' : t === 'directory' ? 'a folder' : (t ?? 'nothing'));

/** Links followed at most this deep, as a guard against cycles. */
const maxHops = 8;

/**
 * Where a tag symlink leads, inside the tag: the file, or the path of a
 * folder (the tag lists no folders: one is a path its files are under).
 * Undefined when it leads outside the tree, to nothing, or round in circles.
 */
async function linkTarget(link: TagEntry, ctx: AnalysisContext): Promise<TagEntry | { folder: string } | undefined> {
  let entry: TagEntry | undefined = link;
  for (let hop = 0; hop < maxHops && entry?.type === 'symlink'; hop++) {
    const target = (await ctx.tagContent(entry)).toString('utf8');
    if (target.startsWith('/')) return undefined;
    const path = posix.normalize(posix.join(posix.dirname(entry.path), target));
    if (path === '..' || path.startsWith('../')) return undefined;
    entry = ctx.tagByPath.get(path);
    if (entry === undefined && path !== '.') {
      const under = `${path}/`;
      for (const p of ctx.tagByPath.keys()) if (p.startsWith(under)) return { folder: path };
    }
  }
  return entry?.type === 'file' ? entry : undefined;
}

/**
 * The files of a release folder that stands where the tag has a link to a
 * folder, when each is a copy, byte for byte, of the file at the same place
 * in the linked folder; undefined when one is not, or is not a file.
 */
function copiesOfFolder(path: string, folder: string, ctx: AnalysisContext): number | undefined {
  const under = `${path}/`;
  let copies = 0;
  for (const [p, entry] of ctx.releaseOnly ?? []) {
    if (!p.startsWith(under)) continue;
    const original = ctx.tagByPath.get(`${folder}/${p.slice(under.length)}`);
    if (entry.type !== 'file' || entry.blobId === undefined || original?.type !== 'file' || original.oid !== entry.blobId) return undefined;
    copies++;
  }
  return copies > 0 ? copies : undefined;
}

/**
 * The tag and the release disagree on what the path is. One case is ordinary:
 * `make dist` and `tar -h` store a symlink as a copy of the file it points to
 * (harfbuzz's README → README.md), which is explained when the release bytes
 * are exactly that file's; and a link to a folder as a folder of copies of
 * the files it distributes (strace's `bundled/linux/include/uapi/asm` →
 * `asm-generic`), explained when every file the release has there is a copy
 * of the linked folder's file at the same place.
 */
export const typeChange: Rule = {
  name: 'type-change',
  changes: ['type-changed'],
  async judge(change, ctx) {
    const { tag, release } = change;
    if (tag?.type === 'symlink' && release?.type === 'directory') {
      const target = await linkTarget(tag, ctx);
      const copies = target && 'folder' in target ? copiesOfFolder(change.path, target.folder, ctx) : undefined;
      if (copies !== undefined) {
        return {
          category: 'dereferenced-link',
          severity: 'low',
          reasons: [`a symlink to the folder ${(target as { folder: string }).folder} in the tag; the release stores a folder of copies of ${copies} of its files, byte for byte`],
        };
      }
    }
    if (tag?.type === 'symlink' && release?.type === 'file' && release.blobId !== undefined) {
      const target = await linkTarget(tag, ctx);
      if (target && 'oid' in target && target.oid === release.blobId) {
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
