import { categoryInfo, type Finding } from '../../report/finding.js';
import { counting, type Report } from '../../report/report.js';
import { atLeast, severities, type Severity } from '../../report/severity.js';
import { paintSeverity, type Colors } from '../colors.js';
import { categorySummary, changeText, driftCounts, rebuildLine, reproductionLine } from './labels.js';
import { driftText } from './drift-text.js';
import { diffLines } from './text-diff.js';
import { fit, wrapLine, wrapWords } from './wrap.js';

export interface TextOptions {
  colors: Colors;
  /** List explained (low, info) findings one by one. */
  verbose: boolean;
  /** Verdict line only. */
  quiet: boolean;
  /** Most diff lines shown per finding. */
  diffLines: number;
  /** Terminal width to wrap grouped lists at. */
  width: number;
}

function header(report: Report, c: Colors): string[] {
  const r = report.release;
  const t = report.tag;
  const prefix = r.prefix ? `, prefix ${r.prefix}/` : ', no top-level folder';
  const how = t.inferredFrom ? ', inferred from the release name' : '';
  return [
    `${c.bold('release')}  ${r.source}`,
    `         ${r.format} via ${r.decoder}, ${r.entries} ${r.entries === 1 ? 'entry' : 'entries'}${prefix}, sha256 ${r.sha256.slice(0, 16)}…`,
    ...checkLines(report),
    `${c.bold('tag')}      ${t.ref} → ${t.commit.slice(0, 12)}${t.annotated ? ' (annotated)' : ''} in ${t.repo}${how}`,
    ...(t.signature ? [`         tag signature: ${signatureText(t.signature)}`] : []),
  ];
}

/** Checksum and signature lines under the release, only when they were asked for. */
function checkLines(report: Report): string[] {
  const r = report.release;
  const out: string[] = [];
  if (r.url) out.push(`         ${r.fromCache ? 'reused from the cache' : 'downloaded'} from ${r.url}`);
  if (r.checksum) out.push(`         sha256 ${r.checksum.matches ? 'matches' : 'DOES NOT MATCH'} ${r.checksum.source}`);
  if (r.signature) out.push(`         signature ${r.signature.source}: ${signatureText(r.signature)}`);
  return out;
}

function signatureText(s: NonNullable<Report['release']['signature']>): string {
  const key = s.fingerprint ? ` by ${s.fingerprint}${s.signer ? ` (${s.signer})` : ''}` : '';
  switch (s.status) {
    case 'good':
      return `good${key}, a key of the keyring${s.detail ? ` (${s.detail})` : ''}`;
    case 'bad':
      return `BAD${key}: it does not match the data`;
    case 'unknown-key':
      return `made${key}, which is NOT in the keyring`;
    case 'unverified':
      return `not verified (no --keyring given)${key ? `; made${key}` : ''}`;
    default:
      return `could not be checked${s.detail ? `: ${s.detail}` : ''}`;
  }
}

function verdictLine(report: Report, c: Colors): string {
  const word = report.verdict.toUpperCase();
  const painted = report.verdict === 'fail' ? c.bold(c.red(word)) : report.verdict === 'review' ? c.bold(c.yellow(word)) : c.bold(c.green(word));
  const counts = [...severities]
    .reverse()
    .map((s) => paintSeverity(c, s, `${report.severities[s]} ${s}`))
    .join(' · ');
  const drift = driftCounts(report.drift, (s, text) => paintSeverity(c, s, text));
  return `${painted}  ${counts}${drift ? `  + drift: ${drift}` : ''}   ${c.dim(`(fails at ${report.failOn} and above)`)}`;
}

function countsLine(report: Report): string {
  const k = report.counts;
  const parts = [`${k.identical} identical`, `${k.onlyInRelease} only in release`, `${k.onlyInTag} only in tag`, `${k.modified} modified`];
  if (k.exportIgnored) parts.push(`${k.exportIgnored} export-ignored`);
  if (k.irregular) parts.push(`${k.irregular} irregular entries`);
  return `      ${parts.join(' · ')}`;
}

