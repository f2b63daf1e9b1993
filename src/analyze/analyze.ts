import type { Change } from '../compare/change.js';
import type { ChangeKind, Finding } from '../report/finding.js';
import { atLeast } from '../report/severity.js';
import { baseEvidence, diffEvidence, type DiffOptions } from './evidence.js';
import type { AnalysisContext, Judgement, Rule } from './rule.js';
import { rules as defaultRules } from './rules/index.js';
import { withOddName } from './odd-name.js';
import { tagReadAhead, type ReadAheadLimits } from './read-ahead.js';
import { sha256Hex } from '../release/hash.js';

/** Stable across runs: the same path, change and category get the same id. */
export function findingId(change: Change, category: string): string {
  return `CK${sha256Hex(`${change.kind}\0${change.path}\0${category}`).slice(0, 12)}`;
}

/** The first judgement of `rules`, which are those that take the change's kind (see analyze). */
async function judge(change: Change, ctx: AnalysisContext, rules: readonly Rule[]): Promise<Judgement> {
  for (const rule of rules) {
    try {
      const judgement = await rule.judge(change, ctx);
      if (judgement) return judgement;
    } catch (err) {
      // A rule that cannot run must not hide the change: it falls through to
      // the next rule, and the reason says what failed.
      const message = err instanceof Error ? err.message : String(err);
      const next = await judge(change, ctx, rules.slice(rules.indexOf(rule) + 1));
      return { ...next, reasons: [...next.reasons, `rule ${rule.name} could not run: ${message}`] };
    }
  }
  return {
    category: 'unexplained',
    severity: 'high',
    reasons: ['no rule judged this change'],
  };
}

/** Turn each change into exactly one finding, in path order. Diffs come later (addDiffs), once severities are final. */
export async function analyze(changes: Change[], ctx: AnalysisContext, options: { rules?: readonly Rule[]; readAhead?: ReadAheadLimits } = {}): Promise<Finding[]> {
  const rules = options.rules ?? defaultRules;
  const findings: Finding[] = [];
  // The files the history may be searched for (from-history): found in one walk, not one each.
  ctx.history?.expectBlobs?.(changes.flatMap((c) => ((c.kind === 'only-in-release' || c.kind === 'modified') && c.release?.type === 'file' && c.release.blobId ? [c.release.blobId] : [])));
  // The rules read the tag's side through the read-ahead while they run (see read-ahead.ts).
  const tagContent = ctx.tagContent;
  const readAhead = ctx.tagContentAhead ?? tagContent;
  const ahead = tagReadAhead(changes, (entry) => readAhead.call(ctx, entry), options.readAhead, (entry) => tagContent.call(ctx, entry));
  const ends: Array<() => Promise<void>> = [];
  try {
    for (const rule of rules) {
      // Work ahead is only a saving: a rule that cannot start it does the work when it judges.
      const end = await Promise.resolve()
        .then(() => rule.prepare?.(changes, ctx))
        .catch(() => undefined);
      if (end) ends.push(end);
    }
    ctx.tagContent = (entry) => ahead.content(entry);
    // The rules of each kind of change, picked once: a coreutils release has 10,716 files
    // only in the tag (its gnulib's), which two of the rules judge.
    const byKind = new Map<ChangeKind, Rule[]>();
    const rulesFor = (kind: ChangeKind) => {
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = rules.filter((r) => r.changes.includes(kind))));
      return list;
    };
    ctx.judgeAlone = (change) => judge(change, ctx, rulesFor(change.kind));
    for (const [index, change] of changes.entries()) {
      ahead.judging(index);
      const judgement = withOddName(change.path, await judge(change, ctx, rulesFor(change.kind)));
      findings.push({
        id: findingId(change, judgement.category),
        path: change.path,
        change: change.kind,
        category: judgement.category,
        severity: judgement.severity,
        reasons: judgement.reasons,
        evidence: { ...baseEvidence(change), ...judgement.evidence },
      });
    }
  } finally {
    ctx.tagContent = tagContent;
    delete ctx.judgeAlone;
    await Promise.all(ends.map((end) => end()));
  }
  return findings;
}

const diffable = (c: Change) => c.kind === 'modified' || (c.kind === 'duplicate-entry' && c.tag !== undefined);

/**
 * The tag → release diff of each modified file a reader will look at: the
 * findings at medium and above (those a human must read), or every one when
 * `all` (the full evidence, --verbose). A file a rule explained by its
 * content (a refreshed catalog, a known-good macro) is not diffed by default:
 * the diff is the costliest part of a run, and its reasons already say why.
 */
export async function addDiffs(findings: Finding[], changes: readonly Change[], ctx: AnalysisContext, options: DiffOptions & { all?: boolean }): Promise<void> {
  const byPath = new Map<string, Change>();
  for (const c of changes) if (diffable(c)) byPath.set(`${c.kind}\0${c.path}`, c);
  for (const finding of findings) {
    if (!options.all && !atLeast(finding.severity, 'medium')) continue;
    const change = byPath.get(`${finding.change}\0${finding.path}`);
    if (!change) continue;
    try {
      Object.assign(finding.evidence, await diffEvidence(change, ctx, options));
    } catch (err) {
      finding.evidence.diffNote = `no diff: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}
