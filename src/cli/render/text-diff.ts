import type { DiffFields, Evidence } from '../../report/finding.js';
import type { Colors } from '../colors.js';
import { fit } from './wrap.js';

/** What a bounded diff shows: of a finding (tag → release) or of drift (previous release → release). */
export type DiffShape = DiffFields & Pick<Evidence, 'release' | 'tag'>;

/** A finding's diff for the terminal, each line cut to the width; or why there is none. */
export function diffLines(e: DiffShape, c: Colors, max: number, width: number, before = 'tag'): string[] {
  const out: string[] = [];
  if (e.diff) {
    const lines = e.diff.split('\n');
    for (const whole of lines.slice(0, max)) {
      const line = fit(whole, width - 6);
      const painted = line.startsWith('+') ? c.green(line) : line.startsWith('-') ? c.red(line) : line.startsWith('@@') ? c.cyan(line) : line;
      out.push(`      ${painted}`);
    }
    const hidden = lines.length - Math.min(lines.length, max);
    if (hidden > 0 || e.diffTruncated) out.push(c.dim(`      … diff cut (${e.added ?? 0} lines added, ${e.removed ?? 0} removed in all; --format json has more)`));
  } else if (e.binary && e.release && e.tag) {
    out.push(`      binary: ${before} ${e.tag.size} bytes ${e.tag.blobId?.slice(0, 12)} → release ${e.release.size} bytes ${e.release.blobId?.slice(0, 12)}`);
  } else if (e.diffNote) {
    out.push(c.dim(`      ${e.diffNote}`));
  }
  return out;
}