/** Critical and high findings: reasons and the lines that matter. */
function detailed(f: Finding, c: Colors, options: TextOptions): string[] {
  const title = categoryInfo[f.category].title;
  const lines = [`  ${paintSeverity(c, f.severity, '✗')} ${c.bold(f.path)}  ${c.dim(`${changeText[f.change]} · ${title}`)}`];
  for (const reason of f.reasons) lines.push(...wrapWords('      · ', reason.split(' '), options.width));
  lines.push(...signalLines(f, c, options.width));
  lines.push(...diffLines(f.evidence, c, options.diffLines, options.width));
  const rebuilt = f.evidence.rebuilt;
  if (rebuilt?.diff && rebuilt.diff !== f.evidence.diff) {
    lines.push(c.dim('      rebuilt from the tag → release:'), ...diffLines(rebuilt, c, options.diffLines, options.width, 'rebuilt'));
  }
  return lines;
}

/** The lines of build code that raised signals, each once, numbered as in the file. */
function signalLines(f: Finding, c: Colors, width: number): string[] {
  const signals = f.evidence.signals ?? [];
  const seen = new Map<number, (typeof signals)[number]>();
  for (const s of signals) if (!seen.has(s.line)) seen.set(s.line, s);
  if (seen.size === 0) return [];
  const numberWidth = String(Math.max(...seen.keys())).length;
  return [...seen].map(([line, s]) => {
    const prefix = `      ${c.dim(`${String(line).padStart(numberWidth)} │`)} `;
    // A line carried from the tag's own sources did not count: dimmed, with where it came from.
    if (s.fromTag) {
      const from = ` ← ${s.fromTag.path}:${s.fromTag.line}`;
      return `${prefix}${c.dim(`${fit(s.text.trim(), Math.max(10, width - numberWidth - 9 - from.length))}${from}`)}`;
    }
    return `${prefix}${c.yellow(fit(s.text.trim(), width - numberWidth - 9))}`;
  });
}

function oneLine(f: Finding, c: Colors): string {
  return `  ${f.path}  ${c.dim(`${changeText[f.change]} · ${f.reasons.join('; ')}`)}`;
}

/**
 * Medium findings are many and alike (every generated file of an autotools
 * release): group them by what they are, then by folder, so a long list stays
 * one screen.
 */
function grouped(findings: Finding[], c: Colors, width: number): string[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${changeText[f.change]}, ${categoryInfo[f.category].title.toLowerCase()}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const out: string[] = [];
  for (const [key, group] of groups) {
    out.push(`  ${key} (${group.length}):`);
    const folders = new Map<string, string[]>();
    for (const f of group) {
      const slash = f.path.lastIndexOf('/');
      const folder = slash === -1 ? '' : f.path.slice(0, slash + 1);
      const key = quoteSpaced(folder);
      const names = folders.get(key);
      if (names) names.push(quoteSpaced(f.path.slice(slash + 1)));
      else folders.set(key, [quoteSpaced(f.path.slice(slash + 1))]);
    }
    const labelWidth = Math.min(28, Math.max(...[...folders.keys()].map((k) => (k || './').length))) + 2;
    for (const [folder, names] of folders) {
      const label = folder || './';
      // A function, so `$'` and the like in a name are not replacement patterns.
      out.push(...wrapWords(`    ${label.padEnd(labelWidth)}`, names, width).map((l) => l.replace(label, () => c.dim(label))));
    }
  }
  return out;
}

/** A name in a space-separated list: quoted when it holds a space, so each name reads as one. */
function quoteSpaced(name: string): string {
  return /\s/.test(name) ? JSON.stringify(name) : name;
}

/** Most paths listed per policy rule without --verbose. */
const allowedShown = 10;

