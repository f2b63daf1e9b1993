/**
 * Reproduction results kept in `<cache>/reproduce/<key>.run.gz`, keyed by
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
const scheme = 'cuckoo.reproduce/2';
/** The first line of a kept run's file: how it is laid out. */
const layout = 'cuckoo.reproduce.run/1';

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
  /** Regenerated files by release path. */
  outputs: ReadonlyMap<string, Buffer>;
}

/** The key of a run: `inputs` gives each input's sha256 (hex) by path. */
export function runKey(parts: { sandbox: string; commands: unknown; paths: string[]; inputs: ReadonlyMap<string, string> }): string {
  const h = createHash('sha256');
  h.update(`${scheme}\0${parts.sandbox}\0${JSON.stringify(parts.commands)}\0`);
  // One string each, not an update a path: the same bytes in the same order, so the same key.
  const paths = [...parts.paths].sort();
  if (paths.length > 0) h.update(`${paths.join('\0')}\0`);
  const inputs = [...parts.inputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (inputs.length > 0) h.update(`${inputs.map(([p, digest]) => `${p}\0${digest}`).join('\0')}\0`);
  return h.digest('hex');
}

const fileOf = (cacheDir: string, key: string) => join(cacheDir, 'reproduce', `${key}.run.gz`);
/** Where earlier versions kept the same run, as JSON with the outputs in base64. */
const jsonFileOf = (cacheDir: string, key: string) => join(cacheDir, 'reproduce', `${key}.json.gz`);

/**
 * The file, gzipped: the layout's line, a line of JSON with the steps and each
 * output's path and length, then the outputs' bytes one after another. Read
 * back, the outputs are views of the one buffer gunzip gives: a warm run of a
 * release whose generated files come to 5 MB holds those 5 MB, not also their
 * base64 text and its JSON string (18 MB more at its peak).
 */
export async function readCachedRun(cacheDir: string, key: string): Promise<CachedRun | undefined> {
  try {
    return parseRun(gunzipSync(await readFile(fileOf(cacheDir, key))));
  } catch {
    // Absent or damaged: kept by an earlier version, or run again.
    return readJsonRun(cacheDir, key);
  }
}

/** A run an earlier version kept (the same key: the run is the same, only its file differs). */
async function readJsonRun(cacheDir: string, key: string): Promise<CachedRun | undefined> {
  try {
    const run = JSON.parse(gunzipSync(await readFile(jsonFileOf(cacheDir, key))).toString('utf8')) as { steps?: unknown; outputs?: unknown };
    if (!run || typeof run.steps !== 'object' || run.steps === null || typeof run.outputs !== 'object' || run.outputs === null) return undefined;
    const outputs = new Map<string, Buffer>();
    for (const [path, text] of Object.entries(run.outputs)) {
      if (typeof text !== 'string') return undefined;
      outputs.set(path, Buffer.from(text, 'base64'));
    }
    return { steps: run.steps as Record<string, StepRecord>, outputs };
  } catch {
    return undefined;
  }
}

export async function writeCachedRun(cacheDir: string, key: string, run: CachedRun): Promise<void> {
  const outputs = [...run.outputs];
  const head = JSON.stringify({ steps: run.steps, outputs: outputs.map(([path, bytes]) => [path, bytes.length]) });
  await writeCacheFile(fileOf(cacheDir, key), gzipSync(Buffer.concat([Buffer.from(`${layout}\n${head}\n`), ...outputs.map(([, bytes]) => bytes)])));
}

/** A kept run, or undefined for any file that is not one whole. */
export function parseRun(buf: Buffer): CachedRun | undefined {
  const first = buf.indexOf(10);
  const second = first < 0 ? -1 : buf.indexOf(10, first + 1);
  if (second < 0 || buf.toString('utf8', 0, first) !== layout) return undefined;
  const head = JSON.parse(buf.toString('utf8', first + 1, second)) as { steps?: unknown; outputs?: unknown };
  if (!head || typeof head.steps !== 'object' || head.steps === null || !Array.isArray(head.outputs)) return undefined;
  const outputs = new Map<string, Buffer>();
  let at = second + 1;
  for (const item of head.outputs as unknown[]) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Number.isSafeInteger(item[1]) || (item[1] as number) < 0) return undefined;
    const end = at + (item[1] as number);
    if (end > buf.length) return undefined;
    outputs.set(item[0], buf.subarray(at, end));
    at = end;
  }
  return at === buf.length ? { steps: head.steps as Record<string, StepRecord>, outputs } : undefined;
}
