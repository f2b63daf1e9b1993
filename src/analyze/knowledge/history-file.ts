/**
 * The m4 history: every version of the macros under m4/ in gnulib's and
 * automake's whole history, so a project that copied an older gnulib (coreutils
 * 9.1 carries gnulib of April 2022) finds its macros known-good. Some 30,000
 * versions: as index.json records they would be five times its size, so they
 * live in a file of their own, read only when a release's m4 file is looked up
 * (library.ts).
 *
 * Layout: a magic line, a u32 length, a JSON header (names, commits,
 * packages, counts), then fixed-width binary columns, one row per version,
 * sorted by name. It is stored as it is read: its rows are mostly hashes,
 * which brotli shrank by a quarter at 50 ms of decompression per run (files
 * written before, brotli-compressed as a whole without the magic line, are
 * still read). Nothing is parsed per row at load: a name's rows become known
 * files when that name is asked for, and the hash lookup is built on the
 * first hash asked.
 *
 * Each version keeps what matching needs: its serial, code hash, git blob id
 * (sha1), the first 128 bits of its sha256 (enough to confirm a blob id match
 * and to match releases hashed in sha256 repositories: a second preimage of
 * 128 bits is out of reach) and the commit that first had it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { packageRoot } from '../../package-root.js';
import { maxKeyedRows, rowsWithKey, sortedRowKeys } from './row-keys.js';
import type { KnownFile } from './types.js';

export const historyFormat = 'cuckoo.knowledge-history/v1';

/** Shipped next to index.json, built by scripts/build-knowledge.mjs `--history`. */
export const shippedHistoryPath: string = join(packageRoot, 'knowledge', 'm4-history.bin');

/** One version of a file in a repository's history, as the build script collects it. */
export interface HistoryVersion {
  name: string;
  /** Folder in the repository (`m4`). */
  dir: string;
  serial?: number;
  codeHash: string;
  blobId: string;
  sha256: string;
  size: number;
  /** The commit that first had this content. */
  commit: string;
  /** Its tag without a leading `v`, or its commit date `YYYYMMDD`. */
  version: string;
  /** The repository's package name (`gnulib`). */
  package: string;
}

interface Header {
  format: string;
  packages: string[];
  dirs: string[];
  /** Sorted; rows of names[i] are nameStarts[i] up to nameStarts[i + 1]. */
  names: string[];
  nameStarts: number[];
  /** The first 12 hex digits of each commit, concatenated, and each commit's version. */
  commits: string;
  versions: string[];
  rows: number;
  codes: number;
}

/** The first bytes of a history file; without them, the file is the older brotli-compressed layout. */
const magic = Buffer.from('cuckoo-history\n', 'latin1');

const commitDigits = 12;
/** Bytes of the sha256 prefix kept. */
export const historyShaBytes = 16;
/** Row: package u8, dir u8, commit u32, serial i32 (-1: none), size u32, code u32, blob id 20 bytes, sha256 prefix. */
const rowBytes = 1 + 1 + 4 + 4 + 4 + 4 + 20 + historyShaBytes;

const table = <T>() => {
  const ids = new Map<T, number>();
  return { ids, of: (key: T) => ids.get(key) ?? (ids.set(key, ids.size), ids.size - 1), keys: () => [...ids.keys()] };
};