/** Findings the policy allows, by rule; findings the baseline knows, summed up. */
function waivedLines(report: Report, c: Colors, options: TextOptions): string[] {
  const out: string[] = [];
  const allowed = report.findings.filter((f) => f.allowed);
  if (report.policy && allowed.length > 0) {
    out.push('', c.bold(`ALLOWED BY POLICY (${allowed.length})`) + c.dim(` ${report.policy.file}`));
    for (const rule of new Set(allowed.map((f) => f.allowed!.rule))) {
      const group = allowed.filter((f) => f.allowed!.rule === rule);
      const shown = options.verbose ? group : group.slice(0, allowedShown);
      const paths = shown.map((f) => (atLeast(f.severity, 'high') ? `${f.path} (${f.severity})` : f.path));
      if (shown.length < group.length) paths.push(c.dim(`… ${group.length - shown.length} more (--verbose lists them)`));
      out.push(...wrapWords(`  rule ${rule}: `, [`"${group[0]!.allowed!.reason}":`, ...paths], options.width));
    }
  }
  const known = report.findings.filter((f) => f.known);
  if (report.baseline && known.length > 0) {
    const title = `KNOWN FROM BASELINE (${known.length})`;
    if (options.verbose) out.push('', c.bold(title) + c.dim(` ${report.baseline.file}`), ...known.map((f) => oneLine(f, c)));
    else out.push('', c.dim(`${title}: ${categorySummary(known)} (--verbose lists them)`));
  }
  return out;
}

/** Findings shown in full per severity: a release of 100,000 unexplained files must not print them all. */
const detailedMost = 50;
/** One-line findings shown per severity. */
const linesMost = 500;

function capped(lines: string[], c: Colors): string[] {
  return lines.length <= linesMost ? lines : [...lines.slice(0, linesMost), c.dim(`  … and ${lines.length - linesMost} more (--format json or html lists every one)`)];
}

export function renderText(report: Report, options: TextOptions): string {
  const c = options.colors;
  if (options.quiet) return `${wrapLine(verdictLine(report, c), options.width).join('\n')}\n`;
  const proven = reproductionLine(report);
  const rebuilt = rebuildLine(report);
  const out = [...header(report, c), '', verdictLine(report, c), countsLine(report), ...(proven ? [`      ${proven}`] : []), ...(rebuilt ? [`      ${rebuilt}`] : [])];
  const findings = counting(report.findings);
  const bySeverity = (s: Severity) => findings.filter((f) => f.severity === s);
  for (const s of ['critical', 'high'] as const) {
    const group = bySeverity(s);
    if (group.length === 0) continue;
    out.push('', paintSeverity(c, s, `${s.toUpperCase()} (${group.length})`));
    for (const f of group.slice(0, detailedMost)) out.push(...detailed(f, c, options));
    if (group.length > detailedMost) out.push(c.dim(`  … and ${group.length - detailedMost} more ${s} findings (--format json or html lists every one)`));
  }
  const medium = bySeverity('medium');
  if (medium.length > 0) {
    out.push('', paintSeverity(c, 'medium', `MEDIUM (${medium.length})`));
    out.push(...(options.verbose ? capped(medium.map((f) => oneLine(f, c)), c) : capped(grouped(medium, c, options.width), c)));
  }
  const explained = findings.filter((f) => !atLeast(f.severity, 'medium'));
  if (explained.length > 0) {
    if (options.verbose) {
      for (const s of ['low', 'info'] as const) {
        const group = bySeverity(s);
        if (group.length === 0) continue;
        out.push('', paintSeverity(c, s, `${s.toUpperCase()} (${group.length})`));
        out.push(...capped(group.map((f) => oneLine(f, c)), c));
      }
    } else {
      out.push('', c.dim(`LOW, INFO (${explained.length}): ${categorySummary(explained)} (--verbose lists them)`));
    }
  }
  out.push(...waivedLines(report, c, options));
  if (report.drift) out.push(...driftText(report.drift, options));
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => c.dim(`note: ${n}`)));
  // Whatever is still wider than the terminal wraps instead of running off the edge.
  return `${out.flatMap((line) => wrapLine(line, options.width)).join('\n')}\n`;
}
