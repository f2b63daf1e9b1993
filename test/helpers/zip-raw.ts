/**
 * Zips written byte by byte, for the tricks no zip library will write: local
 * headers that contradict the central directory, members the directory does
 * not list, two directory entries sharing one member, bytes hidden after a
 * deflate stream. APPNOTE 6.3.10, sections 4.3.7-4.3.16.
 */
import { deflateRawSync } from 'node:zlib';
import { tableCrc32 } from '../../src/release/crc32.js';

export interface RawMember {
  name: string;
  data: string | Buffer;
  deflate?: boolean;
  /** The name's bytes in both headers, when they are not `name` in UTF-8 (invalid UTF-8, say). */
  nameBytes?: Buffer;
  /** The name in the local header, when it should differ from the directory's. */
  localName?: string | Buffer;
  /** Sizes and CRC after the data (flag bit 3) instead of in the local header; fields overridable. */
  descriptor?: boolean | { crc32?: number; size?: number };
  /** Overrides the uncompressed size in the local header. */
  localSize?: number;
  /** Bytes after the compressed data, counted in the compressed size. */
  trailing?: Buffer;
  /** false: written to the file but left out of the central directory. */
  listed?: boolean;
  /** The directory entry points at this earlier member's local header instead of its own. */
  sharesWith?: string;
}

export function rawZip(members: RawMember[], options: { comment?: string } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets = new Map<string, number>();
  let pos = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    pos += b.length;
  };
  for (const m of members) {
    const data = Buffer.from(m.data);
    const body = Buffer.concat([m.deflate ? deflateRawSync(data) : data, m.trailing ?? Buffer.alloc(0)]);
    const crc = tableCrc32(data);
    const method = m.deflate ? 8 : 0;
    const flags = 0x800 | (m.descriptor ? 0x8 : 0);
    const localName = m.localName !== undefined ? Buffer.from(m.localName) : (m.nameBytes ?? Buffer.from(m.name));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    if (!m.descriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(m.localSize ?? data.length, 22);
    }
    local.writeUInt16LE(localName.length, 26);
    const offset = pos;
    offsets.set(m.name, offset);
    push(Buffer.concat([local, localName, body]));
    if (m.descriptor) {
      const d = Buffer.alloc(16);
      const over = typeof m.descriptor === 'object' ? m.descriptor : {};
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(over.crc32 ?? crc, 4);
      d.writeUInt32LE(body.length, 8);
      d.writeUInt32LE(over.size ?? data.length, 12);
      push(d);
    }
    if (m.listed === false) continue;
    const name = m.nameBytes ?? Buffer.from(m.name);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x031e, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    c.writeUInt32LE(m.sharesWith !== undefined ? offsets.get(m.sharesWith)! : offset, 42);
    central.push(Buffer.concat([c, name]));
  }
  const start = pos;
  const directory = Buffer.concat(central);
  const comment = Buffer.from(options.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(start, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...parts, directory, end, comment]);
}

/**
 * `zip` given a second central directory: its 32-bit end record points at
 * `legacy` (holding `count` records), while a zip64 end record and locator
 * point at the original directory. Readers that follow the zip64 locator
 * whenever it is there (cuckoo's own) see one listing; readers that look for
 * zip64 only when a 32-bit field is all ones (unzipper's, Go's) the other.
 */
export function twoDirectories(zip: Buffer, legacy: (directory: Buffer) => Buffer, count: number): Buffer {
  const end = zip.length - 22;
  const start = zip.readUInt32LE(end + 16);
  const members = zip.subarray(0, start);
  const directory = zip.subarray(start, end);
  const old = legacy(Buffer.from(directory));
  const modern = start + old.length;
  const record64 = Buffer.alloc(56);
  record64.writeUInt32LE(0x06064b50, 0);
  record64.writeBigUInt64LE(44n, 4);
  record64.writeUInt16LE(45, 12);
  record64.writeUInt16LE(45, 14);
  const entries = BigInt(zip.readUInt16LE(end + 10));
  record64.writeBigUInt64LE(entries, 24);
  record64.writeBigUInt64LE(entries, 32);
  record64.writeBigUInt64LE(BigInt(directory.length), 40);
  record64.writeBigUInt64LE(BigInt(modern), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(modern + directory.length), 8);
  locator.writeUInt32LE(1, 16);
  const record = Buffer.from(zip.subarray(end));
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(old.length, 12);
  record.writeUInt32LE(start, 16);
  return Buffer.concat([members, old, directory, record64, locator, record]);
}
