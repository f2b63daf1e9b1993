import { CuckooError } from '../errors.js';
import type { Submodule, TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { Change, Comparison, TagSide } from './change.js';
import { findCollisions } from './collisions.js';
import { detectStrip, normalisePath } from './paths.js';

interface Placed {
  path: string;
  entry: ReleaseEntry;
}

const executable = (mode: number) => (mode & 0o100) !== 0;

function sameKind(release: ReleaseEntry, tag: TagEntry): boolean {
  if (tag.type === 'file') return release.type === 'file';
  if (tag.type === 'symlink') return release.type === 'symlink';
  return false;
}

/**
 * Place release entries at their paths relative to the release root: unsafe ones
 * become changes of their own, the prefix is stripped, hard links take the
 * content of their target.
 */
function placeEntries(
  entries: ReleaseEntry[],
  tag: TagSide,
  strip: number | undefined,
  changes: Change[],
): { placed: Placed[]; prefix: string; strip: number } {
  const safe: Array<{ segments: string[]; entry: ReleaseEntry }> = [];
  for (const stored of entries) {
    const entry = withNulAmbiguity(stored);
    const { segments, unsafe } = normalisePath(entry.path);
    // `tar -C dir -cf x.tar .` stores the root itself as `./`: nothing to compare.
    if (segments.length === 0 && entry.type === 'directory' && !entry.path.startsWith('/')) continue;
    if (unsafe) {
      changes.push({ kind: 'unsafe-entry', path: entry.path, release: entry, problem: unsafe });
    } else {
      safe.push({ segments, entry });
    }
  }
  const tagPaths = new Set(tag.entries.map((e) => e.path));
  const tagTop = new Set(tag.entries.map((e) => e.path.split('/', 1)[0]!));
  const n = detectStrip(
    safe.filter((s) => s.entry.type !== 'directory').map((s) => s.segments),
    tagTop,
    tagPaths,
    strip,
  );
  const prefix = n > 0 && safe.length > 0 ? safe[0]!.segments.slice(0, n).join('/') : '';
  const placed: Placed[] = [];
  const dropped: string[] = [];
  for (const { segments, entry } of safe) {
    if (segments.length <= n) {
      if (entry.type !== 'directory') dropped.push(entry.path);
      continue;
    }
    placed.push({ path: segments.slice(n).join('/'), entry });
  }
  if (dropped.length > 0) {
    // Only an explicit --strip can do this; silently losing files would hide them.
    throw new CuckooError('usage', `--strip ${n} removes the whole path of ${dropped.length} release file(s), e.g. ${dropped[0]}`, {
      hint: 'use a smaller --strip, or leave it out to detect the top-level folder',
    });
  }
  return { placed, prefix, strip: n };
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

/** Give hard links the content of the earlier entry they point to. */
function resolveHardLinks(placed: Placed[], strip: number, changes: Change[]): Placed[] {
  const seen = new Map<string, ReleaseEntry>();
  const out: Placed[] = [];
  for (const p of placed) {
    if (p.entry.type === 'hardlink') {
      const { segments, unsafe } = normalisePath(p.entry.linkTarget ?? '');
      const target = unsafe ? undefined : seen.get(segments.slice(strip).join('/'));
      if (!target || target.type !== 'file') {
        changes.push({
          kind: 'unsafe-entry',
          path: p.path,
          release: p.entry,
          problem: `hard link to ${JSON.stringify(p.entry.linkTarget ?? '')}, which is not an earlier file of the archive`,
        });
        continue;
      }
      const resolved: ReleaseEntry = { ...target, path: p.entry.path, mode: p.entry.mode, index: p.entry.index };
      seen.set(p.path, resolved);
      out.push({ path: p.path, entry: resolved });
      continue;
    }
    seen.set(p.path, p.entry);
    out.push(p);
  }
  return out;
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
  const placement = placeEntries(entries, tag, options.strip, changes);
  const placed = resolveHardLinks(placement.placed, placement.strip, changes);

  const byPath = new Map<string, ReleaseEntry[]>();
  for (const p of placed) {
    const list = byPath.get(p.path);
    if (list) list.push(p.entry);
    else byPath.set(p.path, [p.entry]);
  }
  const tagByPath = new Map(tag.entries.map((e) => [e.path, e]));
  const uncompared = new Map(tag.uncompared.map((s) => [s.path, s]));
  let identical = 0;
  const collisions = findCollisions(new Map([...byPath].map(([path, copies]) => [path, copies[copies.length - 1]!])), new Set(tagByPath.keys()));
  notes.push(...collisions.notes);

  for (const [path, copies] of byPath) {
    const release = copies[copies.length - 1]!;
    const t = tagByPath.get(path);
    const ambiguous = copies.find((c) => c.ambiguity !== undefined);
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
    if (copies.length > 1) {
      changes.push({ kind: 'duplicate-entry', path, release, copies, ...(t ? { tag: t } : {}) });
      continue;
    }
    if (!t || t.type === 'submodule') {
      if (release.type === 'directory') continue; // git does not track folders
      const submodule = submoduleOf(path, uncompared);
      changes.push({ kind: 'only-in-release', path, release, ...(submodule ? { submodule } : {}) });
      continue;
    }
    const attributes = tag.attributes.get(path);
    const expectedOid = tag.archiveOids.get(path) ?? t.oid;
    const base = { path, release, tag: t, expectedOid, ...(attributes ? { attributes } : {}) };
    if (!sameKind(release, t)) {
      changes.push({ ...base, kind: 'type-changed' });
      continue;
    }
    const contentDiffers = release.blobId !== expectedOid;
    const modeDiffers = t.type === 'file' && executable(release.mode) !== (t.mode === 0o100755);
    if (contentDiffers) changes.push({ ...base, kind: 'modified', contentDiffers, modeDiffers });
    else if (modeDiffers) changes.push({ ...base, kind: 'mode-changed', contentDiffers, modeDiffers });
    else identical++;
  }

  for (const t of tag.entries) {
    if (t.type === 'submodule' || byPath.has(t.path)) continue;
    const attributes = tag.attributes.get(t.path);
    changes.push({ kind: 'only-in-tag', path: t.path, tag: t, ...(attributes ? { attributes } : {}) });
  }

  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes, identical, prefix: placement.prefix, strip: placement.strip, notes };
}