/** The history file's bytes (built once by the build script, read at every run that asks). */
export function encodeHistory(versions: readonly HistoryVersion[]): Buffer {
  const sorted = [...versions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const packages = table<string>();
  const dirs = table<string>();
  const commits = table<string>();
  const codes = table<string>();
  const versionOf = new Map<string, string>();
  const names: string[] = [];
  const nameStarts: number[] = [];
  const rows = Buffer.alloc(sorted.length * rowBytes);
  sorted.forEach((v, i) => {
    if (names[names.length - 1] !== v.name) {
      names.push(v.name);
      nameStarts.push(i);
    }
    const commit = v.commit.slice(0, commitDigits);
    versionOf.set(commit, v.version);
    let at = i * rowBytes;
    at = rows.writeUInt8(packages.of(v.package), at);
    at = rows.writeUInt8(dirs.of(v.dir), at);
    at = rows.writeUInt32LE(commits.of(commit), at);
    at = rows.writeInt32LE(v.serial ?? -1, at);
    at = rows.writeUInt32LE(v.size, at);
    at = rows.writeUInt32LE(codes.of(v.codeHash), at);
    at += rows.write(v.blobId, at, 20, 'hex');
    rows.write(v.sha256.slice(0, historyShaBytes * 2), at, historyShaBytes, 'hex');
  });
  nameStarts.push(sorted.length);
  if (packages.ids.size > 255 || dirs.ids.size > 255) throw new Error('history: more than 255 packages or folders');
  if (sorted.length > maxKeyedRows) throw new Error(`history: more than ${maxKeyedRows} versions`);
  const header: Header = {
    format: historyFormat,
    packages: packages.keys(),
    dirs: dirs.keys(),
    names,
    nameStarts,
    commits: commits.keys().join(''),
    versions: commits.keys().map((k) => versionOf.get(k)!),
    rows: sorted.length,
    codes: codes.ids.size,
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const codeHashes = Buffer.from(codes.keys().join(''), 'hex');
  return Buffer.concat([magic, length, json, rows, codeHashes]);
}

/**
 * A history file, decompressed: known files by name and by hash, made on
 * demand. Origin `gnulib 20220401` (the commit's date) or `automake 1.16.5`
 * (its tag); path `gnulib.git:m4/xalloc.m4@0123456789ab`, that commit's blob.
 */
export class HistoryIndex {
  private readonly header: Header;
  private readonly rows: Buffer;
  private readonly codeHashes: Buffer;
  private readonly byNameCache = new Map<string, KnownFile[]>();
  /** Rows made into known files so far: the same row is the same object. */
  private readonly made = new Map<number, KnownFile>();
  private readonly hashes: [Float64Array?, Float64Array?] = [];

  constructor(bytes: Buffer, source: string) {
    let raw: Buffer;
    try {
      raw = bytes.subarray(0, magic.length).equals(magic) ? bytes.subarray(magic.length) : brotliDecompressSync(bytes);
      const length = raw.readUInt32LE(0);
      this.header = JSON.parse(raw.toString('utf8', 4, 4 + length)) as Header;
      if (this.header.format !== historyFormat) throw new Error(`format ${String(this.header.format)}, expected ${historyFormat}`);
      const start = 4 + length;
      this.rows = raw.subarray(start, start + this.header.rows * rowBytes);
      this.codeHashes = raw.subarray(start + this.header.rows * rowBytes);
      if (this.rows.length !== this.header.rows * rowBytes || this.codeHashes.length !== this.header.codes * 32) throw new Error('truncated');
      if (this.header.rows > maxKeyedRows) throw new Error(`more than ${maxKeyedRows} versions`);
    } catch (err) {
      throw new Error(`reading knowledge history ${source}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  get size(): number {
    return this.header.rows;
  }

  /** Every version of a file name. */
  byName(name: string): KnownFile[] {
    const cached = this.byNameCache.get(name);
    if (cached) return cached;
    const { names, nameStarts } = this.header;
    let lo = 0;
    let hi = names.length - 1;
    let found: KnownFile[] = [];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = names[mid]!;
      if (n === name) {
        found = [];
        for (let i = nameStarts[mid]!; i < nameStarts[mid + 1]!; i++) found.push(this.file(i, name));
        break;
      }
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    this.byNameCache.set(name, found);
    return found;
  }

  /**
   * Versions with these bytes, by git blob id (sha1) or sha256; a sha256
   * matches on the prefix kept.
   */
  byHash(id: string): KnownFile[] {
    if (!/^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$/.test(id)) return [];
    const sha = id.length === 64;
    const want = Buffer.from(id.slice(0, sha ? historyShaBytes * 2 : 40), 'hex');
    const offset = sha ? 38 : 18;
    const sorted = (this.hashes[sha ? 1 : 0] ??= sortedRowKeys(this.rows, this.header.rows, rowBytes, offset));
    return rowsWithKey(sorted, want)
      .filter((i) => want.equals(this.rows.subarray(i * rowBytes + offset, i * rowBytes + offset + want.length)))
      .map((i) => this.file(i, this.nameOf(i)));
  }

  private nameOf(row: number): string {
    const { names, nameStarts } = this.header;
    let lo = 0;
    let hi = names.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (nameStarts[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return names[lo]!;
  }

  private file(i: number, name: string): KnownFile {
    let file = this.made.get(i);
    if (!file) this.made.set(i, (file = this.row(i, name)));
    return file;
  }

  private row(i: number, name: string): KnownFile {
    const r = this.rows;
    const at = i * rowBytes;
    const pkg = this.header.packages[r.readUInt8(at)]!;
    const dir = this.header.dirs[r.readUInt8(at + 1)]!;
    const commit = r.readUInt32LE(at + 2);
    const serial = r.readInt32LE(at + 6);
    const code = r.readUInt32LE(at + 14);
    return {
      name,
      path: `${pkg}.git:${dir}/${name}@${this.header.commits.substr(commit * commitDigits, commitDigits)}`,
      ...(serial >= 0 ? { serial } : {}),
      codeHash: this.codeHashes.toString('hex', code * 32, code * 32 + 32),
      blobId: r.toString('hex', at + 18, at + 38),
      sha256: r.toString('hex', at + 38, at + 38 + historyShaBytes),
      size: r.readUInt32LE(at + 10),
      origin: { package: pkg, version: this.header.versions[commit]! },
    };
  }
}

/** Reads a history file; an unreadable or damaged one is an error naming its path. */
export function readHistory(path: string): HistoryIndex {
  // One index per process while the file is unchanged: its lookups fill caches
  // (the hash index, the records made) that the next run can use as they are.
  const s = statSync(path, { throwIfNoEntry: false });
  const stamp = s && `${s.size}:${s.mtimeMs}:${s.ino}`;
  const kept = stamp === undefined ? undefined : histories.get(path);
  if (kept && kept.stamp === stamp) return kept.index;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`reading knowledge history ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const index = new HistoryIndex(bytes, path);
  if (stamp !== undefined) histories.set(path, { stamp, index });
  return index;
}

const histories = new Map<string, { stamp: string; index: HistoryIndex }>();
