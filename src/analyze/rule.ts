import type { Change } from '../compare/change.js';
import type { OidLookup } from '../git/oid-index.js';
import type { Submodule, TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { Category, ChangeKind, Evidence } from '../report/finding.js';
import type { Severity } from '../report/severity.js';
import type { ReleaseInfo } from './release-info.js';

/** What the rules may look up. Reads go through git's object store, never a checkout. */
export interface AnalysisContext extends ReleaseInfo {
  /** Tag entries (and compared submodule entries) by path. */
  tagByPath: Map<string, TagEntry>;
  /** Tag entries by blob id, for provenance by content. */
  tagByOid: OidLookup;
  /** Compared submodules, to name where a matched path comes from. */
  submodules: Submodule[];
  /** Bytes `git archive` would write for a tag entry (after export-subst, eol, ident). */
  tagContent(entry: TagEntry): Promise<Buffer>;
  /**
   * tagContent on a reader of its own, for the files read ahead of the
   * analysis (read-ahead.ts): the reads a rule asks for out of turn then do
   * not wait behind them. Absent: tagContent reads both.
   */
  tagContentAhead?(entry: TagEntry): Promise<Buffer>;
  /** Bytes of a release file: kept in memory, or read from git when the tag has the same blob. */
  releaseContent(entry: ReleaseEntry): Promise<Buffer | undefined>;
  /** Known-good files of autotools-era tooling (shipped index, host copies, the user's library). */
  knowledge?: import('./knowledge/types.js').KnowledgeLookup;
  /** The release's files the tag lacks, by path: what a rule may look at beside the file it judges. */
  releaseOnly?: ReadonlyMap<string, ReleaseEntry>;
  /** The release's side of the files it changed, by path: a file made from one of them (a `.gmo` from its `.po`) is judged against it. */
  releaseModified?: ReadonlyMap<string, ReleaseEntry>;
  /** The repository's history around the tag, for evidence (ignore rules, earlier versions). */
  history?: import('./history.js').HistoryLookup;
  /** Published translation catalogs to compare downloaded ones with (absent unless fetching them is allowed). */
  translations?: import('./translations/source.js').TranslationSource;
  /** Re-runs a generated file's generator on the release's inputs in the sandbox (absent with --no-reproduce). */
  reproduce?: import('../reproduce/reproducer.js').Reproducer;
  /** Re-runs what a bootstrap ran to write a file (the tag's own scripts, the pinned gnulib-tool) in the sandbox (absent with --no-reproduce). */
  bootstrap?: import('../reproduce/bootstrap/prover.js').BootstrapProver;
  /**
   * The judgement the rules give a change that is not in the list analysed
   * (a colliding entry's content, judged as a file only the release has);
   * absent outside the analysis.
   */
  judgeAlone?(change: Change): Promise<Judgement>;
  /** Work two rules share (a catalog parsed once for both), by key, for one run: see sharedWork. */
  shared?: Map<string, unknown>;
}

/**
 * Most results kept in `shared`. Rules judge changes in path order, so the
 * rules that share a result ask for it close together (po/fr.gmo, then
 * po/fr.po); keeping a few, not all, bounds the memory a run holds.
 */
const sharedMost = 8;

/** The result of `compute` under `key`, computed once while recent, when the context keeps shared work. */
export function sharedWork<T>(ctx: AnalysisContext, key: string, compute: () => T): T {
  const shared = ctx.shared;
  if (!shared) return compute();
  if (shared.has(key)) {
    const value = shared.get(key) as T;
    // Most recently used last: the oldest goes first.
    shared.delete(key);
    shared.set(key, value);
    return value;
  }
  const value = compute();
  shared.set(key, value);
  if (shared.size > sharedMost) shared.delete(shared.keys().next().value!);
  return value;
}

/** Whether a file of the tag or of the release is at `path` (the tag's tree, the release's changed files). */
export function isTreeFile(ctx: AnalysisContext, path: string): boolean {
  return ctx.tagByPath.get(path)?.type === 'file' || ctx.releaseOnly?.has(path) === true || ctx.releaseModified?.has(path) === true;
}

/** A rule's verdict on one change. */
export interface Judgement {
  category: Category;
  severity: Severity;
  reasons: string[];
  evidence?: Partial<Evidence>;
}

/**
 * One rule: looks at changes of the kinds it names and either explains or
 * judges them (a Judgement), or passes (undefined) to the next rule.
 */
export interface Rule {
  name: string;
  changes: readonly ChangeKind[];
  judge(change: Change, ctx: AnalysisContext): Judgement | undefined | Promise<Judgement | undefined>;
  /**
   * Starts work the rule will need, before the analysis judges any change
   * (a worker thread's, see translations/catalog-thread.ts); returns what
   * ends it once the analysis is over. The judgements must not depend on it.
   */
  prepare?(changes: readonly Change[], ctx: AnalysisContext): Promise<(() => Promise<void>) | undefined>;
}
