/**
 * `cuckoo batch merge`: the summaries of a manifest's shards, as one summary.
 * Summaries of different manifests (another sha256), of another shard count,
 * or covering the same shard twice are refused: merging them would hide or
 * double entries.
 */
import { readFile } from 'node:fs/promises';
import { CuckooError } from '../errors.js';
import { batchExitCode, batchSummarySchema, totalsOf, type BatchSummary } from '../report/batch-summary.js';
import { version } from '../version.js';

const hint = 'merge the summary.json files of one manifest\'s shards, each once';

async function readSummary(file: string): Promise<BatchSummary> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new CuckooError('usage', `${file}: cannot read the summary (${why})`, { hint: 'give the summary.json that cuckoo batch wrote' });
  }
  const s = doc as Partial<BatchSummary> | null;
  if (!s || s.schema !== batchSummarySchema || !Array.isArray(s.entries) || !s.manifest || !s.shards) {
    throw new CuckooError('usage', `${file}: not a ${batchSummarySchema} summary`, { hint: 'give the summary.json that cuckoo batch wrote' });
  }
  return s as BatchSummary;
}

export async function mergeSummaries(files: readonly string[]): Promise<BatchSummary> {
  if (files.length === 0) throw new CuckooError('usage', 'batch merge: no summaries given', { hint });
  const summaries = await Promise.all(files.map(readSummary));
  const first = summaries[0]!;
  const included = new Map<number, string>();
  const names = new Map<string, string>();
  summaries.forEach((s, i) => {
    const file = files[i]!;
    if (s.manifest.sha256 !== first.manifest.sha256) {
      throw new CuckooError('usage', `${file}: summarises another manifest than ${files[0]} (sha256 ${s.manifest.sha256.slice(0, 12)} vs ${first.manifest.sha256.slice(0, 12)})`, { hint });
    }
    if (s.shards.count !== first.shards.count) throw new CuckooError('usage', `${file}: made with ${s.shards.count} shards, ${files[0]} with ${first.shards.count}`, { hint });
    if (s.failOn !== first.failOn) throw new CuckooError('usage', `${file}: made with --fail-on ${s.failOn}, ${files[0]} with ${first.failOn}`, { hint: 'run every shard with the same --fail-on' });
    for (const shard of s.shards.included) {
      const other = included.get(shard);
      if (other !== undefined) throw new CuckooError('usage', `${file}: shard ${shard}/${s.shards.count} is also in ${other}`, { hint });
      included.set(shard, file);
    }
    for (const e of s.entries) {
      const other = names.get(e.name);
      if (other !== undefined) throw new CuckooError('usage', `${file}: entry ${e.name} is also in ${other}`, { hint });
      names.set(e.name, file);
    }
  });
  const entries = summaries.flatMap((s) => s.entries).sort((a, b) => a.index - b.index);
  const shards = { count: first.shards.count, included: [...included.keys()].sort((a, b) => a - b) };
  const missing = Array.from({ length: shards.count }, (_, i) => i + 1).filter((i) => !included.has(i));
  // The manifest's entries that no summary covers belong to the missing
  // shards: they were not checked, and count as such.
  const uncovered = missing.length > 0 ? Math.max(0, first.manifest.entries - entries.length) : 0;
  const checked = totalsOf(entries);
  const totals = missing.length > 0
    ? { ...checked, entries: checked.entries + uncovered, error: checked.error + uncovered, missing: uncovered }
    : checked;
  return {
    schema: batchSummarySchema,
    tool: { name: 'cuckoo', version },
    manifest: first.manifest,
    shards,
    failOn: first.failOn,
    totals,
    exitCode: batchExitCode(totals, missing.length === 0),
    entries,
    notes: missing.length > 0 ? [`shards ${missing.map((i) => `${i}/${shards.count}`).join(', ')} are missing: their ${uncovered} ${uncovered === 1 ? 'entry was' : 'entries were'} not checked`] : [],
  };
}
