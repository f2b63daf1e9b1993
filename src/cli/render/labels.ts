import type { Drift, DriftItem } from '../../report/drift.js';
import type { Finding } from '../../report/finding.js';
import { atLeast, type Severity } from '../../report/severity.js';

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

/**
 * The drift items that count toward the verdict (medium and above), by
 * severity, for the verdict line: `1 critical · 2 high`; empty when none.
 */
export function driftCounts(drift: Drift | undefined, paint: (s: Severity, text: string) => string = (_, t) => t): string {
  const counted = bySeverity((drift?.items ?? []).filter((i) => atLeast(i.severity, 'medium')));
  return counted.map(([s, items]) => paint(s, `${items.length} ${s}`)).join(' · ');
}

/** `Since proj-1.0.tar (tag v1.0)`: the heading of the drift section, in every format. */
export function driftHeading(drift: Drift): string {
  const name = drift.previous.source.split('/').pop() ?? drift.previous.source;
  return `Since ${name} (tag ${drift.previousTag.ref})`;
}

/** What a generator or binary item says in one line. */
export function driftSummary(item: DriftItem): string {
  const g = item.evidence.generator;
  if (g) return `${g.tool} ${g.previous} → ${g.current} (${item.path})`;
  if (item.evidence.git) return `${item.path} (${item.evidence.git.status})`;
  return item.path;
}

/** How many findings of each category, in first-seen order: `26 known-good · 2 not-shipped`. */
export function categorySummary(findings: readonly Finding[]): string {
  const byCategory = new Map<string, number>();
  for (const f of findings) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  return [...byCategory].map(([c, n]) => `${n} ${c}`).join(' · ');
}

/**
 * What reproduction proved, in one line for every format: `generated files:
 * 4 reproduced byte for byte · 1 NOT what its generator writes (in bwrap,
 * autoconf 2.71, automake 1.16.5)`; empty when nothing was tried. Times are
 * in the JSON report, not here: reports of one release stay alike.
 */
export function reproductionLine(report: { reproduction?: import('../../reproduce/outcome.js').ReproductionSummary }): string {
  const r = report.reproduction;
  if (!r) return '';
  const k = r.counts;
  const parts = [
    k.reproduced ? `${k.reproduced} reproduced byte for byte` : '',
    k.normalised ? `${k.normalised} reproduced after normalising` : '',
    k.different ? `${k.different} NOT what ${k.different === 1 ? 'its generator writes' : 'their generators write'}` : '',
    k.notTried ? `${k.notTried} not tried, judged by shape only` : '',
  ].filter(Boolean);
  if (parts.length === 0) return '';
  const where = r.sandbox === 'bwrap' ? 'in bwrap' : r.sandbox === 'none' ? 'UNSANDBOXED (--sandbox none)' : r.sandbox === 'unavailable' ? 'no sandbox' : '';
  const tools = r.tools.map((t) => `${t.tool} ${t.version}`).join(', ');
  const missing = r.missing.length ? `; missing: ${r.missing.map((m) => `${m.tool} ${m.version}`).join(', ')}: ${r.missing[0]!.hint}` : '';
  return `generated files: ${parts.join(' · ')} (${[where, tools].filter(Boolean).join(', ')}${missing})`;
}

/**
 * What the rebuild from the tag showed, in one line for every format:
 * `rebuilt from the tag: 46 of 48 release-only files identical · 1 different
 * · 1 written by no step (autogen.sh, configure, make distdir)`, or where it
 * stopped. Empty without --rebuild.
 */
export function rebuildLine(report: { rebuild?: import('../../reproduce/rebuild/rebuild.js').RebuildSummary }): string {
  const r = report.rebuild;
  if (!r) return '';
  if (r.status === 'not-run') return `rebuild not run: ${r.why ?? ''}${r.hint ? ` (${r.hint})` : ''}`;
  const k = r.counts;
  const share = r.releaseOnly.files > 0 ? `${r.releaseOnly.identical} of ${r.releaseOnly.files} release-only files identical` : 'no release-only files';
  const parts = [share, k.different ? `${k.different} different` : '', k.absent ? `${k.absent} written by no step` : ''].filter(Boolean);
  const steps = r.recipe?.steps.map((s) => s.name).join(', ') ?? '';
  const where = r.sandbox === 'none' ? ', UNSANDBOXED (--sandbox none)' : '';
  const nearest = r.tools.filter((t) => t.nearest).map((t) => `${t.tool} ${t.version} for ${t.named}`);
  const stand = nearest.length ? `; stand-ins: ${nearest.join(', ')}` : '';
  const failed = r.status === 'failed' ? `; REBUILD FAILED: ${r.why ?? r.failedStep}` : '';
  return `rebuilt from the tag: ${parts.join(' · ')} (${steps}${where}${stand})${failed}`;
}
