/** Severities, lowest first. See design: critical = unexplained code where the build runs. */
export const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export function severityRank(s: Severity): number {
  return severities.indexOf(s);
}

export function atLeast(s: Severity, floor: Severity): boolean {
  return severityRank(s) >= severityRank(floor);
}

export function isSeverity(value: string): value is Severity {
  return (severities as readonly string[]).includes(value);
}
