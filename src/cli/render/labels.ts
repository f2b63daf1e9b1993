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

/** Findings (or drift items) grouped by severity, highest first, keeping report order within each. */
export function bySeverity<T extends { severity: Severity }>(findings: readonly T[]): Array<[Severity, T[]]> {
  return severitiesDown.map((s) => [s, findings.filter((f) => f.severity === s)] as [Severity, T[]]).filter(([, g]) => g.length > 0);
}
