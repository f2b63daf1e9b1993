/**
 * Paths that differ only by case (`README`, `readme`) or by Unicode
 * normalisation (NFC `é`, NFD `e` + U+0301) are one file on case-insensitive
 * or normalising file systems (macOS, Windows): unpacking there keeps
 * whichever comes last, so what a user gets depends on the machine.
 */
import type { ReleaseEntry } from '../release/entry.js';

/** The name such file systems store a path under: NFC, then lower case. */
export function foldedPath(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

export interface Collisions {
  /** Release paths that land on another path of the release, with those other paths. */
  byPath: Map<string, Array<{ path: string; entry: ReleaseEntry }>>;
  /** Collisions the tag has too: the project's own names, not the archive's doing. */
  notes: string[];
}

/**
 * Groups the release's paths (folders left out: they merge) by folded name,
 * in one pass. In a group, the paths the tag has are compared as usual and
 * the others reported as colliding; with none in the tag, the first in the
 * archive is compared. A group the tag has whole is only a note.
 */
export function findCollisions(paths: Map<string, ReleaseEntry>, tagPaths: ReadonlySet<string>): Collisions {
  const groups = new Map<string, string[]>();
  for (const [path, entry] of paths) {
    if (entry.type === 'directory') continue;
    const key = foldedPath(path);
    const group = groups.get(key);
    if (group) group.push(path);
    else groups.set(key, [path]);
  }
  const result: Collisions = { byPath: new Map(), notes: [] };
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const list = group.map((p) => JSON.stringify(p)).join(', ');
    if (group.every((p) => tagPaths.has(p))) {
      result.notes.push(`${list} are one file on case-insensitive or normalising file systems (macOS, Windows); the tag has them all too`);
      continue;
    }
    const inTag = group.filter((p) => tagPaths.has(p));
    const kept = inTag.length > 0 ? inTag : [group.reduce((a, b) => (paths.get(a)!.index <= paths.get(b)!.index ? a : b))];
    for (const path of group) {
      if (kept.includes(path)) continue;
      result.byPath.set(
        path,
        group.filter((p) => p !== path).map((p) => ({ path: p, entry: paths.get(p)! })),
      );
    }
  }
  return result;
}
