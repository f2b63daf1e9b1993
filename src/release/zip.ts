import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import unzipper from 'unzipper';
import { CuckooError } from '../errors.js';
import { Budget } from './budget.js';
import type { EntryType, OpenedRelease, ReadOptions, ReleaseEntry } from './entry.js';
import { entryPath } from './entry-path.js';
import { BlobHasher, finishFile, keepLimit, sha256File } from './hash.js';

type ZipFile = unzipper.File;

const END_RECORD = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const END_RECORD_SIZE = 22;
/** Longer symlink targets are not paths any file system takes. */
const MAX_LINK_TARGET = 64 * 1024;
const damagedHint = 'the archive is damaged or incomplete; fetch it again and compare its checksum with the published one';

/** Compression methods unzipper cannot read (APPNOTE 4.4.5); it would inflate them as deflate. */
const methodNames: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'PPMd',
  99: 'AES encryption',
};

// Node >= 20.15 has zlib.crc32; on older versions the CRC is not checked.
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * Reads a zip from its central directory (what extractors trust), streaming
 * each member through unzipper and hashing it. Zip needs random access, so
 * the archive's own sha256 is a separate read.
 */
export async function openZip(path: string, options: ReadOptions): Promise<OpenedRelease> {
  const file = new ZipSource(path);
  let files: ZipFile[];
  let comment: string | undefined;
  try {
    const size = await file.open();
    const end = await findEndRecord(file, size);
    // Starting unzipper's tail read at the record itself copes with comments longer than its 80-byte guess.
    const directory = (await (unzipper.Open.custom as OpenCustom)(file.source(size), { tailSize: size - end })) as unzipper.CentralDirectory & {
      comment?: string;
    };
    files = directory.files;
    comment = directory.comment;
    // unzipper parses whatever bytes the end record points at.
    if (files.some((f) => f.signature !== CENTRAL_HEADER)) throw new Error('the central directory is not where the end record says');
    // A 0xffffffff size or offset with no zip64 record to resolve it leaves
    // unzipper's field undefined, and reading such a member never ends.
    const unresolved = files.find((f) => ![f.compressedSize, f.uncompressedSize, f.offsetToLocalFileHeader].every((n) => Number.isSafeInteger(n) && n >= 0));
    if (unresolved) throw new Error(`entry ${unresolved.path} has a zip64 size or offset but no zip64 record`);
  } catch (err) {
    if (err instanceof CuckooError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // unzipper's PullStream says FILE_ENDED when a record runs past the end of the file.
    throw corruptZip(path, message === 'FILE_ENDED' ? 'the central directory runs past the end of the file' : message, err);
  } finally {
    await file.close();
  }
  let started = false;
  let digest: Promise<string> | undefined;
  const release: OpenedRelease = {
    source: path,
    archive: 'zip',
    compression: 'none',
    formatName: 'zip',
    decoder: 'unzipper',
    entries() {
      if (started) throw new Error('entries() can be iterated only once');
      started = true;
      return readZip(file, files, options);
    },
    sha256: () => (digest ??= sha256File(path)),
  };
  if (comment !== undefined && comment !== '') release.comment = comment;
  return release;
}

type OpenCustom = (source: ZipSourceFunctions, options: { tailSize: number }) => Promise<unknown>;

interface ZipSourceFunctions {
  size(): Promise<number>;
  stream(offset: number, length?: number): Readable;
}

/**
 * The archive as unzipper's random-access source, over one file handle
 * instead of a new descriptor per member. unzipper leaves some of its streams
 * open and without error listeners, so this tracks them and closes them all.
 */
class ZipSource {
  private handle: FileHandle | undefined;
  private readonly streams = new Set<Readable>();

  constructor(readonly path: string) {}

  async open(): Promise<number> {
    this.handle = await open(this.path, 'r');
    return (await this.handle.stat()).size;
  }

  async read(buf: Buffer, position: number): Promise<void> {
    await this.handle!.read(buf, 0, buf.length, position);
  }

  source(size: number): ZipSourceFunctions {
    return {
      size: async () => size,
      stream: (offset, length) => {
        const stream = new RangeStream(this.handle!, offset, length ? offset + length : Infinity);
        // Errors reach us through unzipper's own streams; this keeps a stray one from crashing the process.
        stream.on('error', () => {});
        this.streams.add(stream);
        stream.once('close', () => this.streams.delete(stream));
        return stream;
      },
    };
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

/**
 * Bytes `start` to `end` of a shared file handle. fs read streams close their
 * descriptor when destroyed, which unzipper does to every member's stream.
 */
class RangeStream extends Readable {
  private position: number;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.position = start;
  }

  override _read(size: number): void {
    const length = Math.min(size, this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(length);
    this.handle.read(buf, 0, length, this.position).then(
      ({ bytesRead }) => {
        this.position += bytesRead;
        this.push(bytesRead === 0 ? null : buf.subarray(0, bytesRead));
      },
      (err: Error) => this.destroy(err),
    );
  }
}

/** The end-of-central-directory record: the last one whose comment reaches the end of the file. */
async function findEndRecord(file: ZipSource, size: number): Promise<number> {
  const length = Math.min(size, END_RECORD_SIZE + 0xffff);
  const tail = Buffer.alloc(length);
  await file.read(tail, size - length);
  let fallback = -1;
  for (let i = length - END_RECORD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== END_RECORD) continue;
    if (i + END_RECORD_SIZE + tail.readUInt16LE(i + 20) === length) return size - length + i;
    // Bytes after the comment: extractors accept that, so we do too.
    if (fallback === -1) fallback = size - length + i;
  }
  if (fallback !== -1) return fallback;
  throw new Error('no end of central directory record (is the file truncated?)');
}

async function* readZip(file: ZipSource, files: ZipFile[], options: ReadOptions): AsyncGenerator<ReleaseEntry> {
  const path = file.path;
  const budget = new Budget(path, options.limits);
  const keepUpTo = keepLimit(options);
  try {
    try {
      await file.open();
    } catch (err) {
      throw new CuckooError('input', `${path}: cannot read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    for (const [index, member] of files.entries()) {
      const { type, mode } = memberKind(member);
      budget.addEntry(type === 'directory' ? 0 : member.uncompressedSize);
      const entry: ReleaseEntry = { path: entryPath(member.path, type), type, mode, size: 0, index };
      if (type === 'file') {
        entry.size = member.uncompressedSize;
        finishFile(entry, await readMember(path, member, options, keepUpTo), options);
      } else if (type === 'symlink') {
        if (member.uncompressedSize > MAX_LINK_TARGET) {
          throw corruptZip(path, `symlink ${member.path} has a ${member.uncompressedSize}-byte target`);
        }
        const digest = await readMember(path, member, options, MAX_LINK_TARGET);
        entry.linkTarget = digest.content!.toString('utf8');
        entry.size = digest.length;
        entry.blobId = digest.blobId;
        entry.sha256 = digest.sha256;
      }
      yield entry;
    }
  } finally {
    await file.close();
  }
}

async function readMember(path: string, member: ZipFile, options: ReadOptions, keepUpTo: number | undefined) {
  if (member.flags & 0x1) {
    throw new CuckooError('input', `${path}: entry ${member.path} is encrypted`, { hint: 'source releases are never encrypted; check that this is the right file' });
  }
  if (member.compressionMethod !== 0 && member.compressionMethod !== 8) {
    const name = methodNames[member.compressionMethod] ?? 'unknown';
    throw new CuckooError('input', `${path}: entry ${member.path} uses unsupported compression method ${member.compressionMethod} (${name})`, {
      hint: 'cuckoo reads stored and deflated zip entries; repack the zip with deflate, or use the tarball release',
    });
  }
  const size = member.uncompressedSize;
  const hasher = new BlobHasher(size, options.objectFormat, keepUpTo);
  let crc = 0;
  const stream = member.stream();
  // unzipper emits some errors straight on the entry, also after we have stopped reading it.
  stream.on('error', () => {});
  try {
    for await (const chunk of stream) {
      hasher.update(chunk as Buffer);
      if (crc32) crc = crc32(chunk as Buffer, crc);
      // Stop an entry that inflates past its declared size right there (a bomb), not at its end.
      if (hasher.bytes > size) break;
    }
  } catch (err) {
    throw corruptZip(path, `entry ${member.path}: ${err instanceof Error ? err.message : String(err)}`, err);
  } finally {
    stream.destroy();
  }
  if (hasher.bytes !== size) {
    const got = hasher.bytes > size ? `more than ${size}` : String(hasher.bytes);
    throw corruptZip(path, `entry ${member.path} holds ${got} bytes but its directory record says ${size}`);
  }
  if (crc32 && crc !== member.crc32) throw corruptZip(path, `entry ${member.path} fails its CRC-32 check`);
  return hasher.digest();
}

/**
 * Type and permission bits. Unix zips (version-made-by host 3, as written by
 * Info-ZIP and `git archive`) carry st_mode in the upper 16 bits of the
 * external attributes; others get the defaults extractors use.
 */
function memberKind(member: ZipFile): { type: EntryType; mode: number } {
  const dirName = /[/\\]$/.test(member.path);
  const unixMode = member.externalFileAttributes >>> 16;
  if (member.versionMadeBy >> 8 === 3 && unixMode !== 0) {
    const mode = unixMode & 0o7777;
    if (dirName) return { type: 'directory', mode };
    switch (unixMode & 0o170000) {
      case 0o120000:
        return { type: 'symlink', mode };
      case 0o040000:
        return { type: 'directory', mode };
      case 0o010000:
        return { type: 'fifo', mode };
      case 0o020000:
      case 0o060000:
        return { type: 'device', mode };
      case 0o140000:
        return { type: 'other', mode };
      default:
        return { type: 'file', mode };
    }
  }
  // MS-DOS attribute 0x10 marks directories.
  if (dirName || member.externalFileAttributes & 0x10) return { type: 'directory', mode: 0o755 };
  return { type: 'file', mode: 0o644 };
}

function corruptZip(path: string, detail: string, cause?: unknown): CuckooError {
  return new CuckooError('input', `${path}: corrupt zip archive: ${detail}`, { hint: damagedHint, cause });
}
