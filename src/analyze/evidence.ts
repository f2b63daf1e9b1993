import { structuredPatch } from 'diff';
import type { Change } from '../compare/change.js';
import type { TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { Evidence, SideEvidence } from '../report/finding.js';
import { cutCommonLines, type CommonLines } from './common-lines.js';
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

/** Lines of context around each change in an evidence diff. */
const context = 3;
/** Lines kept at the end of a cut diff beyond its context, for a change that moves down into them. */
const tailSlack = 8;

/** The texts an evidence diff is computed on: the common ends cut, but for the context and, at the end, some slack. */
export function evidenceCut(before: string, after: string): CommonLines {
  return cutCommonLines(before, after, context, context + tailSlack);
}

/**
 * A unified diff of two texts, bounded in lines kept and in edit distance:
 * Myers' diff costs O(N·D), so a rewritten file (a regenerated configure, a
 * refreshed .po) cannot stall the run. Binary content gets no diff.
 */
export function boundedDiff(before: Buffer, after: Buffer, beforeLabel: string, afterLabel: string, options: DiffOptions): Partial<Evidence> {
  if (isBinary(before) || isBinary(after)) return { binary: true };
  const beforeText = before.toString('utf8');
  const afterText = after.toString('utf8');
  // The diff of the lines between the common ends (and the context beside
  // them), numbered as in the whole files. A change that could sit on either
  // side of repeated lines sits after them (see cutCommonLines): the end keeps
  // lines for that, and where they are too few, the whole texts are diffed.
  const cut = evidenceCut(beforeText, afterText);
  let offset = cut.headLines;
  const diff = (a: string, b: string) => structuredPatch(beforeLabel, afterLabel, a, b, '', '', { context, maxEditLength: options.maxEdits });
  let patch = diff(cut.before, cut.after);
  if (patch && (cut.headChars > 0 || cut.tailChars > 0) && !contextKept(patch.hunks, cut.headChars > 0, cut.tailChars > 0)) {
    patch = diff(beforeText, afterText);
    offset = 0;
  }
  if (!patch) {
    return { diffNote: `more than ${options.maxEdits} lines differ from ${beforeLabel}; too different for a diff (${before.length} bytes before, ${after.length} after)` };
  }
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart + offset},${hunk.oldLines} +${hunk.newStart + offset},${hunk.newLines} @@`);
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

/** Whether the first hunk opens with, and the last ends with, a full context where an end was cut. */
function contextKept(hunks: ReadonlyArray<{ lines: string[] }>, head: boolean, tail: boolean): boolean {
  const first = hunks[0]?.lines ?? [];
  const last = hunks.at(-1)?.lines ?? [];
  const unchanged = (l: string) => l.startsWith(' ');
  const leading = first.findIndex((l) => !unchanged(l));
  const trailing = [...last].reverse().findIndex((l) => !unchanged(l));
  return (!head || leading < 0 || leading >= context) && (!tail || trailing < 0 || trailing >= context);
}
