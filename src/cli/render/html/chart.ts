import { categoryInfo, type Category } from '../../../report/finding.js';
import type { Report } from '../../../report/report.js';
import { severities, severityRank, type Severity } from '../../../report/severity.js';
import { html, type Html } from './escape.js';

/** Severity colours, shared with the CSS badges. */
export const severityColour: Record<Severity, string> = {
  critical: '#b3261e',
  high: '#e8590c',
  medium: '#e6a700',
  low: '#4c8bd6',
  info: '#9aa4ae',
};
const identicalColour = '#2f9e44';

function stackedBar(segments: Array<{ label: string; n: number; colour: string }>, width: number, y: number, height: number): Html[] {
  const total = segments.reduce((a, s) => a + s.n, 0) || 1;
  let x = 0;
  return segments
    .filter((s) => s.n > 0)
    .map((s) => {
      const w = Math.max(1, (s.n / total) * width);
      const rect = html`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${height}" fill="${s.colour}"><title>${s.n} ${s.label}</title></rect>`;
      x += w;
      return rect;
    });
}

/**
 * The release at a glance, as inline SVG (no script, no external asset): one
 * bar of every path by outcome, and one bar per category split by severity,
 * the categories that matter most on top.
 */
export function summaryChart(report: Report): Html {
  const width = 560;
  const counts = new Map<Category, Record<Severity, number>>();
  for (const f of report.findings) {
    const row = counts.get(f.category) ?? (Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>);
    row[f.severity]++;
    counts.set(f.category, row);
  }
  const labelWidth = labelColumn([...counts.keys()].map((c) => categoryInfo[c].title));
  const worst = (r: Record<Severity, number>) => Math.max(...severities.filter((s) => r[s] > 0).map(severityRank));
  const rows = [...counts].sort((a, b) => worst(b[1]) - worst(a[1]) || sum(b[1]) - sum(a[1]));
  const max = Math.max(1, ...rows.map(([, r]) => sum(r)));
  const down = [...severities].reverse();
  const top = stackedBar(
    [{ label: 'identical to the tag', n: report.counts.identical, colour: identicalColour }, ...down.map((s) => ({ label: `${s} findings`, n: report.severities[s], colour: severityColour[s] }))],
    labelWidth + width,
    22,
    22,
  );
  const barRows = rows.map(([category, r], i) => {
    const y = 80 + i * 22;
    const w = (sum(r) / max) * width;
    const bar = stackedBar(down.map((s) => ({ label: `${s} · ${categoryInfo[category].title}`, n: r[s], colour: severityColour[s] })), w, y, 16);
    return html`<text x="${labelWidth - labelGap}" y="${y + 12}" text-anchor="end">${categoryInfo[category].title}</text><g transform="translate(${labelWidth} 0)">${bar}<text x="${(w + 6).toFixed(1)}" y="${y + 12}">${sum(r)}</text></g>`;
  });
  const height = 90 + rows.length * 22;
  const total = report.counts.identical + report.findings.length;
  return html`<svg class="chart" role="img" viewBox="0 0 ${labelWidth + width + 40} ${height}" width="100%"><title>Paths by outcome and findings by category and severity</title><text x="0" y="14" class="caption">${total} paths: ${report.counts.identical} identical, ${report.findings.length} findings</text>${top}<text x="0" y="68" class="caption">findings by category</text>${barRows}</svg>`;
}

/**
 * An upper bound on a label's width in the chart's 12px sans-serif: SVG text
 * is not measured before it is drawn, and a right-aligned label longer than
 * its column runs off the left edge ("API documentation generated from
 * sources in the tag" needs about 320px). Sans-serif averages about 0.55em
 * per character; 7px leaves room for wide letters.
 */
export const labelCharWidth = 7;
const labelGap = 8;

/** The label column: wide enough for the longest label, never narrower than the old fixed 250px. */
export function labelColumn(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return Math.max(250, Math.ceil(longest * labelCharWidth) + labelGap + 4);
}

function sum(r: Record<Severity, number>): number {
  return severities.reduce((a, s) => a + r[s], 0);
}

/** The colour key under the chart, also the severity legend. */
export function legend(): Html {
  return html`<ul class="legend"><li><i style="background:${identicalColour}"></i>identical</li>${[...severities].reverse().map((s) => html`<li><i style="background:${severityColour[s]}"></i>${s}</li>`)}</ul>`;
}
