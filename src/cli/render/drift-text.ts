import { driftInfo, driftKinds, type Drift, type DriftItem } from '../../report/drift.js';
import { atLeast } from '../../report/severity.js';
import { paintSeverity, type Colors } from '../colors.js';
import { bySeverity, driftHeading, driftSummary } from './labels.js';
import { diffLines } from './text-diff.js';
import { wrapWords } from './wrap.js';

export interface DriftTextOptions {
  colors: Colors;
  verbose: boolean;
  diffLines: number;
  width: number;
}

/** Most paths listed per kind of explained drift without --verbose. */
const shortList = 12;

function detailed(item: DriftItem, o: DriftTextOptions): string[] {
  const c = o.colors;
  const lines = [`  ${paintSeverity(c, item.severity, '✗')} ${c.bold(item.path)}  ${c.dim(`${driftInfo[item.kind].title.toLowerCase()} · ${item.severity}`)}`];
  for (const reason of item.reasons) lines.push(...wrapWords('      · ', reason.split(' '), o.width));
  const e = item.evidence;
  lines.push(...diffLines({ ...e, ...(e.previous ? { tag: e.previous } : {}) }, c, o.diffLines, o.width, 'previous release'));
  return lines;
}

/**
 * A short section after the findings: what matters (medium and above) item by
 * item, the rest one wrapped list per kind.
 */
export function driftText(drift: Drift, o: DriftTextOptions): string[] {
  const c = o.colors;
  const severities = bySeverity(drift.items).map(([s, g]) => paintSeverity(c, s, `${g.length} ${s}`));
  const out = ['', `${c.bold(`${driftHeading(drift)} → ${drift.previousTag.commit.slice(0, 12)}`)}${severities.length ? `  ${severities.join(' · ')}` : ''}`];
  const counts = driftKinds.filter((k) => drift.counts[k] > 0).map((k) => `${drift.counts[k]} ${driftInfo[k].title.toLowerCase()}`);
  out.push(counts.length ? `      ${counts.join(' · ')}` : c.dim('      nothing outside git changed since the previous release'));
  for (const item of drift.items) if (atLeast(item.severity, 'high')) out.push(...detailed(item, o));
  for (const item of drift.items) {
    if (item.severity === 'medium') out.push(`  ${paintSeverity(c, 'medium', '!')} ${item.path}  ${c.dim(`${driftInfo[item.kind].title.toLowerCase()} · ${item.reasons.join('; ')}`)}`);
  }
  for (const kind of driftKinds) {
    const rest = drift.items.filter((i) => i.kind === kind && !atLeast(i.severity, 'medium'));
    if (rest.length === 0) continue;
    const shown = o.verbose ? rest : rest.slice(0, shortList);
    const more = rest.length - shown.length;
    const names = shown.map((i) => (i.evidence.generator || i.evidence.git ? driftSummary(i) : i.path));
    const explained = kind === 'newly-release-only' || kind === 'release-only-changed' ? ', explained' : '';
    const label = `  ${driftInfo[kind].title.toLowerCase()}${explained} (${rest.length}): `;
    out.push(...wrapWords(label, [...names.map((n, k) => (k < names.length - 1 ? `${n},` : n)), ...(more > 0 ? [c.dim(`… ${more} more (--verbose)`)] : [])], o.width));
  }
  out.push(...drift.notes.map((n) => c.dim(`note: ${n}`)));
  return out;
}
