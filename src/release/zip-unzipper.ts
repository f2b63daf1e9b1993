/**
 * The central directory as unzipper reads it: the listing cuckoo reads a zip
 * by, as tar is read by tar-stream. cuckoo's own reading of the same records
 * (zip-directory.ts) runs first, because it is bounded (it refuses an end
 * record whose count the directory's bytes cannot hold before anything is
 * allocated per entry) and its errors name the fault; the two are then
 * compared record by record, and the local headers walked in file order are
 * checked against unzipper's records (zip.ts, zip-member.ts).
 */
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import unzipper from 'unzipper';
import type { BlockReader } from './block-reader.js';
import { ZipFormatError, type ZipDirectory, type ZipMember } from './zip-directory.js';

const CENTRAL_HEADER = 0x02014b50;

/** What unzipper reads from a random-access source (Open.custom): the file's size and byte ranges of it. */
interface UnzipperSource {
  size(): Promise<number>;
  stream(offset: number, length?: number): Readable;
}
type OpenCustom = (source: UnzipperSource, options: { tailSize: number }) => Promise<unzipper.CentralDirectory>;

let readers = 0;
let savedScheduler: ((callback: () => void) => void) | undefined;

/** The promise library unzipper itself loads (the same module instance): only unzipper uses it. */
const bluebird = createRequire(createRequire(import.meta.url).resolve('unzipper'))('bluebird') as {
  setScheduler(fn: (callback: () => void) => void): (callback: () => void) => void;
};

/**
 * unzipper's records of the directory that `directory` (cuckoo's reading)
 * found, read from the same bytes (`directory.tail`). Served from memory as
 * one chunk, unzipper's reader takes each record without a stream per pull.
 */
export async function unzipperMembers(reader: BlockReader, directory: ZipDirectory): Promise<ZipMember[]> {
  const { tail, start: tailStart } = directory;
  const source: UnzipperSource = {
    size: async () => reader.size,
    stream: (offset, length) => {
      const end = Math.min(reader.size, length === undefined ? reader.size : offset + length);
      if (offset >= tailStart) {
        const out = new PassThrough();
        out.end(tail.subarray(offset - tailStart, end - tailStart));
        return out;
      }
      // Only a directory that cuckoo's reading does not put where unzipper does starts before the tail.
      return Readable.from(fileRange(reader, offset, end), { objectMode: false });
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
    read = await (unzipper.Open.custom as unknown as OpenCustom)(source, { tailSize: reader.size - directory.end });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // unzipper's PullStream says FILE_ENDED when a record runs past the end of the file.
    throw new ZipFormatError(`unzipper cannot read the central directory: ${message === 'FILE_ENDED' ? 'it runs past the end of the file' : message}`, { cause: err });
  } finally {
    if (--readers === 0) bluebird.setScheduler(savedScheduler!);
  }
  return read.files.map(toMember);
}

/** Bytes `start` to `end`; a read error ends the stream early, which unzipper reports as a record past the end of the file. */
async function* fileRange(reader: BlockReader, start: number, end: number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of reader.range(start, end)) yield Buffer.from(chunk);
  } catch {
    return;
  }
}

function toMember(f: unzipper.File, index: number): ZipMember {
  // unzipper parses whatever bytes its end record points at.
  if (f.signature !== CENTRAL_HEADER) throw new ZipFormatError(`unzipper reads entry ${index} of the central directory where there is no central directory header`);
  const extra = (f.extra ?? {}) as Record<string, unknown>;
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
    // unzipper fills in the 64-bit values it took from a zip64 extra field.
    zip64: 'compressedSize' in extra || 'uncompressedSize' in extra || 'offsetToLocalFileHeader' in extra,
  };
  // A copy: a view would pin the directory buffer for as long as the member lives.
  if (!isUtf8(f.pathBuffer)) member.nameBytes = Buffer.from(f.pathBuffer);
  return member;
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
export function crossCheck(primary: ZipMember[], ours: ZipMember[]): ZipMember[] {
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
      o.disputed = [`only cuckoo's own reading of the central directory lists it (${ours.length} entries; unzipper finds ${primary.length})`];
      members.push(o);
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
  return out;
}

/** Valid UTF-8 names are equal as bytes when they are as strings; only the others keep their bytes. */
function sameBytes(u: ZipMember, o: ZipMember): boolean {
  if (u.nameBytes === undefined || o.nameBytes === undefined) return u.nameBytes === o.nameBytes && u.name === o.name;
  return u.nameBytes.equals(o.nameBytes);
}
