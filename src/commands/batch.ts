/**
 * `cuckoo batch`: check every entry of a manifest (or of one shard of it) with
 * verify(), a few at a time, sharing one cache (whose entries are locked). An entry that fails becomes a
 * row with status `error`; it never stops the others. Options in, BatchResult out:
 * reports go to the caller through onEntry as each entry finishes.
 */
import { CuckooError } from '../errors.js';
import { batchExitCode, batchSummarySchema, totalsOf, type BatchEntrySummary, type BatchSummary } from '../report/batch-summary.js';
import type { Report } from '../report/report.js';
import { tagPathOption } from './tag-side.js';
import type { Severity } from '../report/severity.js';
import { version } from '../version.js';
import type { BatchEntry, Manifest } from './batch-manifest.js';
import { inShard, type Shard } from './shard.js';
import { verify, type VerifyOptions } from './verify.js';
import { inTurns } from '../pool.js';

export interface BatchOptions {
  manifest: Manifest;
  shard?: Shard;
  /** Entries checked at the same time (at least 1). */
  jobs: number;
  cacheDir: string;
  failOn?: Severity;
  /** Settings every entry shares: limits, network, host knowledge. */
  common?: Omit<Partial<VerifyOptions>, 'release' | 'repo' | 'tag' | 'commit' | 'sha256' | 'checksums' | 'signature' | 'keyring' | 'policy' | 'baseline' | 'cacheDir' | 'failOn'>;
  /** Called as each checked entry finishes; returns where its reports were written. */
  onReport?: (entry: BatchEntry, report: Report) => Promise<{ json: string; sarif: string }> | { json: string; sarif: string };
  /** Called as each entry finishes, checked or not (progress). */
  onDone?: (row: BatchEntrySummary, done: number, total: number) => void;
  /** The check itself; tests replace it. */
  verify?: (options: VerifyOptions) => Promise<Report>;
}

export interface BatchResult {
  summary: BatchSummary;
}

function errorRow(base: BatchEntrySummary, err: unknown): BatchEntrySummary {
  if (err instanceof CuckooError) {
    return { ...base, status: 'error', error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { ...base, status: 'error', error: { code: 'tool', message: `internal error: ${message}`, hint: 'set CUCKOO_DEBUG=1 and run this entry with cuckoo verify' } };
}

async function checkEntry(entry: BatchEntry, options: BatchOptions): Promise<BatchEntrySummary> {
  const base: BatchEntrySummary = { name: entry.name, index: entry.index, release: entry.written.release, repo: entry.written.repo, status: 'error' };
  try {
    const report = await (options.verify ?? verify)({
      ...options.common,
      release: entry.release,
      repo: entry.repo,
      cacheDir: options.cacheDir,
      ...(options.failOn ? { failOn: options.failOn } : {}),
      ...(entry.tag !== undefined ? { tag: entry.tag } : {}),
      ...(entry.commit !== undefined ? { commit: entry.commit } : {}),
      ...(entry.tagPath !== undefined ? tagPathOption(entry.tagPath, options.common?.rebuild === true) : {}),
      ...(entry.sha256 !== undefined ? { sha256: entry.sha256 } : {}),
      ...(entry.checksums !== undefined ? { checksums: entry.checksums } : {}),
      ...(entry.signature !== undefined ? { signature: entry.signature } : {}),
      ...(entry.keyring !== undefined ? { keyring: entry.keyring } : {}),
      ...(entry.policy !== undefined ? { policy: entry.policy } : {}),
      // A policy --from-debian found (not one a manifest names) gets the checks of a found cuckoo.json.
      ...(entry.policy !== undefined && entry.policyFound === 'from-debian' ? { policyFound: 'from-debian' as const } : {}),
      ...(entry.baseline !== undefined ? { baseline: entry.baseline } : {}),
    });
    const reports = options.onReport ? await options.onReport(entry, report) : undefined;
    // Part of the release unchecked (a submodule out of reach) and nothing suspicious: "could not check".
    const incomplete = report.incomplete && report.verdict !== 'fail' ? report.incomplete : undefined;
    return {
      ...base,
      status: incomplete ? 'error' : report.verdict,
      ...(incomplete ? { error: { code: 'network' as const, message: incomplete.join('; '), hint: 'see the entry\'s report: the submodule finding says what was tried' } } : {}),
      ref: report.tag.ref,
      commit: report.tag.commit,
      sha256: report.release.sha256,
      findings: report.findings.length,
      severities: report.severities,
      ...(reports ? { reports } : {}),
    };
  } catch (err) {
    return errorRow(base, err);
  }
}

/** Check the manifest's entries (those of `shard`), `jobs` at a time. */
export async function batch(options: BatchOptions): Promise<BatchResult> {
  const jobs = Math.max(1, Math.floor(options.jobs));
  const selected = inShard(options.manifest.entries, options.shard);
  const rows = new Map<number, BatchEntrySummary>();
  let done = 0;
  // Entries sharing a repository or a URL may run together: the cache locks its entries.
  // checkEntry answers a failure with an error row, so every entry runs.
  await inTurns(selected, jobs, async (entry) => {
    const row = await checkEntry(entry, options);
    rows.set(entry.index, row);
    options.onDone?.(row, ++done, selected.length);
  });
  const entries = [...rows.values()].sort((a, b) => a.index - b.index);
  const totals = totalsOf(entries);
  const shards = options.shard ? { count: options.shard.count, included: [options.shard.index] } : { count: 1, included: [1] };
  return {
    summary: {
      schema: batchSummarySchema,
      tool: { name: 'cuckoo', version },
      manifest: { file: options.manifest.file, sha256: options.manifest.sha256, entries: options.manifest.entries.length },
      shards,
      failOn: options.failOn ?? 'high',
      totals,
      exitCode: batchExitCode(totals, true),
      entries,
      notes: options.shard ? [`shard ${options.shard.index}/${options.shard.count}: ${selected.length} of ${options.manifest.entries.length} entries`] : [],
    },
  };
}
