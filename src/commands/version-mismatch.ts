/**
 * A tag whose configure.ac names another version than the release's: the
 * release was not made from the tag's tree, whatever each file's finding
 * says (rng-tools 5: its tag `rng-tools-5` holds version 2's tree, and each
 * of its 16 changed sources is critical on its own). Said once, as a note
 * beside the findings, so that a reader checks the tag first.
 */
import type { Change } from '../compare/change.js';
import type { Finding } from '../report/finding.js';
import { atLeast } from '../report/severity.js';
import { macroArgs } from '../analyze/translations/setup.js';

/** The version AC_INIT names, when it is written out (`AC_INIT(rng-tools, 5, …)`, `[5.7]`); undefined when it is computed (`m4_esyscmd(…)`). */
export function acInitVersion(text: string): string | undefined {
  const version = macroArgs(text, 'AC_INIT')?.[1];
  return version && /^\d[\w.+~-]*$/.test(version) ? version : undefined;
}

/**
 * The note, when the top configure.ac (or configure.in) differs, no rule
 * explained that (its finding is high or above: a development suffix the
 * release drops is a version stamp), and AC_INIT names one version in the
 * tag and another in the release, the release's own where its name says one.
 */
export async function versionMismatchNote(
  changes: readonly Change[],
  findings: readonly Finding[],
  content: { release: (c: Change) => Promise<Buffer | undefined>; tag: (c: Change) => Promise<Buffer | undefined> },
  releaseVersion: string | undefined,
): Promise<string[]> {
  const change = changes.find((c) => c.kind === 'modified' && (c.path === 'configure.ac' || c.path === 'configure.in') && c.release?.type === 'file' && c.tag?.type === 'file');
  const finding = change && findings.find((f) => f.path === change.path && f.change === 'modified');
  if (!change || !finding || !atLeast(finding.severity, 'high')) return [];
  const [mine, theirs] = await Promise.all([content.release(change), content.tag(change)]);
  const released = mine && acInitVersion(mine.toString('utf8'));
  const tagged = theirs && acInitVersion(theirs.toString('utf8'));
  if (!released || !tagged || released === tagged || (releaseVersion !== undefined && releaseVersion !== released)) return [];
  return [`the tag's ${change.path} names version ${tagged} in AC_INIT, the release's ${released}: this release was not made from the tag's tree, whatever each file's finding says (check --tag: the tag may be set on another version's commit)`];
}
