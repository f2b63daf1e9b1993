/**
 * One zip member read where the central directory says it is: its local
 * header checked against the directory entry, its data inflated and hashed,
 * its data descriptor checked. Disagreements that make extractors see
 * different files come back as `problems`; damage is a ZipFormatError.
 */
import { once } from 'node:events';
import * as zlib from 'node:zlib';
import { CuckooError } from '../errors.js';
import type { BlockReader } from './block-reader.js';
import { crc32 } from './crc32.js';
import { BlobHasher, digestBuffer, type BlobDigest, type Hashing } from './hash.js';
import { findExtra, readU64, sameName, ZipFormatError, type ZipMember } from './zip-directory.js';

const LOCAL_HEADER = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const MAX32 = 0xffffffff;
/** Members up to this size inflate in one synchronous call: most of a source tree, without stream overhead. */
const SYNC_LIMIT = 1024 * 1024;

/** Compression methods cuckoo cannot read (APPNOTE 4.4.5). */
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

export interface MemberRead {
  digest: BlobDigest;
  /** First byte after the member (data descriptor included). */
  end: number;
  problems: string[];
}

export async function readMember(
  source: string,
  reader: BlockReader,
  m: ZipMember,
  hashing: Hashing,
): Promise<MemberRead> {
  if (m.flags & 0x1) {
    throw new CuckooError('input', `${source}: entry ${m.name} is encrypted`, { hint: 'source releases are never encrypted; check that this is the right file' });
  }
  if (m.method !== 0 && m.method !== 8) {
    throw new CuckooError('input', `${source}: entry ${m.name} uses unsupported compression method ${m.method} (${methodNames[m.method] ?? 'unknown'})`, {
      hint: 'cuckoo reads stored and deflated zip entries; repack the zip with deflate, or use the tarball release',
    });
  }
  const problems: string[] = [];
  const local = await readLocalHeader(reader, m, problems);
  const dataEnd = local.dataStart + m.compressedSize;
  if (dataEnd > reader.size) throw new ZipFormatError(`entry ${m.name} runs past the end of the file`);
  const { digest, consumed, crc } =
    m.method === 0
      ? await copyStored(reader, m, local.dataStart, hashing)
      : m.uncompressedSize <= SYNC_LIMIT && m.compressedSize <= SYNC_LIMIT
        ? inflateWhole(await reader.bytes(local.dataStart, m.compressedSize), m, hashing)
        : await inflateStream(reader, m, local.dataStart, hashing);
  if (digest.length !== m.uncompressedSize) {
    const got = digest.length > m.uncompressedSize ? `more than ${m.uncompressedSize}` : String(digest.length);
    throw new ZipFormatError(`entry ${m.name} holds ${got} bytes but its directory record says ${m.uncompressedSize}`);
  }
  if (crc !== m.crc32) throw new ZipFormatError(`entry ${m.name} fails its CRC-32 check`);
  if (consumed < m.compressedSize) {
    problems.push(`${m.compressedSize - consumed} bytes after the end of its deflate stream are hidden inside it: extractors that stream find other data there`);
  }
  let end = dataEnd;
  if (local.flags & 0x8) end = await checkDescriptor(reader, m, dataEnd, local.zip64, problems);
  return { digest, end, problems };
}

async function readLocalHeader(reader: BlockReader, m: ZipMember, problems: string[]) {
  if (m.localOffset + 30 > reader.size) throw new ZipFormatError(`entry ${m.name} starts past the end of the file`);
  const head = await reader.bytes(m.localOffset, 30);
  if (head.readUInt32LE(0) !== LOCAL_HEADER) throw new ZipFormatError(`entry ${m.name}: no local header where the central directory says`);
  const flags = head.readUInt16LE(6);
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const dataStart = m.localOffset + 30 + nameLength + extraLength;
  if (dataStart > reader.size) throw new ZipFormatError(`entry ${m.name} runs past the end of the file`);
  const name = await reader.bytes(m.localOffset + 30, nameLength);
  const extra = await reader.bytes(m.localOffset + 30 + nameLength, extraLength);
  // Streaming extractors (and `unzip` when the directory is damaged) believe the local header.
  if (!sameName(name, m)) problems.push(`its local header names it ${JSON.stringify(name.toString('utf8'))}`);
  const method = head.readUInt16LE(8);
  if (method !== m.method) problems.push(`its local header says compression method ${method}, the central directory ${m.method}`);
  let compressed = head.readUInt32LE(18);
  let uncompressed = head.readUInt32LE(22);
  const zip64 = findExtra(extra, 0x0001);
  // APPNOTE 4.5.3: in a local header the zip64 field holds both sizes.
  if (zip64 !== undefined && zip64.length >= 16 && (compressed === MAX32 || uncompressed === MAX32)) {
    uncompressed = readU64(zip64, 0);
    compressed = readU64(zip64, 8);
  }
  if (!(flags & 0x8)) {
    const crc = head.readUInt32LE(14);
    if (crc !== m.crc32 || compressed !== m.compressedSize || uncompressed !== m.uncompressedSize) {
      problems.push(`its local header gives ${uncompressed} bytes (${compressed} compressed, CRC ${hex(crc)}), the central directory ${m.uncompressedSize} (${m.compressedSize}, ${hex(m.crc32)})`);
    }
  }
  return { flags, dataStart, zip64: zip64 !== undefined || m.zip64 };
}

