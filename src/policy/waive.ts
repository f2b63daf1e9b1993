/**
 * Policy and baseline together: which findings a run still counts. The policy
 * goes first, so a finding both allows and knows reads as allowed, with the
 * rule's reason; the baseline then marks what an earlier accepted report had.
 */
import type { Finding } from '../report/finding.js';
import type { BaselineResult, PolicyResult } from '../report/waivers.js';
import { applyPolicy } from './apply.js';
import { applyBaseline, readBaseline, type Baseline } from './baseline.js';
import { readPolicy, type Policy } from './policy.js';

export interface Waivers {
  policy?: Policy;
  baseline?: Baseline;
}

export interface WaiverFiles {
  /** A policy file (JSON), read only from where the user names it. */
  policy?: string;
  /** An earlier cuckoo.report/v1 JSON report whose findings were accepted. */
  baseline?: string;
}

/** Read both files up front, so a bad one fails before the comparison starts. */
export async function loadWaivers(files: WaiverFiles): Promise<Waivers> {
  return {
    ...(files.policy !== undefined ? { policy: await readPolicy(files.policy) } : {}),
    ...(files.baseline !== undefined ? { baseline: await readBaseline(files.baseline) } : {}),
  };
}

export interface Waived {
  findings: Finding[];
  policy?: PolicyResult;
  baseline?: BaselineResult;
  notes: string[];
}

export function waive(findings: Finding[], waivers: Waivers): Waived {
  let out = findings;
  const waived: Waived = { findings, notes: [] };
  if (waivers.policy) {
    const { findings: allowed, result } = applyPolicy(out, waivers.policy);
    out = allowed;
    waived.policy = result;
    // Stale rules go to the notes too, so every format shows them.
    waived.notes.push(...result.stale.map((s) => `policy ${result.file}: rule ${s.rule} matched no finding and can go ("${s.reason}")`));
  }
  if (waivers.baseline) {
    const { findings: known, result } = applyBaseline(out, waivers.baseline);
    out = known;
    waived.baseline = result;
  }
  waived.findings = out;
  return waived;
}
