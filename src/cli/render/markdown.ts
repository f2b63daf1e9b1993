import { categoryInfo, type DiffFields, type Finding } from '../../report/finding.js';
import { counting, type Report } from '../../report/report.js';
import { atLeast, type Severity } from '../../report/severity.js';
import { driftInfo, driftKinds, type Drift } from '../../report/drift.js';
import { bySeverity, categorySummary, changeText, driftCounts, driftHeading, driftSummary, verdictText, rebuildLine, reproductionLine } from './labels.js';

export interface MarkdownOptions {
  /** List explained (low, info) findings too, folded. */
  verbose: boolean;
  /**
   * Most characters. GitHub caps a job summary at 1 MiB and an issue or merge
   * request comment at 65,536 characters; GitLab's notes are larger. The default
   * leaves room for a caller's own heading around the report.
   */
  budget?: number;
  /** Most diff lines shown per finding. */
  diffLines?: number;
}

export const defaultMarkdownBudget = 60_000;

/**
 * Text made inert for Markdown and the HTML GitHub allows in it: a file name
 * such as `<img src=x onerror=…>.m4` or `a|b` must read as itself, not as
 * markup or a table cell break.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A fence longer than any backtick run in the text, so the text cannot close it. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

const icon: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };
const verdictIcon = { pass: '✅', review: '⚠️', fail: '❌' } as const;

function summary(report: Report): string {
  const r = report.release;
  const t = report.tag;
  const k = report.counts;
  const name = r.source.split('/').pop() ?? r.source;
  const severities = bySeverity(counting(report.findings)).map(([s, g]) => `${icon[s]} ${g.length} ${s}`);
  const drift = driftCounts(report.drift, (s, text) => `${icon[s]} ${text}`);
  return [
    `## ${verdictIcon[report.verdict]} cuckoo: ${verdictText[report.verdict]} · ${escapeMarkdown(name)} against ${escapeMarkdown(t.ref)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| **Verdict** | **${verdictText[report.verdict]}** (fails at ${report.failOn} and above) |`,
    `| **Findings** | ${severities.join(' · ') || 'none'} |`,
    ...(drift ? [`| **Drift** | ${drift} (counted toward the verdict) |`] : []),
    ...(reproductionLine(report) ? [`| **Reproduced** | ${escapeMarkdown(reproductionLine(report).replace(/^generated files: /, ''))} |`] : []),
    ...(rebuildLine(report) ? [`| **Rebuilt** | ${escapeMarkdown(rebuildLine(report).replace(/^rebuilt from the tag: /, ''))} |`] : []),
    `| **Files** | ${k.identical} identical · ${k.onlyInRelease} only in release · ${k.onlyInTag} only in tag · ${k.modified} modified${k.exportIgnored ? ` · ${k.exportIgnored} export-ignored` : ''}${k.irregular ? ` · ${k.irregular} irregular` : ''} |`,
    `| **Release** | ${escapeMarkdown(r.source)} (${escapeMarkdown(r.format)}, ${r.entries} entries), sha256 ${r.sha256} |`,
    `| **Tag** | ${escapeMarkdown(t.ref)} → ${t.commit} in ${escapeMarkdown(t.repo)} |`,
  ].join('\n');
}

function diffBlock(e: DiffFields, maxLines: number, title: string): string {
  if (!e.diff) return e.diffNote ? `\n_${escapeMarkdown(e.diffNote)}_` : '';
  const lines = e.diff.split('\n');
  const shown = lines.slice(0, maxLines).map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l));
  const cut = lines.length > maxLines || e.diffTruncated ? `\n\n_diff cut after ${shown.length} lines; the HTML or JSON report has more_` : '';
  return `\n<details><summary>${title}: +${e.added ?? 0} −${e.removed ?? 0}</summary>\n\n${fenced(shown.join('\n'), 'diff')}${cut}\n\n</details>`;
}

function evidenceBlock(f: Finding, maxLines: number): string {
  const rebuilt = f.evidence.rebuilt;
  const second = rebuilt?.diff && rebuilt.diff !== f.evidence.diff ? diffBlock(rebuilt, maxLines, 'diff from the rebuilt file') : '';
  return `${diffBlock(f.evidence, maxLines, 'diff')}${second}`;
}

/** The lines of build code that raised signals, each once, as in the file. */
function signalBlock(f: Finding): string {
  const seen = new Map<number, string>();
  for (const s of f.evidence.signals ?? []) if (!seen.has(s.line)) seen.set(s.line, s.text.length > 240 ? `${s.text.slice(0, 240)}…` : s.text);
  if (seen.size === 0) return '';
  return `\n${fenced([...seen].map(([n, t]) => `${n}: ${t}`).join('\n'), 'sh')}\n`;
}

