/**
 * The end of central directory record (with its zip64 locator and record) and
 * the central directory: what extractors that seek trust. APPNOTE 6.3.10,
 * sections 4.3.12-4.3.16 and 4.5.3.
 */
import { isUtf8 } from 'node:buffer';
import type { BlockReader } from './block-reader.js';

export const END_RECORD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END_RECORD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const END_RECORD_SIZE = 22;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

export interface ZipMember {
  /** Position in the central directory. */
  index: number;
  name: string;
  /**
   * The name's bytes, kept only when they are not valid UTF-8 (and so not
   * given back by encoding `name`): a view per member would pin the whole
   * central directory, 10 MB for a kernel-sized release.
   */
  nameBytes?: Buffer;
  versionMadeBy: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  externalAttributes: number;
  localOffset: number;
  /** The sizes or offset come from a zip64 extra field. */
  zip64: boolean;
  /** Where the two readings of the central directory differ about this record (zip-unzipper.ts). */
  disputed?: string[];
}

export interface ZipDirectory {
  members: ZipMember[];
  comment: string;
  /** Where the central directory starts: member data ends before it. */
  start: number;
  /** The central directory's length in bytes (the records, nothing after them). */
  length: number;
  /** Where the end of central directory record starts. */
  end: number;
  /** The file's bytes from `start` to its end: the directory, the zip64 records, the end record. */
  tail: Buffer;
}

/** A structural fault: the caller turns it into a one-line input error. */
export class ZipFormatError extends Error {}

/** The central directory, as cuckoo reads it, and the bytes it was read from. */
export async function readDirectory(reader: BlockReader): Promise<ZipDirectory> {
  const size = reader.size;
  const end = await findEndRecord(reader);
  const record = await reader.bytes(end, END_RECORD_SIZE);
  const commentLength = record.readUInt16LE(20);
  const comment = (await reader.bytes(end + END_RECORD_SIZE, Math.min(commentLength, size - end - END_RECORD_SIZE))).toString('utf8');
  let count = record.readUInt16LE(10);
  let length = record.readUInt32LE(12);
  let start = record.readUInt32LE(16);
  let directoryEnd = end;
  if (record.readUInt16LE(4) !== 0 || record.readUInt16LE(6) !== 0) throw new ZipFormatError('the archive spans several disks');
  const locatorAt = end - 20;
  if (locatorAt >= 0 && (await reader.bytes(locatorAt, 4)).readUInt32LE(0) === ZIP64_LOCATOR) {
    const locator = await reader.bytes(locatorAt, 20);
    const at = readU64(locator, 8);
    if (at + 56 > locatorAt) throw new ZipFormatError('the zip64 end record is not where its locator says');
    const z = await reader.bytes(at, 56);
    if (z.readUInt32LE(0) !== ZIP64_END_RECORD) throw new ZipFormatError('the zip64 end record is not where its locator says');
    count = readU64(z, 32);
    length = readU64(z, 40);
    start = readU64(z, 48);
    directoryEnd = at;
  } else if (count === MAX16 || length === MAX32 || start === MAX32) {
    throw new ZipFormatError('the end record asks for zip64 but there is no zip64 locator');
  }
  // Anything between the directory and the end record would be bytes some extractors skip and others read.
  if (start + length !== directoryEnd) throw new ZipFormatError('the central directory is not where the end record says');
  // The directory and all after it, read once: unzipper reads its records from the same bytes.
  const tail = await reader.bytes(start, size - start);
  const members = parseDirectory(tail.subarray(0, length), count);
  return { members, comment, start, length, end, tail };
}

/** The end-of-central-directory record: the last one whose comment reaches the end of the file. */
async function findEndRecord(reader: BlockReader): Promise<number> {
  const size = reader.size;
  const length = Math.min(size, END_RECORD_SIZE + MAX16);
  const tail = Buffer.from(await reader.bytes(size - length, length));
  let fallback = -1;
  for (let i = length - END_RECORD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== END_RECORD) continue;
    if (i + END_RECORD_SIZE + tail.readUInt16LE(i + 20) === length) return size - length + i;
    // Bytes after the comment: extractors accept that, so we do too.
    if (fallback === -1) fallback = size - length + i;
  }
  if (fallback !== -1) return fallback;
  throw new ZipFormatError('no end of central directory record (is the file truncated?)');
}

/** The `count` records of the central directory `buf`. */
export function parseDirectory(buf: Buffer, count: number): ZipMember[] {
  const members: ZipMember[] = [];
  let p = 0;
  while (p < buf.length) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL_HEADER) {
      throw new ZipFormatError(`the central directory is not where the end record says (no header at entry ${members.length})`);
    }
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > buf.length) throw new ZipFormatError(`central directory entry ${members.length} runs past the end of the directory`);
    const nameBytes = buf.subarray(p + 46, p + 46 + nameLength);
    const member: ZipMember = {
      index: members.length,
      // Names are read as UTF-8 whatever flag bit 11 says, as unzipper does.
      name: nameBytes.toString('utf8'),
      versionMadeBy: buf.readUInt16LE(p + 4),
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      crc32: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      externalAttributes: buf.readUInt32LE(p + 38),
      localOffset: buf.readUInt32LE(p + 42),
      zip64: false,
    };
    if (!isUtf8(nameBytes)) member.nameBytes = Buffer.from(nameBytes);
    applyZip64(member, buf.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), buf.readUInt16LE(p + 34));
    members.push(member);
    p = next;
  }
  if (members.length !== count) throw new ZipFormatError(`the end record counts ${count} entries but the central directory holds ${members.length}`);
  return members;
}

/** Whether `bytes` are exactly the member's name as the central directory stores it. */
export function sameName(bytes: Buffer, member: ZipMember): boolean {
  return member.nameBytes !== undefined ? bytes.equals(member.nameBytes) : isUtf8(bytes) && bytes.toString('utf8') === member.name;
}

/** APPNOTE 4.5.3: the zip64 extra field holds, in order, only the fields whose 32-bit value is all ones. */
function applyZip64(member: ZipMember, extra: Buffer, disk: number): void {
  const wanted = member.uncompressedSize === MAX32 || member.compressedSize === MAX32 || member.localOffset === MAX32 || disk === MAX16;
  if (!wanted) return;
  const field = findExtra(extra, 0x0001);
  if (field === undefined) throw new ZipFormatError(`entry ${member.name} needs a zip64 extra field and has none`);
  let q = 0;
  const take = (): number => {
    if (q + 8 > field.length) throw new ZipFormatError(`entry ${member.name} has a short zip64 extra field`);
    const v = readU64(field, q);
    q += 8;
    return v;
  };
  if (member.uncompressedSize === MAX32) member.uncompressedSize = take();
  if (member.compressedSize === MAX32) member.compressedSize = take();
  if (member.localOffset === MAX32) member.localOffset = take();
  member.zip64 = true;
}

export function findExtra(extra: Buffer, id: number): Buffer | undefined {
  for (let p = 0; p + 4 <= extra.length; ) {
    const size = extra.readUInt16LE(p + 2);
    if (extra.readUInt16LE(p) === id) return extra.subarray(p + 4, Math.min(extra.length, p + 4 + size));
    p += 4 + size;
  }
  return undefined;
}

/** A 64-bit little-endian size or offset; beyond 2^53 no real file goes. */
export function readU64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a zip64 size or offset is beyond any real file');
  return Number(v);
}
