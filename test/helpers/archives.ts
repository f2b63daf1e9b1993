/**
 * Release archives built in code, byte for byte, for tests.
 *
 *   const tar = buildTar([
 *     { path: 'pkg/' , type: 'directory' },
 *     { path: 'pkg/configure', content: '#!/bin/sh\n', mode: 0o755 },
 *     { path: 'pkg/link', type: 'symlink', target: 'configure' },
 *     { path: 'pkg/' + 'x'.repeat(120), content: 'long', longName: 'gnu' },
 *     { raw: someBytes },                       // spliced in as-is
 *   ], { globalPax: { comment: commitId } });
 *   const file = await writeTemp('pkg-1.0.tar.xz', await compress(tar, 'xz'));
 *   const zip = await buildZip([{ path: 'pkg/run', content: 'x', mode: 0o755 }], { comment: commitId });
 *
 * - buildTar writes every header itself (no tar library), so tests control
 *   the bytes: ustar, GNU or v7 magic, pax records, GNU long names, declared
 *   sizes that lie, bad checksums, missing end blocks, trailing bytes.
 *   `tarHeader` builds one 512-byte header for hand-made tricks.
 * - compress uses zlib for gzip and the system xz, bzip2 and zstd.
 * - buildZip uses yazl (Unix modes, so symlinks work); patchZipEntry rewrites
 *   fields of a member (method, flags, sizes, CRC, attributes, even its name)
 *   in both its local and central headers.
 * - writeTemp puts files in one temporary folder per process, removed at exit.
 * - readRelease opens a file with openRelease and collects its entries;
 *   readReleaseError expects that to fail, with a CuckooError.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as assert from 'uvu/assert';
import yazl from 'yazl';
import { CuckooError } from '../../src/errors.js';
import { defaultLimits } from '../../src/limits.js';
import type { OpenedRelease, ReadOptions, ReleaseEntry } from '../../src/release/entry.js';
import { openRelease } from '../../src/release/open.js';

export type TarType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'contiguous';

export interface TarEntrySpec {
  path: string;
  /** Default 'file'. */
  type?: TarType;
  content?: string | Buffer;
  /** Symlink or hard-link target. */
  target?: string;
  /** Permission bits; default 0o644 (0o755 directories, 0o777 symlinks). */
  mode?: number;
  devmajor?: number;
  devminor?: number;
  /** Records of a pax extended header ('x') written before this entry. */
  pax?: Record<string, string>;
  /**
   * How a path or target longer than 100 bytes is stored: 'ustar' splits it
   * into prefix and name when it can, else falls back to pax (the default);
   * 'pax' always uses pax records, 'gnu' GNU 'L'/'K' headers.
   */
  longName?: 'ustar' | 'pax' | 'gnu';
  /** Raw typeflag character, overriding `type` (e.g. 'S', 'V', 'X'). */
  typeflag?: string;
  /** Size declared in the header (default: the content's length). */
  size?: number;
  /** Write a wrong header checksum. */
  badChecksum?: boolean;
  mtime?: number;
  uid?: number;
  gid?: number;
}

/** Bytes spliced into the archive as they are (no header, no padding). */
export interface RawItem {
  raw: Buffer;
}

export type TarItem = TarEntrySpec | RawItem;

export interface BuildTarOptions {
  /** Records of a pax global header ('g') at the start; `git archive` writes `comment=<commit>`. */
  globalPax?: Record<string, string>;
  /** Header magic: 'ustar' (default, POSIX), 'gnu' (`ustar  `), 'v7' (none). */
  format?: 'ustar' | 'gnu' | 'v7';
  /** Zero blocks at the end (default 2). */
  endBlocks?: number;
  /** Pad the whole archive with zeros to a multiple of this (GNU tar uses 10240). */
  recordSize?: number;
  /** Bytes appended after everything else. */
  trailing?: Buffer;
}

export interface HeaderFields {
  name: string;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  mtime?: number;
  typeflag?: string;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  prefix?: string;
  format?: 'ustar' | 'gnu' | 'v7';
  /** Added to the correct checksum (non-zero makes it wrong). */
  checksumDelta?: number;
}

const typeflags: Record<TarType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  'char-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
  contiguous: '7',
};

