/**
 * A small seeded fuzzer for the release readers, shared by `scripts/fuzz.mjs`
 * (long runs) and `test/release/fuzz.test.ts` (a short fixed-seed round).
 *
 * Each iteration takes one of the samples (the .tar.gz, the .zip, the
 * decompressed tar of the first, and that tar compressed with xz, bzip2 and
 * zstd where those tools are installed), applies one mutation chosen by a
 * seeded PRNG, and runs the library's verify() on it against the sample
 * bundle; compressed samples go, by the same PRNG, to the system tool or to
 * the pure-JS decoder.
 * A CuckooError is the expected outcome for a broken archive; any other
 * error, or a run that hangs, is a crash worth reporting. A hang is a run
 * that stops working: neither this process nor any process under it uses
 * CPU for `stallSeconds` (long runs may also bound each run's time with
 * `timeoutMs`). The seed and iteration number reproduce the mutant exactly.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { verify } from '../../src/commands/verify.js';
import { CuckooError } from '../../src/errors.js';
import { findOnPath } from '../../src/release/decompress.js';
import { stallWatch } from './stall.js';

/** mulberry32: tiny, fast and good enough to pick mutations reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sample {
  name: string;
  bytes: Buffer;
  /** Tar headers are only meaningful in the uncompressed tar. */
  isTar: boolean;
  /** Compressed with a codec that has a system and a pure-JS decoder. */
  hasJsDecoder?: boolean;
}

/** Tools that compress the sample tar, each skipped when it is not installed. */
const compressors = [
  { tool: 'xz', args: ['-c', '-T1'], extension: 'xz' },
  { tool: 'bzip2', args: ['-c'], extension: 'bz2' },
  { tool: 'zstd', args: ['-c', '-q'], extension: 'zst' },
] as const;

export interface Mutant {
  sample: string;
  /** Read with the pure-JS decoders instead of the system tools. */
  js?: boolean;
  /** One line, e.g. `bitflip at 1234` or `tar size of header 3 = 99999`. */
  mutation: string;
  bytes: Buffer;
}

const loaded = new Map<string, Promise<Sample[]>>();

/** The samples of `samplesDir`, compressed once per process (the callers only read them: mutate() copies). */
export function loadSamples(samplesDir: string): Promise<Sample[]> {
  let samples = loaded.get(samplesDir);
  if (!samples) loaded.set(samplesDir, (samples = readSamples(samplesDir)));
  return samples;
}

async function readSamples(samplesDir: string): Promise<Sample[]> {
  const gz = await readFile(join(samplesDir, 'hello-1.0.tar.gz'));
  const zip = await readFile(join(samplesDir, 'hello-1.0.zip'));
  const tar = gunzipSync(gz);
  const samples: Sample[] = [
    { name: 'hello-1.0.tar.gz', bytes: gz, isTar: false },
    { name: 'hello-1.0.zip', bytes: zip, isTar: false },
    { name: 'hello-1.0.tar', bytes: tar, isTar: true },
  ];
  for (const c of compressors) {
    if ((await findOnPath(c.tool)) === undefined) continue;
    const { stdout } = await execa(c.tool, c.args, { input: tar, encoding: 'buffer' });
    samples.push({ name: `hello-1.0.tar.${c.extension}`, bytes: Buffer.from(stdout), isTar: false, hasJsDecoder: true });
  }
  return samples;
}

