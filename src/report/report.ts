import type { Drift } from './drift.js';
import type { Finding } from './finding.js';
import type { BaselineResult, PolicyResult } from './waivers.js';

/** A signature check, of the release file or of the tag. */
export interface SignatureInfo {
  source: string;
  status: 'good' | 'bad' | 'unknown-key' | 'unverified' | 'error' | 'unsigned';
  fingerprint?: string;
  signer?: string;
  inKeyring: boolean;
  keyring?: string;
  detail?: string;
}
import { atLeast, severities, type Severity } from './severity.js';

export const reportSchema = 'cuckoo.report/v1';

export type Verdict = 'pass' | 'review' | 'fail';

export interface Counts {
  /** Paths whose content, type and executable bit match what `git archive` of the tag gives. */
  identical: number;
  onlyInRelease: number;
  /** Tag files missing from the release (export-ignored ones are counted apart). */
  onlyInTag: number;
  /** Paths in both whose content, type or executable bit differ. */
  modified: number;
  /** Tag files that `git archive` leaves out because of `export-ignore`. */
  exportIgnored: number;
  /** Entries that could not be compared: unsafe paths, duplicates, special files. */
  irregular: number;
}

export interface Report {
  schema: typeof reportSchema;
  tool: { name: 'cuckoo'; version: string };
  verdict: Verdict;
  /** Findings at or above this severity make the verdict `fail`. */
  failOn: Severity;
  release: {
    source: string;
    sha256: string;
    format: string;
    decoder: string;
    /** The top-level folder that was stripped, '' for a flat archive. */
    prefix: string;
    entries: number;
    /** Archive comment (git archive stores the commit id there). */
    comment?: string;
    /** The URL it was downloaded from. */
    url?: string;
    /** True when a complete earlier download with the same sha256 was reused. */
    fromCache?: boolean;
    /** The sha256 the user expects (--sha256, --checksums) and whether the file has it. */
    checksum?: { source: string; expected: string; matches: boolean };
    signature?: SignatureInfo;
  };
  tag: {
    repo: string;
    ref: string;
    commit: string;
    annotated: boolean;
    objectFormat: string;
    /** When the tag was inferred, the spellings that were tried. */
    inferredFrom?: string[];
    /** The remote URL the tag was fetched from. */
    remote?: string;
    signature?: SignatureInfo;
    /** For a remote tag: the object it pointed to when cuckoo first saw it, and when. */
    firstSeen?: { object: string; date: string };
  };
  counts: Counts;
  /** How many findings of each severity. */
  severities: Record<Severity, number>;
  findings: Finding[];
  /** With --previous: what changed since the previous release in the files git does not explain. */
  drift?: Drift;
  /** Generated files re-made by their generators in the sandbox: how many were proven, and with which tools. */
  reproduction?: import('../reproduce/outcome.js').ReproductionSummary;
  /** Why part of the release was not checked (a submodule that could not be fetched): exit code 3 when nothing fails. */
  incomplete?: string[];
  /** With --rebuild: the project's release steps run on the tag in the sandbox, and what they wrote. */
  rebuild?: import('../reproduce/rebuild/rebuild.js').RebuildSummary;
  /** What the --policy file allowed, refused and left unused. */
  policy?: PolicyResult;
  /** How many findings the --baseline report already had. */
  baseline?: BaselineResult;
  /** Things the reader should know about how the comparison ran (fallbacks, skipped parts). */
  notes: string[];
}

/** The findings that count toward the verdict: neither allowed by the policy nor known from the baseline. */
export function counting(findings: Finding[]): Finding[] {
  return findings.filter((f) => !f.allowed && !f.known);
}

/** fail: something at or above failOn; review: something at medium or above; pass otherwise. */
export function verdictOf(findings: ReadonlyArray<{ severity: Severity }>, failOn: Severity): Verdict {
  if (findings.some((f) => atLeast(f.severity, failOn))) return 'fail';
  if (findings.some((f) => atLeast(f.severity, 'medium'))) return 'review';
  return 'pass';
}

export function severityCounts(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}
