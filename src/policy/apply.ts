import type { Finding } from '../report/finding.js';
import type { PolicyResult, RefusedRule } from '../report/waivers.js';
import type { AllowRule, Policy } from './policy.js';

/** Whether a rule's path, change and category selectors all take the finding (its sha256 aside). */
function selects(rule: AllowRule, f: Finding): boolean {
  return (rule.change === undefined || rule.change === f.change) && (rule.category === undefined || rule.category === f.category) && rule.matchesPath(f.path);
}

/**
 * Why a rule that selects a critical finding may not allow it, or undefined when
 * it may. A critical finding is code git does not explain where the build runs;
 * a glob written for last year's file must not accept this year's payload, so
 * only the exact release content the rule names is accepted.
 */
function refusal(rule: AllowRule, f: Finding): string | undefined {
  const actual = f.evidence.release?.sha256;
  if (rule.sha256 !== undefined && rule.sha256 === actual) return undefined;
  const pin = actual ? `only "sha256": "${actual}" (this release file) can allow it` : 'the finding has no release content to pin';
  return rule.sha256 === undefined ? `names no sha256; ${pin}` : `names sha256 ${rule.sha256.slice(0, 16)}…, not this release file's; ${pin}`;
}

/**
 * Mark the findings the policy allows, first matching rule wins. Integrity
 * findings (checksum, signature, moved tag) are never allowed. A critical
 * finding a rule selects without its exact sha256 stays critical, with the
 * refusal among its reasons. Rules that allowed and refused nothing are stale.
 */
export function applyPolicy(findings: Finding[], policy: Policy): { findings: Finding[]; result: PolicyResult } {
  const used = new Set<number>();
  const refused: RefusedRule[] = [];
  const out = findings.map((f): Finding => {
    if (f.change === 'integrity') return f;
    const refusals: RefusedRule[] = [];
    for (const rule of policy.rules) {
      if (!selects(rule, f)) continue;
      const allow = (): Finding => {
        used.add(rule.rule);
        return { ...f, allowed: { rule: rule.rule, reason: rule.reason, ...(rule.sha256 !== undefined ? { sha256: rule.sha256 } : {}) } };
      };
      if (f.severity !== 'critical') {
        // Below critical a sha256 is one more selector: the rule takes that content only.
        if (rule.sha256 === undefined || rule.sha256 === f.evidence.release?.sha256) return allow();
        continue;
      }
      const why = refusal(rule, f);
      if (why === undefined) return allow();
      used.add(rule.rule);
      refusals.push({ rule: rule.rule, id: f.id, path: f.path, why });
    }
    if (refusals.length === 0) return f;
    refused.push(...refusals);
    return { ...f, reasons: [...f.reasons, ...refusals.map((r) => `policy rule ${r.rule} may not allow this critical finding: it ${r.why}`)] };
  });
  return {
    findings: out,
    result: {
      file: policy.file,
      rules: policy.rules.length,
      allowed: out.filter((f) => f.allowed).length,
      stale: policy.rules.filter((r) => !used.has(r.rule)).map((r) => ({ rule: r.rule, reason: r.reason })),
      refused,
    },
  };
}