/** One 512-byte tar header with a correct checksum (unless `checksumDelta`). */
export function tarHeader(f: HeaderFields): Buffer {
  const block = Buffer.alloc(512);
  const text = (value: string, offset: number, length: number) => {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
    bytes.copy(block, offset);
  };
  const octal = (value: number, offset: number, length: number) => text(value.toString(8).padStart(length - 1, '0'), offset, length - 1);
  text(f.name, 0, 100);
  octal(f.mode ?? 0o644, 100, 8);
  octal(f.uid ?? 1000, 108, 8);
  octal(f.gid ?? 1000, 116, 8);
  octal(f.size ?? 0, 124, 12);
  octal(f.mtime ?? 1700000000, 136, 12);
  text(f.typeflag ?? '0', 156, 1);
  text(f.linkname ?? '', 157, 100);
  const format = f.format ?? 'ustar';
  if (format === 'ustar') {
    text('ustar\0', 257, 6);
    text('00', 263, 2);
  } else if (format === 'gnu') {
    text('ustar  \0', 257, 8);
  }
  if (format !== 'v7') {
    text(f.uname ?? 'user', 265, 32);
    text(f.gname ?? 'user', 297, 32);
    octal(f.devmajor ?? 0, 329, 8);
    octal(f.devminor ?? 0, 337, 8);
    text(f.prefix ?? '', 345, 155);
  }
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  sum += f.checksumDelta ?? 0;
  text(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return block;
}

/** Pax records: `"<len> <key>=<value>\n"`, the length counting itself. */
export function paxData(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    const bodyLength = Buffer.byteLength(body);
    let length = bodyLength + String(bodyLength).length;
    if (String(length).length !== String(bodyLength).length) length = bodyLength + String(length).length;
    parts.push(Buffer.from(`${length}${body}`));
  }
  return Buffer.concat(parts);
}

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** A header (for pax or GNU long names) followed by its padded data. */
function metaEntry(name: string, typeflag: string, data: Buffer, format: BuildTarOptions['format']): Buffer {
  return Buffer.concat([tarHeader({ name, typeflag, size: data.length, mode: 0o644, format }), pad(data)]);
}

function splitUstar(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  return undefined;
}

/** A tar archive; see the file comment. */
export function buildTar(items: TarItem[], options: BuildTarOptions = {}): Buffer {
  const format = options.format ?? 'ustar';
  const parts: Buffer[] = [];
  if (options.globalPax) parts.push(metaEntry('pax_global_header', 'g', paxData(options.globalPax), format));
  for (const item of items) {
    if ('raw' in item) {
      parts.push(item.raw);
      continue;
    }
    const type = item.type ?? 'file';
    const content = typeof item.content === 'string' ? Buffer.from(item.content) : (item.content ?? Buffer.alloc(0));
    const pax: Record<string, string> = { ...item.pax };
    let name = type === 'directory' && !item.path.endsWith('/') ? `${item.path}/` : item.path;
    let prefix = '';
    let linkname = item.target ?? '';
    const style = item.longName ?? 'ustar';
    if (Buffer.byteLength(name) > 100) {
      const split = style === 'ustar' && format === 'ustar' ? splitUstar(name) : undefined;
      if (split) ({ name, prefix } = split);
      else if (style === 'gnu') {
        parts.push(metaEntry('././@LongLink', 'L', Buffer.from(`${name}\0`), format));
        name = name.slice(0, 100);
      } else {
        pax.path = name;
        name = name.slice(0, 100);
      }
    }
    if (Buffer.byteLength(linkname) > 100) {
      if (style === 'gnu') parts.push(metaEntry('././@LongLink', 'K', Buffer.from(`${linkname}\0`), format));
      else pax.linkpath = linkname;
      linkname = linkname.slice(0, 100);
    }
    if (Object.keys(pax).length > 0) parts.push(metaEntry(`PaxHeaders/${name.slice(-80)}`, 'x', paxData(pax), format));
    const defaultMode = type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644;
    parts.push(
      tarHeader({
        name,
        prefix,
        mode: item.mode ?? defaultMode,
        uid: item.uid,
        gid: item.gid,
        size: item.size ?? content.length,
        mtime: item.mtime,
        typeflag: item.typeflag ?? typeflags[type],
        linkname,
        devmajor: item.devmajor,
        devminor: item.devminor,
        format,
        checksumDelta: item.badChecksum ? 1 : 0,
      }),
    );
    if (content.length > 0) parts.push(pad(content));
  }
  parts.push(Buffer.alloc(512 * (options.endBlocks ?? 2)));
  let tar = Buffer.concat(parts);
  if (options.recordSize !== undefined && tar.length % options.recordSize !== 0) {
    tar = Buffer.concat([tar, Buffer.alloc(options.recordSize - (tar.length % options.recordSize))]);
  }
  return options.trailing ? Buffer.concat([tar, options.trailing]) : tar;
}

export type Codec = 'gzip' | 'xz' | 'bzip2' | 'zstd';

const compressed = new WeakMap<Buffer, Map<Codec, Promise<Buffer>>>();

/**
 * `buf` compressed: gzip with zlib, the others with the system tools at their
 * default levels. The same buffer is
 * compressed once per codec (xz and bzip2 take seconds on the big inputs the
 * tests reuse); each caller gets its own copy.
 */
export async function compress(buf: Buffer, codec: Codec): Promise<Buffer> {
  let byCodec = compressed.get(buf);
  if (!byCodec) compressed.set(buf, (byCodec = new Map()));
  let done = byCodec.get(codec);
  if (!done) {
    done = compressOnce(buf, codec);
    byCodec.set(codec, done);
    done.catch(() => byCodec.delete(codec));
  }
  return Buffer.from(await done);
}

