/**
 * What the rebuild from the tag adds to each finding. A file the project's
 * release steps write byte for byte is explained by that alone (info). A file
 * no step writes, after a rebuild that ran to the end, is one the release
 * carries for no reason the tag gives: in a place the build runs that is
 * code git does not explain (critical), compiled source is at least high, and
 * anything else at least medium. A different file keeps the rules' judgement
 * and gains the diff against what the rebuild wrote.
 *
 * A stand-in tool version (--rebuild-nearest) or a rebuild that stopped early
 * proves nothing by absence or difference: the file is marked, not weighed.
 */
import type { Finding, RebuiltEvidence } from '../report/finding.js';
import { atLeast, type Severity } from '../report/severity.js';
import type { Change } from '../compare/change.js';
import { findingId } from './analyze.js';
import { buildRole } from './places.js';

const raise = (s: Severity, floor: Severity): Severity => (atLeast(s, floor) ? s : floor);

function absentFloor(path: string): { floor: Severity; where: string } {
  const role = buildRole(path);
  if (role === 'build-script') return { floor: 'critical', where: 'in a place the build runs' };
  if (role === 'compiled-source') return { floor: 'high', where: 'in source the build compiles' };
  return { floor: 'medium', where: 'outside the build' };
}

export function withRebuild(finding: Finding, rebuilt: RebuiltEvidence, recipe: string): Finding {
  const evidence = { ...finding.evidence, rebuilt };
  const stand = rebuilt.nearest?.length ? ` (written by ${rebuilt.nearest.join(', ')}: --rebuild-nearest)` : '';
  if (rebuilt.outcome === 'identical') {
    const explained = atLeast(finding.severity, 'medium');
    return {
      ...finding,
      ...(explained ? { category: 'rebuilt' as const, id: findingId({ kind: finding.change, path: finding.path } as Change, 'rebuilt') } : {}),
      severity: 'info',
      reasons: [`rebuilt byte for byte from the tag by its release steps (${recipe})${stand}`, ...finding.reasons],
      evidence,
    };
  }
  if (rebuilt.outcome === 'different') {
    const what = rebuilt.diffNote && !rebuilt.diff ? `: ${rebuilt.diffNote}` : '; the rebuilt → release diff is in the evidence';
    const caveat = rebuilt.incomplete ? ` (the rebuild stopped at ${rebuilt.incomplete}: this is the tag's copy as far as it went)` : stand;
    return { ...finding, reasons: [...finding.reasons, `the tag's release steps (${recipe}) write other bytes here${what}${caveat}`], evidence };
  }
  if (rebuilt.incomplete) {
    return { ...finding, reasons: [...finding.reasons, `not in the rebuilt tree, but the rebuild stopped at ${rebuilt.incomplete}: its absence proves nothing`], evidence };
  }
  if (stand) {
    return { ...finding, reasons: [...finding.reasons, `no release step wrote this file${stand}: a stand-in version may write other files, so its absence is not weighed`], evidence };
  }
  const { floor, where } = absentFloor(finding.path);
  return {
    ...finding,
    severity: raise(finding.severity, floor),
    reasons: [`no release step writes this file: the tag's recipe (${recipe}) ran to the end without it, ${where}`, ...finding.reasons],
    evidence,
  };
}
