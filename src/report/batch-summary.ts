/**
 * The summary of a batch run (schema cuckoo.batch-summary/v1, described by
 * schema/cuckoo.batch-summary.v1.json). One row per entry; an entry either was
 * checked (its verdict) or could not be checked (why). Shard summaries of one
 * manifest merge into one summary of the same shape.
 */
import type { ErrorCode } from '../errors.js';
import type { Verdict } from './report.js';
import type { Severity } from './severity.js';

export const batchSummarySchema = 'cuckoo.batch-summary/v1';

/** `fail` = suspicious; `error` = could not be checked, no verdict (network, git, tool or input error). */
export type EntryStatus = Verdict | 'error';

export interface BatchEntrySummary {
  name: string;
  /** Position in the manifest, 0-based. */
  index: number;
  /** As the manifest wrote them. */
  release: string;
  repo: string;
  status: EntryStatus;
  /** Checked entries: the tag or commit compared and the release's sha256. */
  ref?: string;
  commit?: string;
  sha256?: string;
  findings?: number;
  severities?: Record<Severity, number>;
  /** Report files, relative to the output folder. */
  reports?: { json: string; sarif: string };
  /** Entries that could not be checked: what failed and what to check. */
  error?: { code: ErrorCode; message: string; hint?: string };
}

export interface BatchTotals {
  /** Entries covered: those of the shards included, plus those of missing shards (merged summaries). */
  entries: number;
  pass: number;
  review: number;
  fail: number;
  /** Entries not checked: their own error, or (merged summaries) their shard is missing. */
  error: number;
  /** Merged summaries only: entries of missing shards, counted in `entries` and `error` too. */
  missing?: number;
}

export interface BatchSummary {
  schema: typeof batchSummarySchema;
  tool: { name: 'cuckoo'; version: string };
  manifest: { file: string; sha256: string; entries: number };
  /** Which shards this summary covers (an unsharded run is shard 1 of 1). */
  shards: { count: number; included: number[] };
  failOn: Severity;
  totals: BatchTotals;
  /** 0 all pass, 1 some entry suspicious and every entry checked, 3 some entry (or shard) not checked. */
  exitCode: 0 | 1 | 3;
  entries: BatchEntrySummary[];
  notes: string[];
}

export function totalsOf(entries: readonly BatchEntrySummary[]): BatchTotals {
  const t: BatchTotals = { entries: entries.length, pass: 0, review: 0, fail: 0, error: 0 };
  for (const e of entries) {
    if (e.status === 'error') t.error++;
    else t[e.status]++;
  }
  return t;
}

/**
 * An entry that could not be checked wins over a suspicious one: exit 1 would
 * read as "everything else was checked", but those releases were not checked
 * at all (their rows still say which ones failed). Missing shards count as
 * entries not checked.
 */
export function batchExitCode(totals: BatchTotals, complete: boolean): 0 | 1 | 3 {
  if (totals.error > 0 || !complete) return 3;
  if (totals.fail > 0) return 1;
  return 0;
}
