import { parsePatch, structuredPatch } from 'diff';
import { lineDistanceFromBytes } from '../added-code.js';
import { hostPackagePrefix } from './library.js';
import { describeKnown, describeOrigin, sortedByPreference } from './origin.js';
import type { KnowledgeLookup, KnownFile } from './types.js';
import { variantBase } from './variant.js';
import { neutralVersion, toolVersion } from './version-neutral.js';

/**
 * A maintainer's system may carry a revision of a distribution's package the
 * library never saw: Debian's libtool 2.4.7-5 where the library has 2.4.7-7,
 * whose one more patch is the whole difference; or a build with some of the
 * patches another distribution applies. Such a file is the upstream file with
 * a set of changes that each is a change a known copy makes: no line is new.
 *
 * A change is a run of removed and added lines with the line before and the
 * line after it, compared with the tool's own version (and a suffix glued to
 * it: `Debian-2.4.7-5`) neutral, as version-neutral.ts does. The line on
 * either side keeps a change where its patch put it: an added line is not
 * known when added elsewhere.
 */

export interface Composition {
  /** The upstream file the release file is made from. */
  base: KnownFile;
  /** Each known copy whose changes the release file has, with how many of them, in preference order. */
  sources: { file: KnownFile; changes: number }[];
  /** All changes from the upstream file. */
  changes: number;
  /** The upstream bytes, for the diff shown. */
  baseBytes: Buffer;
}

/** At most this many changed lines from the upstream file: past that, no distribution's patch set. */
const maxEdits = 500;
/** At most this many changes. */
const maxChanges = 200;

type HunkLines = ReadonlyArray<{ lines: string[]; oldStart: number }>;

/** The changes of a diff's hunks, as keys: the line before, removed lines, added lines, the line after. */
function changeKeys(hunks: HunkLines, version: string | undefined): string[] {
  const norm = (line: string) => (version ? neutralVersion(line, version) : line);
  const keys: string[] = [];
  for (const hunk of hunks) {
    const lines = hunk.lines.filter((l) => !l.startsWith('\\'));
    let i = 0;
    while (i < lines.length) {
      if (lines[i]!.startsWith(' ')) {
        i++;
        continue;
      }
      const start = i;
      while (i < lines.length && !lines[i]!.startsWith(' ')) i++;
      const block = lines.slice(start, i);
      // At a hunk's edge without context only at the file's start or end.
      const before = start > 0 ? norm(lines[start - 1]!.slice(1)) : hunk.oldStart <= 1 ? '\u0000start' : '\u0000edge';
      const after = i < lines.length ? norm(lines[i]!.slice(1)) : '\u0000end';
      const removed = block.filter((l) => l.startsWith('-')).map((l) => norm(l.slice(1)));
      const added = block.filter((l) => l.startsWith('+')).map((l) => norm(l.slice(1)));
      keys.push(JSON.stringify([before, removed, added, after]));
    }
  }
  return keys;
}

function diffHunks(before: Buffer, after: Buffer): HunkLines | undefined {
  return structuredPatch('a', 'b', before.toString('latin1'), after.toString('latin1'), '', '', { context: 1, maxEditLength: maxEdits })?.hunks;
}

const isHost = (f: KnownFile) => f.origin.package.startsWith(hostPackagePrefix);

/** A known copy that is an upstream file changed by a distribution, with that upstream file. */
interface Derived {
  file: KnownFile;
  base: KnownFile;
}

/**
 * The distributions' copies among the candidates, each with its upstream
 * file: a vendor variant and the file it was patched from; a Debian
 * revision (`2.4.7-7~deb12u1`) and the upstream release of that version,
 * by record or as some variant's base.
 */
function derivedCopies(candidates: readonly KnownFile[]): Derived[] {
  const upstream = new Map<string, KnownFile>();
  for (const f of candidates) {
    if (isHost(f)) continue;
    const key = `${f.origin.package}\u0000${toolVersion(f.origin) ?? ''}`;
    if (!f.variant && f.origin.version === toolVersion(f.origin)) upstream.set(key, f);
    else if (f.variant && !upstream.has(key)) upstream.set(key, variantBase(f)!);
  }
  const out: Derived[] = [];
  for (const f of candidates) {
    if (isHost(f)) continue;
    const version = toolVersion(f.origin);
    if (f.variant) out.push({ file: f, base: variantBase(f)! });
    else if (version && f.origin.version !== version) {
      const base = upstream.get(`${f.origin.package}\u0000${version}`);
      if (base && base.blobId !== f.blobId) out.push({ file: f, base });
    }
  }
  return out;
}

/** Whether any candidate is a distribution's copy with its upstream file known: without one, nothing can be composed. */
export function hasDistributionCopies(candidates: readonly KnownFile[]): boolean {
  return derivedCopies(candidates).length > 0;
}

