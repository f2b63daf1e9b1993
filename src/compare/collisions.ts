/**
 * Release paths that land on another release path when unpacked:
 *
 * - paths that differ only by case (`README`, `readme`) or by Unicode
 *   normalisation (NFC `é`, NFD `e` + U+0301) are one file on
 *   case-insensitive or normalising file systems (macOS, Windows), so what a
 *   user gets depends on the machine;
 * - a path below a symlink of the archive (`lib -> /etc`, `lib/cron.d/x`) is
 *   written where the link points by extractors that follow it;
 * - a path below a file of the archive (`a`, `a/b`) cannot coexist with it:
 *   which one is unpacked depends on the extractor.
 *
 * All are found in one pass over the paths and their folders.
 */
import type { ReleaseEntry } from '../release/entry.js';
import type { Change } from './change.js';

/**
 * The name such file systems compare a path under: NFC, then each character
 * upper-cased (where that gives one character, as NTFS's table and simple
 * case folding do) and lower-cased, so `ſ` meets `s` and `ς` meets `σ`
 * while `ß` stays apart from `ss`.
 */
export function foldedPath(path: string): string {
  if (/^[\x00-\x7f]*$/.test(path)) return path.toLowerCase();
  let folded = '';
  for (const ch of path.normalize('NFC')) {
    const upper = ch.toUpperCase();
    folded += ([...upper].length === 1 ? upper : ch).toLowerCase();
  }
  return folded;
}

interface Placed {
  path: string;
  entry: ReleaseEntry;
}

/** Why a path is not compared, for the change that reports it. */
export type Collision = Pick<Change, 'problem' | 'collidesWith'>;

export interface Collisions {
  byPath: Map<string, Collision>;
  /** Collisions the tag has too: the project's own names, not the archive's doing. */
  notes: string[];
}

/**
 * `paths` maps each release path (relative to the root) to the copy that is
 * kept. In a group of paths that fold alike, the paths the tag has are
 * compared as usual and the others reported; with none in the tag, the first
 * in the archive is compared. A collision the tag has whole is only a note.
 */
export function findCollisions(paths: ReadonlyMap<string, ReleaseEntry>, tagPaths: { has(path: string): boolean }): Collisions {
  const result: Collisions = { byPath: new Map(), notes: [] };
  // The first path of each folded name; the rare names shared by several paths also get a group.
  const firstByName = new Map<string, string>();
  const groups = new Map<string, Placed[]>();
  for (const [path, entry] of paths) {
    if (entry.type === 'directory') continue;
    const key = foldedPath(path);
    const first = firstByName.get(key);
    if (first === undefined) {
      firstByName.set(key, path);
      continue;
    }
    const group = groups.get(key);
    if (group) group.push({ path, entry });
    else groups.set(key, [{ path: first, entry: paths.get(first)! }, { path, entry }]);
  }
  for (const group of groups.values()) {
    if (group.every((p) => tagPaths.has(p.path))) {
      result.notes.push(`${names(group)} are one file on case-insensitive or normalising file systems (macOS, Windows); the tag has them all too`);
      continue;
    }
    const inTag = group.filter((p) => tagPaths.has(p.path));
    const kept = inTag.length > 0 ? inTag : [group.reduce((a, b) => (a.entry.index <= b.entry.index ? a : b))];
    for (const p of group) {
      if (kept.includes(p)) continue;
      const others = group.filter((o) => o !== p);
      result.byPath.set(p.path, { problem: `same file as ${names(others)} on case-insensitive or normalising file systems (macOS, Windows)`, collidesWith: others });
    }
  }
  const blockers = new Blockers((folded) => {
    const path = firstByName.get(folded);
    return path === undefined ? undefined : { path, entry: paths.get(path)! };
  });
  for (const path of paths.keys()) {
    const blocker = blockers.above(foldedPath(path));
    if (blocker === undefined || result.byPath.has(path)) continue;
    if (tagPaths.has(path) && tagPaths.has(blocker.path)) {
      result.notes.push(`${JSON.stringify(path)} is below ${JSON.stringify(blocker.path)} on case-insensitive file systems (macOS, Windows); the tag has both too`);
      continue;
    }
    const where = `below ${JSON.stringify(blocker.path)}`;
    if (blocker.entry.type === 'symlink') {
      result.byPath.set(path, { problem: `${where}, a symlink to ${JSON.stringify(blocker.entry.linkTarget ?? '')}: extractors that follow it write this entry where the link points` });
    } else {
      const kind = blocker.entry.type === 'file' ? 'a file' : `a ${blocker.entry.type}`;
      result.byPath.set(path, {
        problem: `${where}, which is ${kind} of the archive (on case-insensitive file systems at least): the two cannot both be unpacked`,
        collidesWith: [blocker],
      });
    }
  }
  return result;
}

/**
 * The non-folder entry, if any, that a path's folders run into, by folded
 * name. Each folder is looked up once, so the cost is the total length of
 * the distinct folders, however deep the tree.
 */
class Blockers {
  private readonly memo = new Map<string, Placed | null>();

  /** `fileAt` gives the first non-folder entry whose path folds to a name. */
  constructor(private readonly fileAt: (folded: string) => Placed | undefined) {}

  above(folded: string): Placed | undefined {
    const slash = folded.lastIndexOf('/');
    return slash <= 0 ? undefined : (this.at(folded.slice(0, slash)) ?? undefined);
  }

  private at(folder: string): Placed | null {
    // Walk up to a known folder (or the root), then fill in on the way down.
    const pending: string[] = [];
    let cursor: string | undefined = folder;
    let found: Placed | null = null;
    while (cursor !== undefined) {
      const known = this.memo.get(cursor);
      if (known !== undefined) {
        found = known;
        break;
      }
      pending.push(cursor);
      const slash = cursor.lastIndexOf('/');
      cursor = slash <= 0 ? undefined : cursor.slice(0, slash);
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const own = this.fileAt(pending[i]!);
      if (own !== undefined) found = own;
      this.memo.set(pending[i]!, found);
    }
    return found;
  }
}

function names(group: Placed[]): string {
  return group.map((p) => JSON.stringify(p.path)).join(', ');
}
