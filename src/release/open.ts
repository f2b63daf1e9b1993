import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import { CuckooError } from '../errors.js';
import { decompressedHead, pickDecoder, probeInput, type Codec, type Decoder } from './decompress.js';
import { describeData, detectBytes, detectFormat, looksLikeTar, supportedFormatsHint } from './detect.js';
import type { Compression, GrowingSource, OpenedRelease, ReadOptions, ReleaseEntry } from './entry.js';
import { HashingPassThrough, sha256File } from './hash.js';
import { readTar } from './tar.js';
import { openZip } from './zip.js';

const extensions: Record<Codec, string> = { gzip: 'gz', xz: 'xz', bzip2: 'bz2', zstd: 'zst' };

/**
 * Opens a release archive, recognised by its content: tar (plain, or under
 * gzip, xz, bzip2 or zstd) or zip. Fails with an 'input' CuckooError naming
 * the path when it is missing, unreadable or not a release archive. Entries
 * are read lazily, in one streaming pass, by `entries()`.
 */
export async function openRelease(path: string, options: ReadOptions): Promise<OpenedRelease> {
  // A download in progress: the format probe below reads up to probeInput bytes.
  await options.growing?.waitFor(probeInput + 1);
  const found = await takeProbe(path, options.growing === undefined, options.preferJs);
  switch (found.kind) {
    case 'zip':
      // Zip needs random access (its central directory is at the end), so a
      // download is read only once it is complete.
      await options.growing?.done;
      return openZip(path, options);
    case 'tar':
      return tarRelease(path, options, 'none', undefined);
    case 'compressed':
      return tarRelease(path, options, found.decoder.codec, found.decoder);
  }
}

/** What the start of a release file says it is: a tar, a zip, or a tar under `decoder`. */
type Probed = { kind: 'zip' | 'tar' } | { kind: 'compressed'; decoder: Decoder };

/** Probes started by probeAhead, by path, each taken by the next openRelease of its path. */
const ahead = new Map<string, { preferJs: boolean; probed: Promise<Probed> }>();

/**
 * Starts openRelease's look at a local file (its first bytes, and the decoder
 * the read will use) while other work goes on: verify probes the release
 * while git opens the repository. The next openRelease of `path` takes the
 * result, errors included, as if it had probed then; for a path probed so,
 * that open is meant to be read at once, and a compressed file that is not a
 * tar is refused at its first block, with the same error, instead of by a
 * decoder of its own at open: the read's decoder starts without waiting for
 * one that would decode the same start.
 */
export function probeAhead(path: string, preferJs = false): { drop(): void; failure(): Promise<unknown> } {
  const mine = { preferJs, probed: probe(path, preferJs, true, false) };
  mine.probed.catch(() => {}); // thrown by the openRelease that takes it
  ahead.set(path, mine);
  return {
    // For a run that ends before it reads: nothing is left for a later openRelease of the path.
    drop: () => void (ahead.get(path) === mine && ahead.delete(path)),
    // What the probe failed with (no such file, not an archive), or undefined: for a run that stops before it reads.
    failure: () => mine.probed.then(() => undefined, (err: unknown) => err),
  };
}

/**
 * For a run that stops before it reads a download: the download's own error
 * (HTTP 404, a refused connection), or the error openRelease would give for
 * its first bytes when they are no release archive (an HTML page, a
 * signature). Undefined when they could be one, or when they take longer
 * than `waitMs` to come: a slow server does not hold up the run's own error.
 */
export async function downloadFailure(growing: GrowingSource, path: string, waitMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
  try {
    if ((await Promise.race([growing.waitFor(detectBytes), late])) === 'late') return undefined;
    const detected = detectFormat(readHead(path).head);
    return detected.kind === 'unknown' ? notAnArchive(path, detected.description) : undefined;
  } catch (err) {
    return err;
  } finally {
    clearTimeout(timer);
  }
}

function takeProbe(path: string, whole: boolean, preferJs = false): Promise<Probed> {
  const early = ahead.get(path);
  ahead.delete(path);
  return early && early.preferJs === preferJs ? early.probed : probe(path, preferJs, whole);
}

/**
 * `whole`: the file is complete (not a download still arriving), so the
 * decoder may be chosen by its layout. `innerHead`: whether a compressed
 * file's decompressed start is checked to be a tar here.
 */
async function probe(path: string, preferJs: boolean, whole: boolean, innerHead = true): Promise<Probed> {
  const { size, head } = readHead(path);
  const detected = detectFormat(head);
  switch (detected.kind) {
    case 'unknown':
      throw notAnArchive(path, detected.description);
    case 'zip':
    case 'tar':
      return { kind: detected.kind };
    case 'compressed': {
      const codec = detected.compression;
      const decoder = await pickDecoder(codec, preferJs, whole ? path : undefined);
      if (codec === 'xz' && decoder.label.endsWith('(js)')) refuseUnsupportedXzCheck(path, head);
      if (!innerHead) return { kind: 'compressed', decoder };
      const inner = await decompressedHead(path, size, decoder, detectBytes);
      if (inner !== undefined && !looksLikeTar(inner)) throw notAnArchive(path, `${codec}-compressed ${describeData(inner)}`);
      return { kind: 'compressed', decoder };
    }
  }
}

