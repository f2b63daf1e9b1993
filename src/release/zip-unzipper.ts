/**
 * The central directory as unzipper reads it: the listing cuckoo reads a zip
 * by, as tar is read by tar-stream. cuckoo's own reading of the same records
 * (zip-directory.ts) runs first, because it is bounded (it refuses an end
 * record whose count the directory's bytes cannot hold before anything is
 * allocated per entry) and its errors name the fault; the two are then
 * compared record by record, and the local headers walked in file order are
 * checked against unzipper's records (zip.ts, zip-member.ts). Run in the
 * reading thread for a small directory, in a worker thread for a large one
 * (zip-listing.ts).
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import type unzipper from 'unzipper';
// unzipper's reader of the central directory, the function its Open.custom
// calls, loaded without its streaming parser and extractor (see scripts/bundle.mjs).
import centralDirectory, { type Source as UnzipperSource } from 'unzipper/lib/Open/directory.js';
import { BlockReader } from './block-reader.js';
import { ZipFormatError, type ZipMember } from './zip-directory.js';

const CENTRAL_HEADER = 0x02014b50;

/** What cuckoo's own reading found (zip-directory.ts), and the bytes it read it from: unzipper reads the same. */
export interface DirectoryBytes {
  /** The release, read again only where unzipper's end record puts the directory before `start`. */
  path: string;
  size: number;
  start: number;
  length: number;
  end: number;
  /** Records in cuckoo's own reading. */
  count: number;
  /** The file's bytes from `start` to its end. */
  tail: Buffer;
}

let readers = 0;
let savedScheduler: ((callback: () => void) => void) | undefined;

/** The promise library unzipper itself loads (the same module instance): only unzipper uses it. */
const bluebird = createRequire(createRequire(import.meta.url).resolve('unzipper'))('bluebird') as {
  setScheduler(fn: (callback: () => void) => void): (callback: () => void) => void;
};

/**
 * unzipper's verdict on cuckoo's reading `ours` of the same directory:
 * undefined when its records are ours in every field, those the walk of the
 * members reads among them (zip.ts), so that walking ours is walking
 * unzipper's; otherwise unzipper's records, each marked where ours differs
 * (crossCheck).
 */
export async function unzipperVerdict(bytes: DirectoryBytes, ours: ZipMember[]): Promise<ZipMember[] | undefined> {
  const files = await unzipperFiles(bytes);
  // The usual case, told without a member made of each of unzipper's records.
  if (files.length === ours.length && files.every((f, i) => sameRecord(f, ours[i]!))) return undefined;
  return crossCheck(files.map(toMember), ours);
}

/** unzipper's records of the directory that cuckoo's reading found, as members (scripts/bench-zip.mjs times it alone). */
export async function unzipperMembers(bytes: DirectoryBytes): Promise<ZipMember[]> {
  return (await unzipperFiles(bytes)).map(toMember);
}

/**
 * unzipper's records of the directory that cuckoo's reading found, read from
 * the same bytes (`tail`). Served from memory as one chunk, unzipper's reader
 * takes each record without a stream per pull.
 */
async function unzipperFiles(bytes: DirectoryBytes): Promise<unzipper.File[]> {
  const { tail, start: tailStart, size } = bytes;
  const streams: Readable[] = [];
  const source: UnzipperSource = {
    size: async () => size,
    stream: (offset, length) => {
      const end = Math.min(size, length === undefined ? size : offset + length);
      if (offset >= tailStart) {
        const out = new PassThrough();
        out.end(tail.subarray(offset - tailStart, end - tailStart));
        return out;
      }
      // Only a directory that cuckoo's reading does not put where unzipper does starts before the tail.
      const out = Readable.from(fileRange(bytes.path, size, offset, end), { objectMode: false });
      streams.push(out);
      return out;
    },
  };
  let read: unzipper.CentralDirectory;
  // unzipper chains a few promises per record through bluebird, which
  // schedules each step with setImmediate: one turn of the event loop per
  // step, half the time of a kernel-sized directory. The bytes are all in
  // memory, so microtasks do the same work without the turns.
  // Zips read at once (`batch --jobs`) share it: the first sets it, the last puts bluebird's back.
  if (readers++ === 0) savedScheduler = bluebird.setScheduler(queueMicrotask);
  try {
    // unzipper takes the first end-record signature in its tail, and by
    // default looks only 80 bytes back: starting it at the record cuckoo
    // chose copes with long comments and with signatures inside member data.
    read = await centralDirectory(source, { tailSize: size - bytes.end });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // unzipper's PullStream says FILE_ENDED when a record runs past the end of the file.
    throw new ZipFormatError(`unzipper cannot read the central directory: ${message === 'FILE_ENDED' ? 'it runs past the end of the file' : message}`, { cause: err });
  } finally {
    if (--readers === 0) bluebird.setScheduler(savedScheduler!);
    // unzipper stops pulling where it has read enough: the file is closed.
    for (const stream of streams) stream.destroy();
  }
  return read.files;
}

/** Bytes `start` to `end` of the file; a read error ends the stream early, which unzipper reports as a record past the end of the file. */
async function* fileRange(path: string, size: number, start: number, end: number): AsyncGenerator<Buffer> {
  let handle;
  let reader: BlockReader | undefined;
  try {
    handle = await open(path, 'r');
    reader = new BlockReader(handle, size);
    for await (const chunk of reader.range(start, end)) yield Buffer.from(chunk);
  } catch {
    return;
  } finally {
    await reader?.settle();
    await handle?.close();
  }
}

