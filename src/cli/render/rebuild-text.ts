/**
 * `cuckoo rebuild`'s terminal report: the steps as they ran (the failing one
 * with the end of its output), the tools, and each release file that differs
 * from the tag with what the rebuild wrote there. The full report is
 * `--format json` (or text with verify --rebuild).
 */
import type { Report } from '../../report/report.js';
import { categoryInfo } from '../../report/finding.js';
import { paintSeverity, type Colors } from '../colors.js';
import { rebuildLine, verdictText } from './labels.js';
import { diffLines } from './text-diff.js';
import { fit } from './wrap.js';
import { visible, visibleReport } from './visible.js';

export interface RebuildTextOptions {
  colors: Colors;
  verbose: boolean;
  diffLines: number;
  width: number;
}

/** `report` as built, not yet made visible: a step's output is split into lines first, then each made visible. */
export function renderRebuildText(raw: Report, options: RebuildTextOptions): string {
  const report = visibleReport(raw);
  const c = options.colors;
  const r = report.rebuild;
  const out = [`cuckoo rebuild: ${report.release.source} from ${report.tag.ref} (${report.tag.commit.slice(0, 12)})`];
  if (!r) return `${out.join('\n')}\n`;
  if (r.recipe) out.push(`recipe (${r.recipe.source === 'policy' ? 'the policy file' : 'found in the tag'}): ${r.recipe.steps.map((s) => s.command).join(' && ')}`);
  if (r.steps.length > 0) out.push(`SOURCE_DATE_EPOCH=${r.sourceDateEpoch} LC_ALL=C TZ=UTC umask 022, in ${r.sandbox === 'none' ? 'NO SANDBOX (--sandbox none)' : r.sandbox}`);
  for (const [i, s] of r.steps.entries()) {
    const ok = s.exitCode === 0 && !s.timedOut;
    const output = raw.rebuild!.steps[i]!.output;
    out.push(`  ${ok ? c.green('✓') : c.red('✗')} ${s.name.padEnd(14)} ${`${s.seconds.toFixed(1)} s`.padStart(8)}${ok ? '' : `  ${s.timedOut ? 'out of time' : `exit ${s.exitCode}`}`}`);
    if (!ok) for (const line of output.trimEnd().split('\n').slice(-12)) out.push(c.dim(`      ${fit(visible(line), options.width - 6)}`));
  }
  if (r.tools.length) out.push(`tools: ${r.tools.map((t) => `${t.tool} ${t.version}${t.nearest ? ` (for ${t.named}: --rebuild-nearest)` : ''}`).join(', ')}`);
  for (const u of r.unmatched) out.push(c.yellow(`  not here: ${u.tool} ${u.named} (named by ${u.file}; here: ${u.here ?? 'none'}): ${u.hint}`));
  if (r.compared) out.push(`compared with: ${r.compared}`);
  out.push('', rebuildLine(report));
  for (const note of r.notes) out.push(c.dim(`  note: ${note}`));
  const shown = report.findings.filter((f) => f.evidence.rebuilt && (options.verbose || f.evidence.rebuilt.outcome !== 'identical'));
  for (const outcome of ['absent', 'different', 'identical'] as const) {
    const group = shown.filter((f) => f.evidence.rebuilt!.outcome === outcome);
    if (group.length === 0) continue;
    out.push('', c.bold(outcome === 'absent' ? `Written by no release step (${group.length})` : outcome === 'different' ? `Different from the rebuilt file (${group.length})` : `Rebuilt identically (${group.length})`));
    for (const f of group) {
      out.push(`  ${paintSeverity(c, f.severity, f.severity.toUpperCase().padEnd(8))} ${f.path}  ${c.dim(categoryInfo[f.category].title)}`);
      if (outcome === 'different') out.push(...diffLines(f.evidence.rebuilt!, c, options.diffLines, options.width, 'rebuilt'));
    }
  }
  out.push('', `${verdictText[report.verdict]} (${report.failOn} and above fail; cuckoo verify --rebuild gives every finding)`);
  return `${out.join('\n')}\n`;
}