/** A finding that matters: what it is, every reason, its diff folded. */
function detailed(f: Finding, maxLines: number, withDiff: boolean): string {
  const head = `#### ${icon[f.severity]} ${escapeMarkdown(f.path)}\n\n**${f.severity}** · ${changeText[f.change]} · ${escapeMarkdown(categoryInfo[f.category].title)}\n`;
  const reasons = f.reasons.map((r) => `- ${escapeMarkdown(r)}`).join('\n');
  return `${head}\n${reasons}\n${signalBlock(f)}${withDiff ? evidenceBlock(f, maxLines) : ''}`;
}

function tableRow(f: Finding): string {
  return `| ${escapeMarkdown(f.path)} | ${changeText[f.change]} | ${escapeMarkdown(categoryInfo[f.category].title)} | ${f.reasons.map(escapeMarkdown).join('; ')} |`;
}

const tableHead = '| Path | Change | What it is | Why |\n| --- | --- | --- | --- |';

/** The drift section: a heading with counts, each item that matters with its diff, the rest as table rows. */
function driftParts(drift: Drift, maxLines: number): { head: string; detailed: string[]; rows: string[] } {
  const severities = bySeverity(drift.items).map(([s, g]) => `${icon[s]} ${g.length} ${s}`);
  const counts = driftKinds.filter((k) => drift.counts[k] > 0).map((k) => `${drift.counts[k]} ${driftInfo[k].title.toLowerCase()}`);
  const head = `### ${escapeMarkdown(driftHeading(drift))}\n\n${severities.join(' · ') || 'nothing outside git changed since the previous release'}${counts.length ? ` · ${counts.join(' · ')}` : ''}`;
  const detailed = drift.items
    .filter((i) => atLeast(i.severity, 'high'))
    .map((i) => {
      const reasons = i.reasons.map((r) => `- ${escapeMarkdown(r)}`).join('\n');
      const e = i.evidence;
      const diff = e.diff ? `\n<details><summary>diff from the previous release: +${e.added ?? 0} −${e.removed ?? 0}</summary>\n\n${fenced(e.diff.split('\n').slice(0, maxLines).join('\n'), 'diff')}\n\n</details>` : '';
      return `#### ${icon[i.severity]} ${escapeMarkdown(i.path)}\n\n**${i.severity}** · ${driftInfo[i.kind].title}\n\n${reasons}\n${diff}`;
    });
  const rows = drift.items
    .filter((i) => !atLeast(i.severity, 'high'))
    .map((i) => `| ${escapeMarkdown(driftSummary(i))} | ${driftInfo[i.kind].title} | ${i.severity} | ${i.reasons.map(escapeMarkdown).join('; ')} |`);
  return { head, detailed, rows };
}

/** Room kept for one "… N more" line. */
const moreRoom = 250;
/** A note longer than this (a path in it, say) is cut: one note must not take the room of all. */
const noteChars = 1000;

function noteLine(note: string): string {
  return `> ${escapeMarkdown(note.length > noteChars ? `${note.slice(0, noteChars)}…` : note)}`;
}

