/**
 * The batch summary for people: a terminal table and Markdown (CI job
 * summaries). Entries that could not be checked are listed apart from the
 * suspicious ones, with why, so "suspicious" never reads as "not checked".
 */
import type { BatchEntrySummary, BatchSummary, EntryStatus } from '../../report/batch-summary.js';
import type { Colors } from '../colors.js';
import { escapeMarkdown } from './markdown.js';
import { visibleCopy } from './visible.js';

const statusText: Record<EntryStatus, string> = {
  pass: 'pass',
  review: 'review',
  fail: 'FAIL (suspicious)',
  error: 'NOT CHECKED',
};

/** What the exit code means, in words. */
function outcome(s: BatchSummary): string {
  const t = s.totals;
  const parts = [`${t.pass} pass`, `${t.review} review`, `${t.fail} suspicious`, `${t.error} could not be checked`];
  return `${t.entries} entries: ${parts.join(', ')} (exit ${s.exitCode})`;
}

function detail(e: BatchEntrySummary): string {
  if (e.error) return `${e.error.code} error`;
  const sev = e.severities;
  const worst = sev ? (['critical', 'high', 'medium'] as const).filter((k) => sev[k] > 0).map((k) => `${sev[k]} ${k}`) : [];
  return `${e.ref ?? ''}${e.findings !== undefined ? `, ${e.findings} findings` : ''}${worst.length ? ` (${worst.join(', ')})` : ''}`;
}

function paint(c: Colors, status: EntryStatus, text: string): string {
  if (status === 'fail') return c.bold(c.red(text));
  if (status === 'error') return c.magenta(text);
  if (status === 'review') return c.yellow(text);
  return c.green(text);
}

/** Tag names and error messages come from the repositories and releases: nothing in them may drive the terminal. */
export function renderBatchTable(summary: BatchSummary, c: Colors): string {
  const s = visibleCopy(summary);
  const rows = s.entries.map((e) => [e.name, statusText[e.status], detail(e)] as const);
  const w0 = Math.max(5, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  const lines = [c.bold(`${'entry'.padEnd(w0)}  ${'status'.padEnd(w1)}  detail`)];
  s.entries.forEach((e, i) => {
    const [name, status, det] = rows[i]!;
    lines.push(`${name.padEnd(w0)}  ${paint(c, e.status, status.padEnd(w1))}  ${det}`);
  });
  const notChecked = s.entries.filter((e) => e.error);
  if (notChecked.length > 0) {
    lines.push('', c.bold('Could not be checked:'));
    for (const e of notChecked) lines.push(`  ${e.name}: ${e.error!.message}${e.error!.hint ? ` (${e.error!.hint})` : ''}`);
  }
  lines.push('', ...s.notes, outcome(s));
  return `${lines.join('\n')}\n`;
}

const mdStatus: Record<EntryStatus, string> = {
  pass: '✅ pass',
  review: '🟡 review',
  fail: '❌ **fail** (suspicious)',
  error: '⚠️ **could not check**',
};

export function renderBatchMarkdown(summary: BatchSummary): string {
  const s = visibleCopy(summary);
  const lines = ['## cuckoo batch', '', outcome(s), ''];
  if (s.shards.count > 1) lines.push(`Shards ${s.shards.included.join(', ')} of ${s.shards.count}.`, '');
  lines.push('| entry | status | tag | findings | report |', '|---|---|---|---|---|');
  for (const e of s.entries) {
    const sev = e.severities;
    const findings = e.findings === undefined ? '' : `${e.findings}${sev && sev.critical + sev.high > 0 ? ` (${sev.critical} critical, ${sev.high} high)` : ''}`;
    lines.push(`| ${escapeMarkdown(e.name)} | ${mdStatus[e.status]} | ${escapeMarkdown(e.ref ?? '')} | ${findings} | ${e.reports ? escapeMarkdown(e.reports.json) : ''} |`);
  }
  const notChecked = s.entries.filter((e) => e.error);
  if (notChecked.length > 0) {
    lines.push('', '### Could not be checked', '');
    for (const e of notChecked) lines.push(`- **${escapeMarkdown(e.name)}** (${e.error!.code}): ${escapeMarkdown(e.error!.message)}${e.error!.hint ? `: ${escapeMarkdown(e.error!.hint)}` : ''}`);
  }
  if (s.notes.length > 0) lines.push('', ...s.notes.map((n) => `- ${escapeMarkdown(n)}`));
  return `${lines.join('\n')}\n`;
}

export function renderBatchJson(s: BatchSummary): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}
