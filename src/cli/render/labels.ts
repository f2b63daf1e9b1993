import type { Finding } from '../../report/finding.js';
import type { Severity } from '../../report/severity.js';

/** How each change reads in a sentence, shared by the text, Markdown and HTML reports. */
export const changeText: Record<Finding['change'], string> = {
  'only-in-release': 'only in release',
  'only-in-tag': 'only in tag',
  modified: 'modified',
  'mode-changed': 'mode changed',
  'type-changed': 'type changed',
  'duplicate-entry': 'duplicate entry',
  'unsafe-entry': 'unsafe entry',
  integrity: 'integrity check',
};

/** Highest first: the order reports list findings in. */
export const severitiesDown: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const verdictText = { pass: 'PASS', review: 'REVIEW', fail: 'FAIL' } as const;

/** Findings grouped by severity, highest first, keeping report order within each. */
export function bySeverity(findings: readonly Finding[]): Array<[Severity, Finding[]]> {
  return severitiesDown.map((s) => [s, findings.filter((f) => f.severity === s)] as [Severity, Finding[]]).filter(([, g]) => g.length > 0);
}

/** How many findings of each category, in first-seen order: `26 known-good · 2 not-shipped`. */
export function categorySummary(findings: readonly Finding[]): string {
  const byCategory = new Map<string, number>();
  for (const f of findings) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  return [...byCategory].map(([c, n]) => `${n} ${c}`).join(' · ');
}