/**
 * Markdown for CI job summaries and merge-request comments. Every part counts
 * against the budget. Detail is added highest severity first until the budget
 * is spent; whatever does not fit is counted in a "… N more" line, so
 * lower-severity detail is always what goes. The closing lines (what was
 * explained, allowed, known or left out) have their room kept from the start,
 * and the notes a share of it (a tenth), so findings cannot crowd them out
 * entirely; notes that do not fit are counted too.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const budget = options.budget ?? defaultMarkdownBudget;
  const maxLines = options.diffLines ?? 40;
  const parts: string[] = [summary(report)];
  // The parts are joined by a blank line (2 characters each) and end with a newline.
  let used = parts[0]!.length + 1;
  const omitted = new Map<Severity, number>();

  const findings = counting(report.findings);
  const explained = findings.filter((f) => !atLeast(f.severity, 'medium'));
  const explainedLine = !options.verbose && explained.length > 0 ? `**Explained (${explained.length}):** ${categorySummary(explained)}` : undefined;
  const allowed = report.findings.filter((f) => f.allowed);
  const allowedLine = report.policy && allowed.length > 0 ? `**Allowed by policy (${allowed.length}):** ${categorySummary(allowed)}` : undefined;
  const known = report.findings.filter((f) => f.known);
  const knownLine = report.baseline && known.length > 0 ? `**Known from baseline ${escapeMarkdown(report.baseline.file)} (${known.length}):** ${categorySummary(known)}` : undefined;
  const driftNotes = (report.drift?.notes ?? []).map(noteLine);
  const notes = report.notes.map(noteLine);
  const noteSize = [...driftNotes, ...notes].reduce((n, l) => n + l.length + 3, 0) + 4;
  const room = (line: string | undefined) => (line === undefined ? 0 : line.length + 2);

  // Room kept for the closing parts: the lines above, the "… N more" lines of
  // findings, drift and notes, and the notes' share.
  const share = { explained: room(explainedLine), allowed: room(allowedLine), known: room(knownLine), notes: Math.min(noteSize, Math.floor(budget / 10)) + moreRoom };
  let reserve = share.explained + share.allowed + share.known + 2 * moreRoom + share.notes;
  const fits = (size: number) => used + size + 2 + reserve <= budget;
  const add = (text: string): boolean => {
    if (!fits(text.length)) return false;
    parts.push(text);
    used += text.length + 2;
    return true;
  };
  /** Frees kept room, then places `text` in it (when given). */
  const place = (kept: number, text?: string) => {
    reserve -= kept;
    if (text !== undefined) add(text);
  };
  const skip = (s: Severity, n = 1) => omitted.set(s, (omitted.get(s) ?? 0) + n);

  for (const [severity, group] of bySeverity(findings)) {
    if (atLeast(severity, 'high')) {
      const heading = `### ${icon[severity]} ${severity[0]!.toUpperCase()}${severity.slice(1)} (${group.length})`;
      if (!add(heading)) {
        skip(severity, group.length);
        continue;
      }
      // A finding whose diff does not fit is still listed with its reasons.
      for (const f of group) if (!add(detailed(f, maxLines, true)) && !add(detailed(f, maxLines, false))) skip(severity);
    } else if (severity === 'medium' || options.verbose) {
      const collapsed = severity !== 'medium';
      const rows: string[] = [];
      let size = 0;
      for (const f of group) {
        const row = tableRow(f);
        if (!fits(size + row.length + 200)) {
          skip(severity, group.length - rows.length);
          break;
        }
        rows.push(row);
        size += row.length + 1;
      }
      if (rows.length === 0) continue;
      const title = `${icon[severity]} ${severity[0]!.toUpperCase()}${severity.slice(1)} (${group.length})`;
      const table = `${tableHead}\n${rows.join('\n')}`;
      if (!add(collapsed ? `<details><summary>${title}: explained</summary>\n\n${table}\n\n</details>` : `### ${title}\n\n${table}`)) skip(severity, rows.length);
    }
  }
  place(share.explained, explainedLine);
  if (allowedLine !== undefined) {
    const rows = allowed.map((f) => `| ${escapeMarkdown(f.path)} | ${icon[f.severity]} ${f.severity} | ${f.allowed!.rule} | ${escapeMarkdown(f.allowed!.reason)} |`);
    const table = `| Path | Severity | Rule | Reason |\n| --- | --- | --- | --- |\n${rows.join('\n')}`;
    place(share.allowed);
    if (!add(`<details><summary>Allowed by policy ${escapeMarkdown(report.policy!.file)} (${allowed.length})</summary>\n\n${table}\n\n</details>`)) add(allowedLine);
  }
  place(share.known, knownLine);
  if (omitted.size > 0) {
    const list = [...omitted].map(([s, n]) => `${n} ${s}`).join(', ');
    place(moreRoom, `… ${[...omitted.values()].reduce((a, b) => a + b, 0)} more not shown here (${list}) to stay within ${budget} characters; the HTML or JSON report lists every finding.`);
  } else {
    place(moreRoom);
  }
  if (report.drift) {
    const drift = driftParts(report.drift, maxLines);
    let cut = !add(drift.head);
    for (const part of drift.detailed) if (!add(part)) cut = true;
    const rows: string[] = [];
    let size = 0;
    for (const row of drift.rows) {
      if (!fits(size + row.length + 100)) break;
      rows.push(row);
      size += row.length + 1;
    }
    if (rows.length > 0 && !add(`| Path | Drift | Severity | Why |\n| --- | --- | --- | --- |\n${rows.join('\n')}`)) cut = true;
    if (rows.length < drift.rows.length) cut = true;
    place(moreRoom, cut ? `… drift cut to stay within ${budget} characters (${drift.detailed.length + drift.rows.length} items); the JSON report lists every item.` : undefined);
  } else {
    place(moreRoom);
  }
  // The notes, as many as fit in what is left, in order; the rest counted.
  place(share.notes);
  let left = budget - used - moreRoom;
  let shown = 0;
  const blocks: string[] = [];
  for (const block of [driftNotes, notes]) {
    const taken: string[] = [];
    for (const line of block) {
      const cost = line.length + 3 + (taken.length === 0 ? 2 : 0);
      if (cost > left) break;
      taken.push(line);
      left -= cost;
    }
    shown += taken.length;
    if (taken.length > 0) blocks.push(taken.join('\n>\n'));
    if (taken.length < block.length) break;
  }
  for (const b of blocks) add(b);
  const hidden = driftNotes.length + notes.length - shown;
  if (hidden > 0) add(`… ${hidden} more ${hidden === 1 ? 'note' : 'notes'} not shown here to stay within ${budget} characters; the JSON report lists every note.`);
  return `${parts.join('\n\n')}\n`;
}