function toMember(f: unzipper.File, index: number): ZipMember {
  // unzipper parses whatever bytes its end record points at.
  if (f.signature !== CENTRAL_HEADER) throw new ZipFormatError(`unzipper reads entry ${index} of the central directory where there is no central directory header`);
  const member: ZipMember = {
    index,
    name: f.path,
    versionMadeBy: f.versionMadeBy,
    flags: f.flags,
    method: f.compressionMethod,
    crc32: f.crc32,
    compressedSize: checked(f, 'compressedSize', f.compressedSize),
    uncompressedSize: checked(f, 'uncompressedSize', f.uncompressedSize),
    externalAttributes: f.externalFileAttributes,
    localOffset: checked(f, 'local header offset', f.offsetToLocalFileHeader),
    zip64: zip64Of(f),
  };
  // A copy: a view would pin the directory buffer for as long as the member lives.
  if (!isUtf8(f.pathBuffer)) member.nameBytes = Buffer.from(f.pathBuffer);
  return member;
}

/** unzipper fills in the 64-bit values it took from a zip64 extra field. */
function zip64Of(f: unzipper.File): boolean {
  const extra = (f.extra ?? {}) as Record<string, unknown>;
  return 'compressedSize' in extra || 'uncompressedSize' in extra || 'offsetToLocalFileHeader' in extra;
}

/** Whether unzipper's record is cuckoo's, in every field toMember takes from it: what differences() and the walk compare, and zip64. */
function sameRecord(f: unzipper.File, o: ZipMember): boolean {
  return (
    f.signature === CENTRAL_HEADER &&
    f.offsetToLocalFileHeader === o.localOffset &&
    f.compressedSize === o.compressedSize &&
    f.uncompressedSize === o.uncompressedSize &&
    f.crc32 === o.crc32 &&
    f.compressionMethod === o.method &&
    f.flags === o.flags &&
    f.externalFileAttributes === o.externalAttributes &&
    f.versionMadeBy === o.versionMadeBy &&
    zip64Of(f) === o.zip64 &&
    // As sameBytes: a valid UTF-8 name is its string.
    (o.nameBytes === undefined ? f.path === o.name && isUtf8(f.pathBuffer) : f.pathBuffer.equals(o.nameBytes))
  );
}

/** unzipper leaves a value out (undefined) when a zip64 extra field is too short to hold it. */
function checked(f: unzipper.File, what: string, value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ZipFormatError(`entry ${f.path}: unzipper reads no ${what} from its zip64 extra field`);
  }
  return value;
}

/**
 * unzipper's records, each marked where cuckoo's reading of the same record
 * differs. Both read the end record cuckoo chose, so they differ only where
 * the format leaves room (a zip64 end record beside 32-bit fields that do not
 * ask for it, say): extractors built like one or the other then unpack
 * different files. A record only one of them lists is kept, marked too.
 */
function crossCheck(primary: ZipMember[], ours: ZipMember[]): ZipMember[] {
  const members = [...primary];
  const count = Math.max(primary.length, ours.length);
  for (let i = 0; i < count; i++) {
    const u = primary[i];
    const o = ours[i];
    if (u !== undefined && o !== undefined) {
      const differ = differences(u, o);
      if (differ.length > 0) u.disputed = [`unzipper and cuckoo read its central directory record differently (${differ.join(', ')})`];
    } else if (u !== undefined) {
      u.disputed = [`only unzipper's reading of the central directory lists it (${primary.length} entries; cuckoo's own reading finds ${ours.length})`];
    } else if (o !== undefined) {
      // A copy: the reading thread may be walking cuckoo's records meanwhile (zip.ts).
      members.push({ ...o, disputed: [`only cuckoo's own reading of the central directory lists it (${ours.length} entries; unzipper finds ${primary.length})`] });
    }
  }
  return members;
}

const fields = [
  ['local header offset', 'localOffset'],
  ['compressed size', 'compressedSize'],
  ['size', 'uncompressedSize'],
  ['CRC', 'crc32'],
  ['compression method', 'method'],
  ['flags', 'flags'],
  ['external attributes', 'externalAttributes'],
  ['version made by', 'versionMadeBy'],
] as const;

/** What differs, each as `what: unzipper's value / cuckoo's value`. */
function differences(u: ZipMember, o: ZipMember): string[] {
  const out: string[] = [];
  if (!sameBytes(u, o)) out.push(`name: ${JSON.stringify(u.name)} / ${JSON.stringify(o.name)}`);
  for (const [what, key] of fields) if (u[key] !== o[key]) out.push(`${what}: ${u[key]} / ${o[key]}`);
  // zip64 decides the size of a data descriptor: readers that disagree on it read different bytes as the member's end.
  if (u.zip64 !== o.zip64) out.push(`zip64: ${u.zip64 ? 'yes' : 'no'} / ${o.zip64 ? 'yes' : 'no'}`);
  return out;
}

/** Valid UTF-8 names are equal as bytes when they are as strings; only the others keep their bytes. */
function sameBytes(u: ZipMember, o: ZipMember): boolean {
  if (u.nameBytes === undefined || o.nameBytes === undefined) return u.nameBytes === o.nameBytes && u.name === o.name;
  return u.nameBytes.equals(o.nameBytes);
}
