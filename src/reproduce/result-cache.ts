/**
 * Reproduction results kept in `<cache>/reproduce/<key>.json.gz`, keyed by
 * the sha256 of everything a run depends on: each input's bytes, which other
 * paths exist, the tool versions and programs, the commands and the sandbox.
 * A run on the same inputs (the same release again, or a batch) runs nothing.
 * Entries appear by rename, complete or not at all.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCacheFile } from '../cache.js';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Bump when what a run records, or how it runs, changes. */
const scheme = 'cuckoo.reproduce/1';

export interface StepRecord {
  exitCode: number;
  seconds: number;
  stderr: string;
  command: string;
  timedOut: boolean;
  /** Why the step was not run for this file (no command could be formed). */
  skipped?: string;
}

export interface CachedRun {
  steps: Record<string, StepRecord>;
  /** Regenerated files by release path, base64. */
  outputs: Record<string, string>;
}

export function runKey(parts: { sandbox: string; commands: unknown; paths: string[]; inputs: ReadonlyMap<string, Buffer> }): string {
  const h = createHash('sha256');
  h.update(`${scheme}\0${parts.sandbox}\0${JSON.stringify(parts.commands)}\0`);
  for (const p of [...parts.paths].sort()) h.update(`${p}\0`);
  for (const [p, bytes] of [...parts.inputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    h.update(`${p}\0${createHash('sha256').update(bytes).digest('hex')}\0`);
  }
  return h.digest('hex');
}

const fileOf = (cacheDir: string, key: string) => join(cacheDir, 'reproduce', `${key}.json.gz`);

export async function readCachedRun(cacheDir: string, key: string): Promise<CachedRun | undefined> {
  try {
    const run = JSON.parse(gunzipSync(await readFile(fileOf(cacheDir, key))).toString('utf8')) as CachedRun;
    return run && typeof run.steps === 'object' && typeof run.outputs === 'object' ? run : undefined;
  } catch {
    // Absent or damaged: run again.
    return undefined;
  }
}

export async function writeCachedRun(cacheDir: string, key: string, run: CachedRun): Promise<void> {
  await writeCacheFile(fileOf(cacheDir, key), gzipSync(JSON.stringify(run)));
}
