import { lineDistanceFrom } from '../added-code.js';
import type { KnowledgeLookup, KnownFile } from './types.js';

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
export async function nearestGenuine(candidates: readonly KnownFile[], text: string, knowledge: KnowledgeLookup, options: { closestInSize?: number } = {}): Promise<Nearest> {
  let pool = candidates;
  if (options.closestInSize !== undefined && candidates.length > options.closestInSize) {
    const size = Buffer.byteLength(text, 'latin1');
    const kept = new Set([...candidates].sort((a, b) => Math.abs(a.size - size) - Math.abs(b.size - size)).slice(0, options.closestInSize));
    pool = candidates.filter((f) => kept.has(f));
  }
  let best: { file: KnownFile; bytes: Buffer; distance: number } | undefined;
  const unseen: KnownFile[] = [];
  const tried = new Set<string>();
  const distanceTo = lineDistanceFrom(text);
  for (const file of pool) {
    if (tried.has(file.blobId)) continue;
    tried.add(file.blobId);
    const bytes = await knowledge.content(file);
    if (!bytes) {
      unseen.push(file);
      continue;
    }
    const distance = distanceTo(bytes.toString('latin1'));
    if (!best || distance < best.distance) best = { file, bytes, distance };
  }
  return best ? { file: best.file, bytes: best.bytes, unseen } : { file: candidates[0]!, unseen };
}
