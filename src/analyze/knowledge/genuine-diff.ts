import type { Evidence } from '../../report/finding.js';
import { boundedDiff } from '../evidence.js';

/** Same bounds `cuckoo verify` uses for tag diffs (src/commands/verify.ts). */
const bounds = { maxEdits: 2000, maxLines: 200 };

/**
 * A bounded unified diff from a genuine known file to the release file, for a
 * look-alike: the reader sees exactly which lines were planted.
 */
export function genuineDiff(genuine: Buffer, release: Buffer, genuineLabel: string, releasePath: string): Partial<Evidence> {
  return boundedDiff(genuine, release, genuineLabel, `b/${releasePath}`, bounds);
}
