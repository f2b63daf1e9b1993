import { lineDistanceFromBytes } from '../added-code.js';
import type { KnowledgeLookup, KnownFile } from './types.js';
import { variantBase } from './variant.js';

export interface Nearest {
  file: KnownFile;
  /** Its genuine bytes; absent when no candidate's are at hand. */
  bytes?: Buffer;
  /** Candidates whose bytes were not at hand (one per content). */
  unseen: KnownFile[];
}

/**
 * The genuine version closest to a release file (fewest lines only one side
 * has), among the candidates whose bytes are at hand: a distribution's patched
 * copy diffed against another distribution's shows both patches, against the
 * upstream file only its own. Candidates keep their order for ties (callers
 * sort by preference: releases before snapshots), and each content is read
 * and compared once. `closestInSize` bounds the work for names with hundreds
 * of large versions (texinfo.tex, config.guess): only that many candidates
 * nearest in size are compared.
 */
export async function nearestGenuine(candidates: readonly KnownFile[], release: Buffer, knowledge: KnowledgeLookup, options: { closestInSize?: number } = {}): Promise<Nearest> {
  const size = release.length;
  let pool = candidates;
  if (options.closestInSize !== undefined && candidates.length > options.closestInSize) {
    const kept = new Set([...candidates].sort((a, b) => Math.abs(a.size - size) - Math.abs(b.size - size)).slice(0, options.closestInSize));
    pool = candidates.filter((f) => kept.has(f));
  }
  let best: { file: KnownFile; bytes: Buffer; distance: number; index: number } | undefined;
  const unseen: KnownFile[] = [];
  const tried = new Set<string>();
  const distanceTo = lineDistanceFromBytes(release);
  // Distances to texts by blob id: a variant's bound needs its upstream file's.
  const distances = new Map<string, number | undefined>();
  // Past `limit`, a distance is a bound (see lineDistanceFromBytes), which is all a variant's bound needs.
  const measure = async (file: KnownFile, limit = Infinity): Promise<{ bytes: Buffer; distance: number } | undefined> => {
    const bytes = await knowledge.content(file);
    const distance = bytes ? distanceTo(bytes, limit) : undefined;
    distances.set(file.blobId, distance);
    return bytes && distance !== undefined ? { bytes, distance } : undefined;
  };
  // Only a variant's bound needs the release's lines as text, and its upstream file's (once for all its variants).
  let releaseCounts: Map<string, number> | undefined;
  const baseLines = new Map<string, Promise<Set<string> | undefined>>();
  const baseLinesOf = (base: KnownFile) => {
    let lines = baseLines.get(base.blobId);
    if (!lines) {
      lines = knowledge.content(base).then((bytes) => bytes && new Set(lineCounts(bytes.toString('latin1')).keys()));
      baseLines.set(base.blobId, lines);
    }
    return lines;
  };
  // Upstream files first, then the variants: most variants cannot come nearer than their upstream
  // file allows (variantBound), and rebuilding one costs as much as comparing it. Within each, those
  // nearest in size first: the nearest text is found early, and past its distance the others are
  // given up on part way (ties still go to the earlier candidate, by index).
  const order = pool
    .map((file, index) => ({ file, index }))
    .sort((a, b) => Number(Boolean(a.file.variant)) - Number(Boolean(b.file.variant)) || Math.abs(a.file.size - size) - Math.abs(b.file.size - size) || a.index - b.index);
  for (const { file, index } of order) {
    if (tried.has(file.blobId)) continue;
    tried.add(file.blobId);
    if (file.variant && best) {
      const base = variantBase(file)!;
      if (!distances.has(base.blobId)) await measure(base);
      const baseDistance = distances.get(base.blobId);
      if (baseDistance !== undefined) {
        const bound = variantBound(file.variant.diff, baseDistance, (releaseCounts ??= lineCounts(release.toString('latin1'))), await baseLinesOf(base));
        if (bound > best.distance || (bound === best.distance && index > best.index)) continue;
      }
    }
    // Only a distance that would win is needed whole: at most best's, or below it for a later candidate.
    const limit = !best ? Infinity : index < best.index ? best.distance : best.distance - 1;
    const measured = await measure(file, limit);
    if (!measured) {
      unseen.push(file);
      continue;
    }
    const { bytes, distance } = measured;
    if (distance > limit) continue;
    if (!best || distance < best.distance || (distance === best.distance && index < best.index)) best = { file, bytes, distance, index };
  }
  return best ? { file: best.file, bytes: best.bytes, unseen } : { file: candidates[0]!, unseen };
}

/** How often each trimmed line occurs in a text. */
function lineCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/**
 * The least distance (lineDistanceFrom's) a release text can have to a variant,
 * from its distance to the variant's upstream file. The variant's lines are
 * the upstream file's, less the diff's removed lines, plus its added ones, so:
 * a removed line the release lacks no longer counts, an added line the release
 * lacks counts once more, and each added text the upstream file lacks (any,
 * when its lines are not given) can at most cover the release's occurrences
 * of it. A removed line the release has, and a removed text the release's
 * lines lose, only add. "\ No newline at end of file" moves an empty
 * last line one way or the other: it is allowed to have been removed.
 *
 * Only lines inside a hunk, as many as its header counts, are read: a stray
 * `+++` line outside one adds nothing.
 */
export function variantBound(diff: string, baseDistance: number, releaseCounts: ReadonlyMap<string, number>, baseLines?: ReadonlySet<string>): number {
  let bound = baseDistance;
  const added = new Set<string>();
  let oldLeft = 0;
  let newLeft = 0;
  let marker = false;
  for (const line of diff.split('\n')) {
    if (oldLeft === 0 && newLeft === 0) {
      const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      if (hunk) {
        oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
        newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      }
      marker ||= line.startsWith('\\');
      continue;
    }
    const text = line.slice(1).trim();
    if (line.startsWith('-')) {
      oldLeft--;
      if (!releaseCounts.has(text)) bound--;
    } else if (line.startsWith('+')) {
      newLeft--;
      if (releaseCounts.has(text)) added.add(text);
      else bound++;
    } else if (line.startsWith('\\')) {
      marker = true;
    } else {
      oldLeft--;
      newLeft--;
    }
  }
  if (marker) {
    if (!releaseCounts.has('')) bound--;
    added.add('');
  }
  for (const t of added) if (!baseLines?.has(t)) bound -= releaseCounts.get(t) ?? 0;
  return bound;
}
