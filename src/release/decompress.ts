import { accessSync, constants as fsConstants, createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { compareVersions } from '../reproduce/rebuild/toolchain.js';
import { programVersion } from '../reproduce/tools.js';
import { corruptData, type Codec } from './corrupt.js';
import { Bzip2JsStream, XzJsStream } from './js-decoders.js';
import { ZstdJsStream } from './zstd-frames.js';
import { decoderNiceness, ToolStream } from './tool-stream.js';
import { xzBlockCount } from './xz-layout.js';

export type { Codec } from './corrupt.js';

/**
 * One way to decompress a codec. `create` returns a duplex (compressed bytes
 * in, decompressed out) whose own failures are CuckooErrors naming `source`:
 * 'input' for corrupt or truncated data, 'tool' when a system decompressor
 * broke for another reason.
 */
export interface Decoder {
  codec: Codec;
  /** For reports: `xz (system)`, `fzstd (js)`, `zlib`. */
  label: string;
  create(source: string): Duplex;
}

/** System tools are much faster than the JS decoders and read every variant (multi-stream xz, …). */
const tools: Record<Exclude<Codec, 'gzip'>, string> = { xz: 'xz', zstd: 'zstd', bzip2: 'bzip2' };

const jsDecoders: Record<Codec, Decoder> = {
  gzip: { codec: 'gzip', label: 'zlib', create: (source) => gunzip(source) },
  xz: { codec: 'xz', label: 'xz-decompress (js)', create: (source) => new XzJsStream(source) },
  zstd: { codec: 'zstd', label: 'fzstd (js)', create: (source) => new ZstdJsStream(source) },
  bzip2: { codec: 'bzip2', label: 'unbzip2-stream (js)', create: (source) => new Bzip2JsStream(source) },
};

/**
 * The system tool when it is on PATH (unless `preferJs`), else the pure-JS
 * decoder. `wholeFile`: the file it will decode, when that file is complete
 * (not a download still arriving), so its layout may be read first.
 */
export async function pickDecoder(codec: Codec, preferJs = false, wholeFile?: string): Promise<Decoder> {
  if (codec === 'gzip' || preferJs) return jsDecoders[codec];
  const tool = tools[codec];
  const path = await findOnPath(tool);
  if (path === undefined) return jsDecoders[codec];
  // One block decodes on one thread whatever xz's version: no need to ask it.
  const oneBlock = codec === 'xz' && wholeFile !== undefined && xzBlockCount(wholeFile) === 1;
  const args = codec === 'xz' && !oneBlock ? await xzThreadArgs(path) : [];
  const niceness = codec === 'zstd' || args.length > 0 ? decoderNiceness : 0;
  return { codec, label: `${tool} (system)`, create: (source) => new ToolStream(tool, codec, source, args, niceness) };
}

/** The first xz release whose decoder runs on threads. */
const threadedXz = '5.4.0';
/** Memory xz's threads may take together (`xz -dc` alone takes a few MiB). */
const xzThreadMemory = '128MiB';

/**
 * What lets the system xz at `path` decode a file of several blocks (as
 * `xz -T` writes them, and xz 5.6 does by default) on two threads:
 * util-linux 2.38.1's three blocks decode in 0.35 s instead of 0.45. Its
 * version is asked once per process: xz before 5.4 decodes on one thread
 * and does not know the memory option. Two threads, not one per core: the
 * tar reader takes a core of its own, and each thread holds a whole block
 * (24 MiB at the default level, 192 MiB at -9) until it is read. Two blocks
 * of the default level fit the memory limit (util-linux: 87 MB); past it
 * xz runs fewer threads, and decodes a block that alone needs more (or
 * claims to) as `xz -dc` always did.
 */
async function xzThreadArgs(path: string): Promise<string[]> {
  return availableParallelism() < 2 ? [] : xzOptionsFor(await programVersion(path));
}

/** The options for an xz of `version` (from its `--version` line): none before 5.4, or when it did not say. */
export function xzOptionsFor(version: string | undefined): string[] {
  return version !== undefined && compareVersions(version, threadedXz) >= 0 ? ['--threads=2', `--memlimit-mt-decompress=${xzThreadMemory}`] : [];
}

const found = new Map<string, Promise<string | undefined>>();

/**
 * Where `name` is on PATH, looked up once per process. The lookup is a few
 * access() calls made at once: as async calls, each would wait for a turn of
 * the event loop, which a run's start keeps busy.
 */
export function findOnPath(name: string): Promise<string | undefined> {
  let hit = found.get(name);
  if (hit === undefined) {
    hit = Promise.resolve(lookUp(name));
    found.set(name, hit);
  }
  return hit;
}

function lookUp(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * zlib's gunzip reads concatenated gzip members (RFC 1952 allows them, and
 * some release tools write them). Its errors are mapped where they surface:
 * zlib destroys itself with the raw error, and the callback of `_destroy`
 * decides what is emitted.
 */
function gunzip(source: string): Duplex {
  const stream = createGunzip({ chunkSize: 128 * 1024 });
  const destroyImpl = stream._destroy;
  stream._destroy = function (this: Duplex, err: Error | null, cb: (error?: Error | null) => void) {
    destroyImpl.call(this, err, (e?: Error | null) => {
      const code = (e as NodeJS.ErrnoException | null | undefined)?.code;
      cb(e && typeof code === 'string' && code.startsWith('Z_') ? corruptData(source, 'gzip', e.message, e) : e);
    });
  };
  return stream;
}

/** Compressed bytes the probe feeds a decoder: more than a 900 kB bzip2 block can compress to. */
export const probeInput = 1024 * 1024 + 64 * 1024;

/**
 * The first `want` decompressed bytes, from decoding the start of the file,
 * so a compressed file that is not a tar is refused at open. Undefined when
 * the start does not decode to that much (corrupt data, which the full read
 * reports); shorter when the whole decompressed data is shorter.
 */
export async function decompressedHead(path: string, fileSize: number, decoder: Decoder, want: number): Promise<Buffer | undefined> {
  const whole = fileSize <= probeInput;
  const input = createReadStream(path, { start: 0, end: Math.min(fileSize, probeInput) - 1 });
  const output = decoder.create(path);
  const piping = pipeline(input, output).catch(() => {});
  const chunks: Buffer[] = [];
  let got = 0;
  let complete = false;
  try {
    for await (const chunk of output) {
      chunks.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= want) break;
    }
    complete = got < want;
  } catch {
    // A prefix usually ends mid-stream; what was decoded before that is all we need.
  } finally {
    output.destroy();
    input.destroy();
    await piping;
    // A system decoder has closed once its process has exited.
    if (!output.closed) await new Promise((resolve) => output.once('close', resolve));
  }
  const data = Buffer.concat(chunks);
  if (got >= want) return data.subarray(0, want);
  return complete && whole ? data : undefined;
}
