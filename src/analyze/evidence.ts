import { structuredPatch } from 'diff';
import type { Change } from '../compare/change.js';
import type { TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { Evidence, SideEvidence } from '../report/finding.js';
import { isBinary } from './places.js';
import type { AnalysisContext } from './rule.js';

const octal = (mode: number) => mode.toString(8).padStart(mode > 0o7777 ? 6 : 4, '0');

export function releaseSide(e: ReleaseEntry): SideEvidence {
  return {
    type: e.type,
    mode: octal(e.mode),
    size: e.size,
    ...(e.blobId ? { blobId: e.blobId } : {}),
    ...(e.sha256 ? { sha256: e.sha256 } : {}),
    ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
  };
}

export function tagSide(e: TagEntry, expectedOid?: string): SideEvidence {
  return { type: e.type, mode: octal(e.mode), size: e.size, blobId: expectedOid ?? e.oid };
}

/** The facts of both sides every finding carries. */
export function baseEvidence(change: Change): Evidence {
  const evidence: Evidence = {};
  if (change.release) evidence.release = releaseSide(change.release);
  if (change.tag) evidence.tag = tagSide(change.tag, change.expectedOid);
  if (change.copies) evidence.copies = change.copies.map((c) => ({ ...releaseSide(c), index: c.index }));
  if (change.release && change.release.path !== change.path) evidence.archivePath = change.release.path;
  return evidence;
}

export interface DiffOptions {
  /** Most diff lines kept in the evidence. */
  maxLines: number;
  /** Most changed lines a diff is computed for; beyond it the files are too different to diff usefully. */
  maxEdits: number;
}

/** A bounded unified diff (tag → release) for a modified text file, or why there is none. */
export async function diffEvidence(change: Change, ctx: AnalysisContext, options: DiffOptions): Promise<Partial<Evidence>> {
  const { release, tag } = change;
  if (!release || !tag || release.type !== 'file' || tag.type !== 'file') return {};
  if (release.contentTooLarge) return { diffNote: 'file larger than --max-file-memory; compared by hash only' };
  const [before, after] = await Promise.all([ctx.tagContent(tag), ctx.releaseContent(release)]);
  if (!after) return { diffNote: 'release content not kept; compared by hash only' };
  return boundedDiff(before, after, `a/${change.path}`, `b/${change.path}`, options);
}

/**
 * A unified diff of two texts, bounded in lines kept and in edit distance:
 * Myers' diff costs O(N·D), so a rewritten file (a regenerated configure, a
 * refreshed .po) cannot stall the run. Binary content gets no diff.
 */
export function boundedDiff(before: Buffer, after: Buffer, beforeLabel: string, afterLabel: string, options: DiffOptions): Partial<Evidence> {
  if (isBinary(before) || isBinary(after)) return { binary: true };
  const patch = structuredPatch(beforeLabel, afterLabel, before.toString('utf8'), after.toString('utf8'), '', '', {
    context: 3,
    maxEditLength: options.maxEdits,
  });
  if (!patch) {
    return { diffNote: `more than ${options.maxEdits} lines differ from ${beforeLabel}; too different for a diff (${before.length} bytes before, ${after.length} after)` };
  }
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
      lines.push(line);
    }
  }
  const truncated = lines.length > options.maxLines;
  return {
    diff: (truncated ? lines.slice(0, options.maxLines) : lines).join('\n'),
    added,
    removed,
    ...(truncated ? { diffTruncated: true } : {}),
  };
}
