/** What a policy file and a baseline report did to a run's findings (report fields `policy`, `baseline`). */

/** A rule of the policy that allowed nothing and was refused nowhere: it can go. */
export interface StaleRule {
  rule: number;
  reason: string;
}

/** A rule that would have allowed a critical finding but does not name the release file's sha256. */
export interface RefusedRule {
  rule: number;
  /** The finding it did not silence. */
  id: string;
  path: string;
  why: string;
}

export interface PolicyResult {
  /** The policy file as given. */
  file: string;
  rules: number;
  /** Findings the policy allowed. */
  allowed: number;
  stale: StaleRule[];
  refused: RefusedRule[];
}

export interface BaselineResult {
  /** The baseline report as given. */
  file: string;
  /** Findings of this run that the baseline already had. */
  known: number;
}