async function compressOnce(buf: Buffer, codec: Codec): Promise<Buffer> {
  if (codec === 'gzip') return gzipSync(buf);
  const args: Record<Exclude<Codec, 'gzip'>, [string, string[]]> = {
    xz: ['xz', ['-c', '-T1']],
    bzip2: ['bzip2', ['-c']],
    zstd: ['zstd', ['-c', '-q']],
  };
  const [tool, toolArgs] = args[codec];
  const { stdout } = await execa(tool, toolArgs, { input: buf, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
}

export interface ZipEntrySpec {
  path: string;
  /** Default 'file'. */
  type?: 'file' | 'directory' | 'symlink';
  content?: string | Buffer;
  /** Symlink target (stored as the member's content). */
  target?: string;
  /** Permission bits; the file type bits are added from `type`. */
  mode?: number;
  /** Deflate (default) or store. */
  compress?: boolean;
}

/** A zip made by yazl, with Unix modes (version made by: Unix). */
export async function buildZip(entries: ZipEntrySpec[], options: { comment?: string } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2023-11-14T22:13:20Z');
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'directory') {
      zip.addEmptyDirectory(e.path, { mode: 0o040000 | (e.mode ?? 0o755), mtime });
    } else if (type === 'symlink') {
      zip.addBuffer(Buffer.from(e.target ?? ''), e.path, { mode: 0o120000 | (e.mode ?? 0o777), mtime, compress: false });
    } else {
      const content = typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
      zip.addBuffer(content, e.path, { mode: 0o100000 | (e.mode ?? 0o644), mtime, compress: e.compress ?? true });
    }
  }
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve());
    zip.outputStream.on('error', reject);
  });
  zip.end(options.comment === undefined ? undefined : { comment: options.comment, forceZip64Format: false });
  await done;
  return Buffer.concat(chunks);
}

export interface ZipPatch {
  compressionMethod?: number;
  flags?: number;
  crc32?: number;
  uncompressedSize?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  /** A new name of the same byte length (yazl refuses `..` and absolute names). */
  path?: string;
}

/** A copy of `zip` with fields of member `path` rewritten in its central (and, where present, local) header. */
export function patchZipEntry(zip: Buffer, path: string, patch: ZipPatch): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i + 46 <= out.length; i++) {
    if (out.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = out.readUInt16LE(i + 28);
    if (out.toString('utf8', i + 46, i + 46 + nameLength) !== path) continue;
    const local = out.readUInt32LE(i + 42);
    if (patch.versionMadeBy !== undefined) out.writeUInt16LE(patch.versionMadeBy, i + 4);
    if (patch.flags !== undefined) {
      out.writeUInt16LE(patch.flags, i + 8);
      out.writeUInt16LE(patch.flags, local + 6);
    }
    if (patch.compressionMethod !== undefined) {
      out.writeUInt16LE(patch.compressionMethod, i + 10);
      out.writeUInt16LE(patch.compressionMethod, local + 8);
    }
    if (patch.crc32 !== undefined) {
      out.writeUInt32LE(patch.crc32, i + 16);
      out.writeUInt32LE(patch.crc32, local + 14);
    }
    if (patch.uncompressedSize !== undefined) {
      out.writeUInt32LE(patch.uncompressedSize, i + 24);
      out.writeUInt32LE(patch.uncompressedSize, local + 22);
    }
    if (patch.externalAttributes !== undefined) out.writeUInt32LE(patch.externalAttributes >>> 0, i + 38);
    if (patch.path !== undefined) {
      if (Buffer.byteLength(patch.path) !== nameLength) throw new Error('patchZipEntry: the new path must have the same length');
      out.write(patch.path, i + 46);
      out.write(patch.path, local + 30);
    }
    return out;
  }
  throw new Error(`no central directory entry for ${path}`);
}

let tempRoot: string | undefined;

/** The temporary folder of this test process (removed when it exits). */
export function tempDir(): string {
  if (tempRoot === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'cuckoo-archives-'));
    tempRoot = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return tempRoot;
}

/** Writes `data` to `name` (may contain folders) in the temporary folder; returns the path. */
export async function writeTemp(name: string, data: Buffer | string): Promise<string> {
  const path = join(tempDir(), name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  return path;
}

export interface ReadResult {
  release: OpenedRelease;
  entries: ReleaseEntry[];
}

/** Opens `path` with openRelease and reads every entry (sha1 objects and default limits unless given). */
export async function readRelease(path: string, options: Partial<ReadOptions> = {}): Promise<ReadResult> {
  const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits, ...options });
  const entries: ReleaseEntry[] = [];
  for await (const entry of release.entries()) entries.push(entry);
  return { release, entries };
}

/** The CuckooError that reading `path` (as readRelease) ends in; the test fails when the read succeeds. */
export async function readReleaseError(path: string, options: Partial<ReadOptions> = {}): Promise<CuckooError> {
  try {
    await readRelease(path, options);
  } catch (err) {
    assert.instance(err, CuckooError);
    return err as CuckooError;
  }
  throw new assert.Assertion({ message: `expected reading ${path} to fail`, operator: 'rejects', expects: 'error', actual: 'ok' });
}
