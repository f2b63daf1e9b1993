import { structuredPatch } from 'diff';
import type { Evidence } from '../../report/finding.js';
import { isBinary } from '../places.js';

/** Same bounds `cuckoo verify` uses for tag diffs (src/commands/verify.ts). */
const maxEdits = 2000;
const maxLines = 200;

/**
 * A bounded unified diff from a genuine known file to the release file, for a
 * look-alike: the reader sees exactly which lines were planted.
 */
export function genuineDiff(genuine: Buffer, release: Buffer, genuineLabel: string, releasePath: string): Partial<Evidence> {
  if (isBinary(genuine) || isBinary(release)) return { binary: true };
  // Myers' diff costs O(N·D): cap the edit distance so a rewritten file cannot stall the run.
  const patch = structuredPatch(genuineLabel, `b/${releasePath}`, genuine.toString('utf8'), release.toString('utf8'), '', '', {
    context: 3,
    maxEditLength: maxEdits,
  });
  if (!patch) return { diffNote: `more than ${maxEdits} lines differ from ${genuineLabel}; too different for a diff` };
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
  const truncated = lines.length > maxLines;
  return {
    diff: (truncated ? lines.slice(0, maxLines) : lines).join('\n'),
    added,
    removed,
    ...(truncated ? { diffTruncated: true } : {}),
  };
}
