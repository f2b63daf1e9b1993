import type { Change } from '../../compare/change.js';
import type { IgnoreEvidence } from '../history.js';
import { buildRole, isBinary } from '../places.js';
import { severityRank } from '../../report/severity.js';
import { sharedWork, type AnalysisContext, type Judgement, type Rule } from '../rule.js';
import type { ReleaseEntry } from '../../release/entry.js';
import { addedLines } from '../signals/added-lines.js';
import { markFromTag } from '../signals/from-tag.js';
import { assess, scanBuildFile, signalNamed, type SignalHit } from '../signals/scan.js';
import { escapeRegExp } from '../regexp.js';

/** Lines listed in reasons; the evidence keeps every hit. */
const maxReasonLines = 12;

/**
 * Release-only or modified files the build runs, judged by their content: the
 * xz backdoor's build-to-host.m4 located a "test file", decoded it with `tr`
 * and `xz -d`, and piped it to the shell while configure ran. The rule comes
 * before the rules that explain files by their shape (autotools output, m4
 * serials), so a generated-looking file carrying such code is not explained
 * away; it passes (undefined) when nothing strong enough is found.
 */
export const buildSignals: Rule = {
  name: 'build-signals',
  changes: ['only-in-release', 'modified'],
  async judge(change, ctx) {
    const found = await scanChange(change, ctx);
    if (!found) return undefined;
    const judgement: Judgement = { category: 'suspicious-build-code', severity: found.severity, reasons: found.reasons, evidence: { signals: found.signals } };
    return judgement;
  },
};

export interface SignalFindings {
  severity: 'critical' | 'high';
  reasons: string[];
  signals: SignalHit[];
}

/**
 * The signals of one change, with reasons and history, or undefined when they
 * are too weak to judge. Exported so a rule that decides a file on other
 * grounds (an m4 look-alike with an inflated serial) can add these reasons.
 */
export async function scanChange(change: Change, ctx: AnalysisContext): Promise<SignalFindings | undefined> {
  const release = change.release;
  if (release?.type !== 'file' || !buildRole(change.path)) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content || isBinary(content)) return undefined;
  // latin1 keeps one character per byte: the detectors look for ASCII only.
  const text = content.toString('latin1');
  let only: Set<number> | undefined;
  if (change.kind === 'modified' && change.tag?.type === 'file') {
    only = addedLines((await ctx.tagContent(change.tag)).toString('latin1'), text);
  }
  const hits = only ? await markFromTag(change.path, text, scanBuildFile(change.path, text, only), ctx) : await wholeFileHits(change.path, release, text, ctx);
  const counted = hits.filter((h) => !h.fromTag);
  const verdict = assess(counted);
  if (!verdict) return undefined;
  const reasons = [`build code that can hide and run data: ${verdict.why}`, ...hitReasons(counted, only !== undefined), ...fromTagReasons(hits)];
  const history = await historyReasons(change.path, change.kind, counted, text, ctx);
  reasons.push(...history.reasons);
  // A modified file the build runs is critical even unexplained (see unexplained.ts); signals never lower that.
  // Nor is there doubt left when the code searches the very folder whose binaries changed since the
  // previous release: that is both halves of the xz backdoor (test files committed, a macro to read them).
  const severity = change.kind === 'modified' || history.readsChangedBinaries ? 'critical' : verdict.severity;
  return { severity, reasons, signals: hits };
}

/**
 * Add what the content and the history say to a judgement another rule made
 * on other grounds (an m4 look-alike): its signals and reasons, the higher
 * severity, and the ignore rule that kept the file out of git.
 */
export async function withSignals(judgement: Judgement, change: Change, ctx: AnalysisContext): Promise<Judgement> {
  const found = await scanChange(change, ctx);
  if (found) {
    const severity = severityRank(found.severity) > severityRank(judgement.severity) ? found.severity : judgement.severity;
    return { ...judgement, severity, reasons: [...judgement.reasons, ...found.reasons], evidence: { ...judgement.evidence, signals: found.signals } };
  }
  const ignored = change.kind === 'only-in-release' ? await ctx.history?.ignoredBy(change.path).catch(() => undefined) : undefined;
  return ignored ? { ...judgement, reasons: [...judgement.reasons, ignoreReason(ignored)] } : judgement;
}

/**
 * The signals of a generated file that all come from its sources in the tag,
 * for the rule that explains the file by its shape (autotools-output): they
 * did not count, and the reasons say where each line came from.
 */
export async function signalsFromTag(change: Change, ctx: AnalysisContext): Promise<{ reasons: string[]; signals: SignalHit[] } | undefined> {
  const release = change.release;
  if (release?.type !== 'file' || !buildRole(change.path)) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content || isBinary(content)) return undefined;
  const marked = await wholeFileHits(change.path, release, content.toString('latin1'), ctx);
  const reasons = fromTagReasons(marked);
  return reasons.length > 0 ? { reasons, signals: marked } : undefined;
}

/**
 * The signals of a whole file (its `text`), marked where they are the tag's own
 * lines. A generated file the build runs is asked for twice, by this rule and
 * then by the rule that explains it by its shape: it is scanned, and its tag
 * sources read, once.
 */