/** APPNOTE 4.3.9: CRC and sizes after the data, with an optional signature; 8-byte sizes in zip64 members. */
async function checkDescriptor(reader: BlockReader, m: ZipMember, at: number, zip64: boolean, problems: string[]): Promise<number> {
  const sizeBytes = zip64 ? 8 : 4;
  if (at + 4 > reader.size) throw new ZipFormatError(`entry ${m.name}: its data descriptor runs past the end of the file`);
  const signed = (await reader.bytes(at, 4)).readUInt32LE(0) === DESCRIPTOR;
  const start = signed ? at + 4 : at;
  if (start + 4 + 2 * sizeBytes > reader.size) throw new ZipFormatError(`entry ${m.name}: its data descriptor runs past the end of the file`);
  const d = await reader.bytes(start, 4 + 2 * sizeBytes);
  const crc = d.readUInt32LE(0);
  const compressed = zip64 ? readU64(d, 4) : d.readUInt32LE(4);
  const uncompressed = zip64 ? readU64(d, 12) : d.readUInt32LE(8);
  if (crc !== m.crc32 || compressed !== m.compressedSize || uncompressed !== m.uncompressedSize) {
    problems.push(`its data descriptor gives ${uncompressed} bytes (${compressed} compressed, CRC ${hex(crc)}), the central directory ${m.uncompressedSize} (${m.compressedSize}, ${hex(m.crc32)})`);
  }
  return start + 4 + 2 * sizeBytes;
}

interface Decoded {
  digest: BlobDigest;
  /** Compressed bytes the decoder used. */
  consumed: number;
  crc: number;
}

async function copyStored(reader: BlockReader, m: ZipMember, start: number, hashing: Hashing): Promise<Decoded> {
  const hasher = new BlobHasher(m.uncompressedSize, hashing);
  let crc = 0;
  // Stop at the declared size plus one byte: enough to tell "more than".
  for await (const chunk of reader.range(start, start + Math.min(m.compressedSize, m.uncompressedSize + 1))) {
    hasher.update(chunk);
    crc = crc32(chunk, crc);
  }
  return { digest: hasher.digest(), consumed: m.compressedSize, crc };
}

function inflateWhole(input: Buffer, m: ZipMember, hashing: Hashing): Decoded {
  let result: { buffer: Buffer; engine: zlib.InflateRaw };
  try {
    // maxOutputLength stops a bomb one byte past the declared size; a chunk of
    // that size is one output buffer per member, not 16 KiB pieces joined.
    const limit = m.uncompressedSize + 1;
    result = zlib.inflateRawSync(input, { info: true, maxOutputLength: limit, chunkSize: Math.max(limit, zlib.constants.Z_MIN_CHUNK) }) as unknown as typeof result;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipFormatError(`entry ${m.name} holds more than ${m.uncompressedSize} bytes but its directory record says ${m.uncompressedSize}`);
    }
    throw new ZipFormatError(`entry ${m.name}: ${(err as Error).message}`);
  }
  const out = result.buffer;
  return { digest: digestBuffer(out, hashing), consumed: result.engine.bytesWritten, crc: crc32(out) };
}

async function inflateStream(reader: BlockReader, m: ZipMember, start: number, hashing: Hashing): Promise<Decoded> {
  const hasher = new BlobHasher(m.uncompressedSize, hashing);
  let crc = 0;
  const inflate = zlib.createInflateRaw({ chunkSize: 256 * 1024 });
  // zlib inflates on the thread pool while this thread hashes the previous output.
  const feed = (async () => {
    for await (const chunk of reader.range(start, start + m.compressedSize)) {
      if (inflate.destroyed) return;
      // 'close' too: a deflate stream that ends early never drains.
      if (!inflate.write(chunk)) await Promise.race([once(inflate, 'drain'), once(inflate, 'close')]);
    }
    inflate.end();
  })();
  feed.catch((err: Error) => inflate.destroy(err));
  try {
    for await (const chunk of inflate) {
      hasher.update(chunk as Buffer);
      crc = crc32(chunk as Buffer, crc);
      // Stop an entry that inflates past its declared size right there (a bomb), not at its end.
      if (hasher.bytes > m.uncompressedSize) break;
    }
  } catch (err) {
    throw new ZipFormatError(`entry ${m.name}: ${(err as Error).message}`);
  } finally {
    inflate.destroy();
  }
  await feed.catch(() => {});
  return { digest: hasher.digest(), consumed: inflate.bytesWritten, crc };
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
