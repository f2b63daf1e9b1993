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
  let pool = candidates;
  if (options.closestInSize !== undefined && candidates.length > options.closestInSize) {
    const size = release.length;
    const kept = new Set([...candidates].sort((a, b) => Math.abs(a.size - size) - Math.abs(b.size - size)).slice(0, options.closestInSize));
    pool = candidates.filter((f) => kept.has(f));
  }
  let best: { file: KnownFile; bytes: Buffer; distance: number; index: number } | undefined;
  const unseen: KnownFile[] = [];
  const tried = new Set<string>();
  const distanceTo = lineDistanceFromBytes(release);
  // Distances to texts by blob id: a variant's bound needs its upstream file's.
  const distances = new Map<string, number | undefined>();
  const measure = async (file: KnownFile): Promise<{ bytes: Buffer; distance: number } | undefined> => {
    const bytes = await knowledge.content(file);
    const distance = bytes ? distanceTo(bytes) : undefined;
    distances.set(file.blobId, distance);
    return bytes && distance !== undefined ? { bytes, distance } : undefined;
  };
  // Only a variant's bound needs the release's lines as text.
  let releaseCounts: Map<string, number> | undefined;
  // Upstream files first, then the variants: most variants cannot come nearer than their upstream
  // file allows (variantBound), and rebuilding one costs as much as comparing it.
  const order = pool.map((file, index) => ({ file, index })).sort((a, b) => Number(Boolean(a.file.variant)) - Number(Boolean(b.file.variant)) || a.index - b.index);
  for (const { file, index } of order) {
    if (tried.has(file.blobId)) continue;
    tried.add(file.blobId);
    if (file.variant && best) {
      const base = variantBase(file)!;
      if (!distances.has(base.blobId)) await measure(base);
      const baseDistance = distances.get(base.blobId);
      if (baseDistance !== undefined) {
        const bound = variantBound(file.variant.diff, baseDistance, (releaseCounts ??= lineCounts(release.toString('latin1'))));
        if (bound > best.distance || (bound === best.distance && index > best.index)) continue;
      }
    }
    const measured = await measure(file);
    if (!measured) {
      unseen.push(file);
      continue;
    }
    const { bytes, distance } = measured;
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
 * from its distance to the variant's upstream file: each removed line takes at
 * most one off the genuine side's count, and each added text can cover at most
 * the release's occurrences of it. Nothing else the diff does lowers the distance.
 */
export function variantBound(diff: string, baseDistance: number, releaseCounts: ReadonlyMap<string, number>): number {
  let removed = 0;
  const added = new Set<string>();
  for (const line of diff.split('\n')) {
    if (line.startsWith('-')) removed++;
    else if (line.startsWith('+')) added.add(line.slice(1).trim());
    else if (line.startsWith('\\')) {
      // "\ No newline at end of file": the split text gains or loses one empty last line.
      removed++;
      added.add('');
    }
  }
  let covered = 0;
  for (const t of added) covered += releaseCounts.get(t) ?? 0;
  return baseDistance - removed - covered;
}