function wholeFileHits(path: string, release: ReleaseEntry, text: string, ctx: AnalysisContext): Promise<SignalHit[]> {
  const scan = () => markFromTag(path, text, scanBuildFile(path, text), ctx);
  const id = release.blobId ?? release.sha256;
  return id === undefined ? scan() : sharedWork(ctx, `signals:${id}\0${path}`, scan);
}

/**
 * One reason per tag source, after a summary: "lines 2152, 2153 are
 * Makefile.am's lines 269, 270 in the tag (byte slicing …)". The evidence
 * keeps each hit with its source line.
 */
function fromTagReasons(hits: readonly SignalHit[]): string[] {
  const bySource = new Map<string, { lines: Map<number, number>; titles: Set<string> }>();
  for (const h of hits) {
    if (!h.fromTag) continue;
    const group = bySource.get(h.fromTag.path) ?? { lines: new Map<number, number>(), titles: new Set<string>() };
    group.lines.set(h.line, h.fromTag.line);
    group.titles.add(signalNamed(h.signal)?.title ?? h.signal);
    bySource.set(h.fromTag.path, group);
  }
  if (bySource.size === 0) return [];
  const count = [...bySource.values()].reduce((n, g) => n + g.lines.size, 0);
  const out = [`signals on ${count} line${count === 1 ? '' : 's'} not counted: the tag's own code, carried from its sources`];
  for (const [source, g] of [...bySource].slice(0, maxReasonLines)) {
    const pairs = [...g.lines].sort((a, b) => a[0] - b[0]);
    const list = (ns: number[]) => (ns.length > maxReasonLines ? `${ns.slice(0, maxReasonLines).join(', ')} and ${ns.length - maxReasonLines} more` : ns.join(', '));
    const one = pairs.length === 1;
    out.push(
      `line${one ? '' : 's'} ${list(pairs.map((p) => p[0]))} ${one ? 'is' : 'are'} ${source}'s line${one ? '' : 's'} ${list(pairs.map((p) => p[1]))} in the tag (${[...g.titles].join('; ')})`,
    );
  }
  return out;
}

/** One reason per line: "line 42: tr character-map decoding; pipes … into a shell". */
function hitReasons(hits: readonly SignalHit[], added: boolean): string[] {
  const byLine = new Map<number, string[]>();
  for (const h of hits) {
    const title = signalNamed(h.signal)?.title ?? h.signal;
    byLine.set(h.line, [...(byLine.get(h.line) ?? []), title]);
  }
  const lines = [...byLine.entries()];
  const out = lines.slice(0, maxReasonLines).map(([line, titles]) => `${added ? 'added line' : 'line'} ${line}: ${titles.join('; ')}`);
  if (lines.length > maxReasonLines) out.push(`and signals on ${lines.length - maxReasonLines} more lines (see evidence)`);
  return out;
}

/**
 * What the repository's history adds: the ignore rule that kept this file out
 * of git (xz's m4/.gitignore gained `build-to-host.m4` nine days before the
 * tag), and the binary files that changed since the previous tag when the code
 * searches for one. History is evidence, not a condition: failures are skipped.
 */
async function historyReasons(
  path: string,
  kind: string,
  hits: readonly SignalHit[],
  text: string,
  ctx: AnalysisContext,
): Promise<{ reasons: string[]; readsChangedBinaries: boolean }> {
  const history = ctx.history;
  const out: string[] = [];
  let readsChangedBinaries = false;
  if (!history) return { reasons: out, readsChangedBinaries };
  if (kind === 'only-in-release') {
    const ignored = await history.ignoredBy(path).catch(() => undefined);
    if (ignored) out.push(ignoreReason(ignored));
  }
  if (hits.some((h) => signalNamed(h.signal)?.stage === 'locate')) {
    const changed = await history.changedBinariesSincePreviousTag().catch(() => undefined);
    if (changed && changed.paths.length > 0) {
      // Name the binaries the code points at when it names a folder of theirs; else all of them.
      const named = changed.paths.filter((p) => mentions(text, p) || (p.includes('/') && mentions(text, p.slice(0, p.lastIndexOf('/')))));
      const shown = (named.length > 0 ? named : changed.paths).slice(0, 5);
      const more = (named.length > 0 ? named : changed.paths).length - shown.length;
      readsChangedBinaries = named.length > 0;
      out.push(
        `${readsChangedBinaries ? 'it searches where ' : ''}binary files changed in git since ${changed.previousTag}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
      );
    }
  }
  return { reasons: out, readsChangedBinaries };
}

/** `name` as a whole path in the text (`"$srcdir/tests/files"`), not as part of a longer word. */
function mentions(text: string, name: string): boolean {
  const escaped = escapeRegExp(name);
  return new RegExp(`(?:^|[\\s"'=/{(])${escaped}(?:$|[\\s"'/;)}*])`, 'm').test(text);
}

export function ignoreReason(e: IgnoreEvidence): string {
  let text = `hidden by ${e.file} rule \`${e.rule}\``;
  if (e.commit) {
    text += `, added in ${e.commit.slice(0, 7)}`;
    if (e.daysBeforeTag !== undefined) text += ` ${daysText(e.daysBeforeTag)} before the tag`;
    if (e.subject) text += ` ("${e.subject}")`;
  }
  return text;
}

const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

function daysText(days: number): string {
  if (days < 1) return 'less than a day';
  return `${words[days] ?? String(days)} day${days === 1 ? '' : 's'}`;
}