/** Offsets of the 512-byte headers of a tar, following declared sizes. */
function tarHeaders(tar: Buffer): number[] {
  const found: number[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    if (tar[at] === 0) break;
    found.push(at);
    const size = parseInt(tar.toString('latin1', at + 124, at + 136).replace(/[^0-7]/g, '') || '0', 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return found;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function field(buf: Buffer, at: number, length: number, value: string): void {
  buf.fill(0, at, at + length);
  buf.write(value.slice(0, length), at, 'latin1');
}

/** Rewrites a tar header's checksum so the edit gets past the checksum test. */
function fixChecksum(buf: Buffer, at: number): void {
  buf.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += buf[i]!;
  field(buf, at + 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
}

export function mutate(sample: Sample, rand: () => number): Mutant {
  const buf = Buffer.from(sample.bytes);
  const kinds = sample.isTar ? ['bitflip', 'truncate', 'run', 'append', 'tar'] : ['bitflip', 'truncate', 'run', 'append'];
  const kind = pick(rand, kinds);
  const offset = Math.floor(rand() * buf.length);
  let mutation: string;
  let bytes = buf;
  if (kind === 'bitflip') {
    const flips = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < flips; i++) buf[Math.floor(rand() * buf.length)]! ^= 1 << Math.floor(rand() * 8);
    mutation = `${flips} bit flips (first near ${offset})`;
  } else if (kind === 'truncate') {
    bytes = buf.subarray(0, offset);
    mutation = `truncate to ${offset}`;
  } else if (kind === 'append') {
    // Data after the end: a copy of the start (a second stream or member), zeros, or noise.
    const what = pick(rand, ['copy', 'zeros', 'noise'] as const);
    const length = 1 + Math.floor(rand() * 4096);
    const tail = what === 'copy' ? buf.subarray(0, length) : what === 'zeros' ? Buffer.alloc(length) : Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
    bytes = Buffer.concat([buf, tail]);
    mutation = `append ${length} bytes of ${what}`;
  } else if (kind === 'run') {
    const length = 1 + Math.floor(rand() * 64);
    const value = pick(rand, [0x00, 0xff, -1]);
    for (let i = offset; i < Math.min(buf.length, offset + length); i++) buf[i] = value === -1 ? Math.floor(rand() * 256) : value;
    mutation = `run of ${length} ${value === -1 ? 'random' : `0x${value.toString(16)}`} bytes at ${offset}`;
  } else {
    const headers = tarHeaders(buf);
    const index = Math.floor(rand() * headers.length);
    const at = headers[index]!;
    const which = pick(rand, ['size', 'typeflag', 'checksum', 'name']);
    let value: string;
    if (which === 'size') {
      value = pick(rand, ['77777777777', '0', '1', '7777', 'zzzz', String(Math.floor(rand() * 0o7777777)), '\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff']);
      field(buf, at + 124, 12, value);
    } else if (which === 'typeflag') {
      value = pick(rand, ['0', '1', '2', '3', '4', '5', '6', '7', 'g', 'x', 'L', 'K', 'S', 'V', '\0', 'Z']);
      field(buf, at + 156, 1, value);
    } else if (which === 'checksum') {
      value = pick(rand, ['0000000', '       ', 'garbage', '9999999']);
      field(buf, at + 148, 8, value);
    } else {
      value = pick(rand, ['', '/', '..', '../../etc/passwd', '/abs', 'a/./b', 'hello-1.0/\xff\xfe', 'x'.repeat(100), 'hello-1.0/', '\0x']);
      field(buf, at, 100, value);
    }
    // Half the time the checksum is fixed up, so the edit reaches the parser.
    if (which !== 'checksum' && rand() < 0.5) fixChecksum(buf, at);
    mutation = `tar ${which} of header ${index} = ${JSON.stringify(value)}`;
  }
  return { sample: sample.name, mutation, bytes };
}

export interface FuzzOptions {
  seed: number;
  iterations: number;
  samplesDir: string;
  /** Milliseconds one verify() may take (none when absent). */
  timeoutMs?: number;
  /** Seconds without any CPU used by this process or its descendants that make a pending verify() a hang (default 30). */
  stallSeconds?: number;
  /**
   * Re-run the generators of mutated generated files in the sandbox (default
   * true). A mutant that changes a generator's input costs a sandbox run; the
   * short test round leaves reproduction to its own tests and fuzzes the readers.
   */
  reproduce?: boolean;
  /** Called after each iteration, for progress. */
  onIteration?: (iteration: number, mutant: Mutant, outcome: string) => void;
}

export interface FuzzFailure {
  seed: number;
  iteration: number;
  sample: string;
  mutation: string;
  /** One line: the error's name and message, or `timeout`. */
  problem: string;
  /** Where the mutant was kept, to reproduce. */
  file: string;
}

const smallLimits = { maxEntries: 200, maxTotalBytes: 4 * 1024 ** 2, maxFileMemory: 256 * 1024 };

/** Runs the round; resolves with the first crash, or undefined. */
export async function fuzz(options: FuzzOptions): Promise<FuzzFailure | undefined> {
  const samples = await loadSamples(options.samplesDir);
  const rand = prng(options.seed);
  const dir = await mkdtemp(join(tmpdir(), 'cuckoo-fuzz-'));
  const cacheDir = join(dir, 'cache');
  const timeoutMs = options.timeoutMs;
  const stallSeconds = options.stallSeconds ?? 30;
  let failed = false;
  try {
    for (let iteration = 0; iteration < options.iterations; iteration++) {
      const sample = pick(rand, samples);
      const mutant = mutate(sample, rand);
      if (sample.hasJsDecoder && rand() < 0.5) mutant.js = true;
      const file = join(dir, `${iteration}-${mutant.sample}`);
      await writeFile(file, mutant.bytes);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        if (timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const watch = stallWatch(stallSeconds);
      const run = verify({
        release: file,
        repo: join(options.samplesDir, 'hello.bundle'),
        tag: 'v1.0',
        cacheDir,
        hostKnowledge: false,
        limits: smallLimits,
        preferJs: mutant.js ?? false,
        reproduce: options.reproduce ?? true,
      }).then(
        (report) => `verdict ${report.verdict}`,
        (err: unknown) => err,
      );
      const outcome = await Promise.race([run, timeout, watch.stalled]);
      clearTimeout(timer);
      watch.stop();
      let problem: string | undefined;
      if (outcome === 'timeout') problem = `timeout after ${timeoutMs} ms`;
      else if (outcome === 'stalled') problem = `hang: no CPU used for ${stallSeconds} s while verify() was pending`;
      else if (typeof outcome !== 'string' && !(outcome instanceof CuckooError)) {
        problem = outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : `thrown ${String(outcome)}`;
      }
      if (problem !== undefined) {
        failed = true;
        const mutation = `${mutant.mutation}${mutant.js ? ' (JS decoders)' : ''}`;
        return { seed: options.seed, iteration, sample: mutant.sample, mutation, problem: problem.split('\n')[0]!, file };
      }
      const said = typeof outcome === 'string' ? outcome : (outcome as CuckooError).code + ': ' + (outcome as CuckooError).message.split('\n')[0];
      options.onIteration?.(iteration, mutant, said);
      await rm(file, { force: true });
    }
    return undefined;
  } finally {
    // A failing mutant is kept for reproduction; everything else goes.
    if (!failed) await rm(dir, { recursive: true, force: true });
  }
}