/** Each copy's change keys, once per library: a distribution's copy is diffed from its upstream file once. */
const keyCache = new WeakMap<KnowledgeLookup, Map<string, Promise<string[] | undefined>>>();

function keysOf(copy: Derived, knowledge: KnowledgeLookup): Promise<string[] | undefined> {
  let cache = keyCache.get(knowledge);
  if (!cache) keyCache.set(knowledge, (cache = new Map()));
  const id = `${copy.file.name}\u0000${copy.file.blobId}\u0000${copy.base.blobId}`;
  let keys = cache.get(id);
  if (!keys) {
    keys = (async () => {
      const version = toolVersion(copy.file.origin);
      if (copy.file.variant) return changeKeys(parsePatch(copy.file.variant.diff)[0]?.hunks ?? [], version);
      const [base, bytes] = await Promise.all([knowledge.content(copy.base), knowledge.content(copy.file)]);
      const hunks = base && bytes ? diffHunks(base, bytes) : undefined;
      return hunks && changeKeys(hunks, version);
    })();
    cache.set(id, keys);
  }
  return keys;
}

/**
 * The release file as an upstream file plus changes that known copies of
 * the same tool make (composition above), or undefined when any change is
 * one no known copy makes, or there is none to compare with. `copied` gives
 * a file in the form the release holds it, when that is not the file's own
 * (aclocal's copy of an installed macro file in aclocal.m4, without its `##`
 * lines): the upstream file is compared in that form, and a change known
 * copies make next to a line the form drops is not found (nothing is
 * forgiven for it).
 */
export async function composedOfKnown(candidates: readonly KnownFile[], release: Buffer, knowledge: KnowledgeLookup, options: { copied?: (file: Buffer) => Buffer } = {}): Promise<Composition | undefined> {
  const derived = derivedCopies(candidates);
  if (derived.length === 0) return undefined;
  // The upstream file nearest the release, among those a known copy was made from.
  const distanceTo = lineDistanceFromBytes(release);
  let best: { base: KnownFile; bytes: Buffer; distance: number } | undefined;
  const seen = new Set<string>();
  for (const { base } of derived) {
    if (seen.has(base.blobId)) continue;
    seen.add(base.blobId);
    const whole = await knowledge.content(base);
    if (!whole) continue;
    const bytes = options.copied ? options.copied(whole) : whole;
    const distance = distanceTo(bytes, best ? best.distance - 1 : maxEdits);
    if (distance <= maxEdits && (!best || distance < best.distance)) best = { base, bytes, distance };
  }
  if (!best || best.distance === 0) return undefined;
  const hunks = diffHunks(best.bytes, release);
  if (!hunks) return undefined;
  const wanted = changeKeys(hunks, toolVersion(best.base.origin));
  if (wanted.length === 0 || wanted.length > maxChanges) return undefined;
  // Copies of the same tool, any version: distributions carry a patch from one release to the next.
  // Those of the upstream file's own version first, then the others in the library's order of preference.
  const version = toolVersion(best.base.origin);
  const copies = derived.filter((d) => d.file.origin.package === best.base.origin.package);
  const order = sortedByPreference(copies.map((d) => d.file), (f) => Number(toolVersion(f.origin) !== version));
  copies.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file));
  const source = new Map<string, KnownFile>();
  const open = new Set(wanted);
  for (const copy of copies) {
    if (open.size === 0) break;
    const keys = await keysOf(copy, knowledge);
    for (const key of keys ?? []) {
      if (!open.has(key)) continue;
      open.delete(key);
      source.set(key, copy.file);
    }
  }
  if (open.size > 0) return undefined;
  const counts = new Map<KnownFile, number>();
  for (const key of wanted) counts.set(source.get(key)!, (counts.get(source.get(key)!) ?? 0) + 1);
  const sources = [...counts].map(([file, changes]) => ({ file, changes })).sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file));
  return { base: best.base, baseBytes: best.bytes, changes: wanted.length, sources };
}

/**
 * What a composition is, in a line: `libtool.m4 serial 58 of libtool 2.4.6
 * with 19 changes that known copies of libtool make: libtool 2.4.6 (Debian)
 * (19)`, each copy with the changes it gave (a variant named by its
 * distribution's package: `… as patched by OpenMandriva libtool-2.4.7-3`).
 */
export function compositionSummary(found: Composition): string {
  const label = (f: KnownFile) => (f.variant ? `${f.origin.package} ${f.origin.version} as patched by ${f.variant.distribution} ${f.variant.release}` : describeOrigin(f));
  const counts = new Map<string, number>();
  for (const s of found.sources) counts.set(label(s.file), (counts.get(label(s.file)) ?? 0) + s.changes);
  const sources = [...counts].map(([l, n]) => `${l} (${n})`).join(', ');
  return `${describeKnown(found.base)} with ${found.changes} change${found.changes === 1 ? '' : 's'} that known copies of ${found.base.origin.package} make: ${sources}`;
}