function tarRelease(path: string, options: ReadOptions, compression: Compression, decoder: Decoder | undefined): OpenedRelease {
  let started = false;
  // The digest from the streaming read; undefined when that read stopped early.
  let streamed: Promise<string | undefined> | undefined;
  const release: OpenedRelease = {
    source: path,
    archive: 'tar',
    compression,
    formatName: compression === 'none' ? 'tar' : `tar.${extensions[compression]}`,
    decoder: decoder?.label ?? 'none',
    entries() {
      if (started) throw new Error('entries() can be iterated only once');
      started = true;
      return readWithDigest();
    },
    async sha256() {
      return (await streamed) ?? sha256File(path);
    },
  };
  // The body runs at the first next(): nothing is opened for an unread iterator.
  async function* readWithDigest(): AsyncGenerator<ReleaseEntry> {
    const tap = new HashingPassThrough();
    let settle!: (digest: string | undefined) => void;
    streamed = new Promise((resolve) => (settle = resolve));
    const openStages = () => {
      const input = options.growing ? options.growing.stream() : createReadStream(path, { highWaterMark: 1024 * 1024 });
      const stages: Array<Readable | Duplex> = [input, tap];
      if (decoder !== undefined) stages.push(decoder.create(path));
      return stages;
    };
    const checkFirstBlock = (block: Buffer) =>
      compression === 'none' || looksLikeTar(block) ? undefined : notAnArchive(path, `${compression}-compressed ${describeData(block)}`);
    try {
      yield* readTar({ source: path, openStages, options, checkFirstBlock }, (summary) => {
        if (summary.comment !== undefined) release.comment = summary.comment;
        release.trailingGarbage = summary.trailingGarbage;
        if (summary.hiddenEntry !== undefined) release.hiddenEntry = summary.hiddenEntry;
        settle(tap.digest());
      });
    } finally {
      settle(undefined);
    }
  }
  return release;
}

/**
 * The file's size and first bytes, read at once: four system calls that, as
 * async calls, would each wait for a turn of the event loop, which a run's
 * start keeps busy (spawning git, reading the known-good index), while the
 * probe they start is on the way to the first entry.
 */
function readHead(path: string): { size: number; head: Buffer } {
  // stat before open: opening a FIFO would wait for a writer.
  let info;
  try {
    info = statSync(path);
  } catch (err) {
    throw unreadable(path, err);
  }
  if (info.isDirectory()) throw new CuckooError('input', `${path}: is a directory, not a release archive`, { hint: supportedFormatsHint });
  // The archive is read more than once (format probe, entries, checksum), so it must be a file.
  if (!info.isFile()) throw new CuckooError('input', `${path}: not a regular file`, { hint: 'save the release to a file first' });
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(detectBytes);
    const bytesRead = readSync(fd, head, 0, detectBytes, 0);
    return { size: info.size, head: head.subarray(0, bytesRead) };
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unreadable(path: string, err: unknown): CuckooError {
  const code = (err as NodeJS.ErrnoException).code;
  const what =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory, not a release archive'
          : `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  return new CuckooError('input', `${path}: ${what}`, { hint: 'check the path of the release archive', cause: err });
}

/**
 * The built-in xz decoder verifies CRC32 and CRC64 but not SHA-256 (the check
 * xz-utils' own tarballs use); it would call such a file corrupt. The check id
 * is the low nibble of the stream flags' second byte (xz file format 1.0.4, 2.1.1.2).
 */
function refuseUnsupportedXzCheck(path: string, head: Buffer): void {
  const check = head.length > 7 ? head[7]! & 0x0f : 0;
  if (check === 0x0a) {
    throw new CuckooError('tool', `${path}: this xz file uses SHA-256 checks, which the built-in xz decoder cannot verify`, {
      hint: 'install xz (Debian: apt-get install xz-utils) so cuckoo can use it',
    });
  }
}

function notAnArchive(path: string, found: string): CuckooError {
  // The signature published beside the archive, taken for it. Named by what it is, not by
  // its name: a download's path is the cache's, and --previous has no signature to check.
  const hint = found === 'OpenPGP signature' ? 'a detached signature: pass the archive it signs (its name, usually, without .asc, .sig or .sign)' : supportedFormatsHint;
  return new CuckooError('input', `${path}: not a release archive (found ${found})`, { hint });
}
