import { CuckooError } from '../errors.js';
import type { Submodule, TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { Change, Comparison, TagSide } from './change.js';
import { findCollisions } from './collisions.js';
import { normalisePath, StripDetector, stripSegments, topSegment } from './paths.js';

const executable = (mode: number) => (mode & 0o100) !== 0;

function sameKind(release: ReleaseEntry, tag: TagEntry): boolean {
  if (tag.type === 'file') return release.type === 'file';
  if (tag.type === 'symlink') return release.type === 'symlink';
  return false;
}

/** Release entries by their path relative to the release root. */
interface Placement {
  /** The copy an extractor keeps (the last), by path, in the order paths first appear. */
  byPath: Map<string, ReleaseEntry>;
  /** Every copy, in archive order, of the paths stored more than once. */
  copies: Map<string, ReleaseEntry[]>;
  prefix: string;
  strip: number;
}

/**
 * Place release entries at their paths relative to the release root: unsafe ones
 * become changes of their own, the prefix is stripped, hard links take the
 * content of the earlier file they point to. Two passes over the entries (the
 * first decides the strip), one record per path and no copy of the entry
 * list: a kernel-sized release has 90,000 of them.
 */
function placeEntries(entries: ReleaseEntry[], tagByPath: ReadonlyMap<string, TagEntry>, strip: number | undefined, changes: Change[]): Placement {
  const tagTop = new Set<string>();
  for (const path of tagByPath.keys()) tagTop.add(topSegment(path));
  const detector = new StripDetector(tagTop, tagByPath);
  let first: string | undefined;
  for (const stored of entries) {
    const entry = withNulAmbiguity(stored);
    const { path, unsafe } = normalisePath(entry.path);
    if (isRoot(entry, path)) continue;
    if (unsafe) {
      changes.push({ kind: 'unsafe-entry', path: entry.path, release: entry, problem: unsafe });
      continue;
    }
    first ??= path;
    if (entry.type !== 'directory') detector.add(path);
  }
  const n = detector.strip(strip);
  const prefix = n > 0 && first !== undefined ? leadingSegments(first, n) : '';
  const byPath = new Map<string, ReleaseEntry>();
  const copies = new Map<string, ReleaseEntry[]>();
  const dropped: string[] = [];
  for (const stored of entries) {
    let entry = withNulAmbiguity(stored);
    const normal = normalisePath(entry.path);
    if (isRoot(entry, normal.path) || normal.unsafe) continue;
    const path = stripSegments(normal.path, n);
    if (path === undefined) {
      if (entry.type !== 'directory') dropped.push(entry.path);
      continue;
    }
    if (entry.type === 'hardlink') {
      const resolved = hardLinkTarget(entry, n, byPath);
      if (resolved === undefined) {
        changes.push({
          kind: 'unsafe-entry',
          path,
          release: entry,
          problem: `hard link to ${JSON.stringify(entry.linkTarget ?? '')}, which is not an earlier file of the archive`,
        });
        continue;
      }
      entry = resolved;
    }
    const earlier = byPath.get(path);
    if (earlier !== undefined) {
      const list = copies.get(path);
      if (list) list.push(entry);
      else copies.set(path, [earlier, entry]);
    }
    byPath.set(path, entry);
  }
  if (dropped.length > 0) {
    // Only an explicit --strip can do this; silently losing files would hide them.
    throw new CuckooError('usage', `--strip ${n} removes the whole path of ${dropped.length} release file(s), e.g. ${dropped[0]}`, {
      hint: 'use a smaller --strip, or leave it out to detect the top-level folder',
    });
  }
  return { byPath, copies, prefix, strip: n };
}

/** `tar -C dir -cf x.tar .` stores the root itself as `./`: nothing to compare. */
function isRoot(entry: ReleaseEntry, normalised: string): boolean {
  return normalised === '' && entry.type === 'directory' && !entry.path.startsWith('/');
}

/** The first `n` segments of a normalised path (all of them when it has no more). */
function leadingSegments(path: string, n: number): string {
  const rest = stripSegments(path, n);
  return rest === undefined ? path : path.slice(0, path.length - rest.length - 1);
}

/**
 * A NUL byte cannot be in a path on disk: extractors written in C end the
 * name there, others keep or reject it (tar pax records and zip names can
 * hold one).
 */
function withNulAmbiguity(entry: ReleaseEntry): ReleaseEntry {
  const nul = entry.path.indexOf('\0');
  if (nul === -1 || entry.ambiguity !== undefined) return entry;
  return { ...entry, ambiguity: `the name has a NUL byte: extractors written in C cut it there, to ${JSON.stringify(entry.path.slice(0, nul))}` };
}

/** A hard link with the content of the earlier file it points to, or undefined when there is none. */
function hardLinkTarget(link: ReleaseEntry, strip: number, placed: ReadonlyMap<string, ReleaseEntry>): ReleaseEntry | undefined {
  const { path, unsafe } = normalisePath(link.linkTarget ?? '');
  const targetPath = unsafe ? undefined : stripSegments(path, strip);
  const target = targetPath === undefined ? undefined : placed.get(targetPath);
  if (!target || target.type !== 'file') return undefined;
  return { ...target, path: link.path, mode: link.mode, index: link.index };
}

function entriesByPath(entries: readonly TagEntry[]): Map<string, TagEntry> {
  const byPath = new Map<string, TagEntry>();
  for (const t of entries) byPath.set(t.path, t);
  return byPath;
}

function submoduleOf(path: string, submodules: Map<string, Submodule>): Submodule | undefined {
  if (submodules.size === 0) return undefined;
  let i = path.indexOf('/');
  while (i !== -1) {
    const sub = submodules.get(path.slice(0, i));
    if (sub) return sub;
    i = path.indexOf('/', i + 1);
  }
  return undefined;
}

/**
 * Compare the release with the tag as `git archive` would write it. Pure: no
 * I/O. Timestamps, owners and entry order are ignored; content, file type and
 * the executable bit are compared.
 */
export function compareTrees(
  entries: ReleaseEntry[],
  tag: TagSide,
  options: { strip?: number } = {},
): Comparison {
  const changes: Change[] = [];
  const notes: string[] = [];
  const tagByPath = tag.byPath ?? entriesByPath(tag.entries);
  const { byPath, copies, prefix, strip } = placeEntries(entries, tagByPath, options.strip, changes);
  const uncompared = new Map(tag.uncompared.map((s) => [s.path, s]));
  let identical = 0;
  const collisions = findCollisions(byPath, tagByPath);
  notes.push(...collisions.notes);

  for (const [path, release] of byPath) {
    const t = tagByPath.get(path);
    const all = copies.get(path);
    const ambiguous = all ? all.find((c) => c.ambiguity !== undefined) : release.ambiguity !== undefined ? release : undefined;
    if (ambiguous) {
      // What this path holds depends on the extractor: nothing to compare it with.
      changes.push({ kind: 'unsafe-entry', path, release: ambiguous, problem: ambiguous.ambiguity!, ...(t ? { tag: t } : {}) });
      continue;
    }
    const collision = collisions.byPath.get(path);
    if (collision) {
      changes.push({ kind: 'unsafe-entry', path, release, ...collision });
      continue;
    }
    if (all) {
      changes.push({ kind: 'duplicate-entry', path, release, copies: all, ...(t ? { tag: t } : {}) });
      continue;
    }
    if (!t || t.type === 'submodule') {
      if (release.type === 'directory') continue; // git does not track folders
      const submodule = submoduleOf(path, uncompared);
      changes.push({ kind: 'only-in-release', path, release, ...(submodule ? { submodule } : {}) });
      continue;
    }
    const expectedOid = tag.archiveOids.get(path) ?? t.oid;
    const kindDiffers = !sameKind(release, t);
    const contentDiffers = release.blobId !== expectedOid;
    const modeDiffers = t.type === 'file' && executable(release.mode) !== (t.mode === 0o100755);
    if (!kindDiffers && !contentDiffers && !modeDiffers) {
      identical++;
      continue;
    }
    const attributes = tag.attributes.get(path);
    const base = { path, release, tag: t, expectedOid, ...(attributes ? { attributes } : {}) };
    if (kindDiffers) changes.push({ ...base, kind: 'type-changed' });
    else if (contentDiffers) changes.push({ ...base, kind: 'modified', contentDiffers, modeDiffers });
    else changes.push({ ...base, kind: 'mode-changed', contentDiffers, modeDiffers });
  }

  for (const t of tag.entries) {
    if (t.type === 'submodule' || byPath.has(t.path)) continue;
    const attributes = tag.attributes.get(t.path);
    changes.push({ kind: 'only-in-tag', path: t.path, tag: t, ...(attributes ? { attributes } : {}) });
  }

  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes, identical, prefix, strip, notes };
}
