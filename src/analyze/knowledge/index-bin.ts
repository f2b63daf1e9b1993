/**
 * The shipped index in the form a run reads: `knowledge/index.bin`, written
 * beside `index.json` by the build scripts from the same records. Parsing
 * the 4.7 MB of JSON and filing its 10,000 records by name and hash took
 * some 130 ms of every run; this file is read as it is, and a record becomes
 * a known file only when a lookup returns it.
 *
 * Layout: a magic line; a u32 length and a JSON header (the strings, each
 * name's rows, the JSON's size); a u32 length and the few rare fields by row
 * (JSON, parsed when a row that has them is first made); then one
 * fixed-width row per record, in the JSON's order, which keeps each name's
 * records together. `index.json` stays the readable form and the
 * format of users' libraries (index-file.ts); a run reads the binary form
 * only while the JSON beside it has the size it was made from, and the tests
 * check that the two hold the same records.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { maxKeyedRows, rowsWithKey, sortedRowKeys } from './row-keys.js';
import type { KnownFile, VendorVariant } from './types.js';

export const binaryIndexFormat = 'cuckoo.knowledge-index/v1';
const magic = Buffer.from('cuckoo-index\n', 'latin1');

/** Row: name, path, package, version (u32 each, into the strings), serial i32, size u32, flags u8, then blob id, sha256 blob id, sha256, code hash. */
const rowBytes = 4 * 6 + 1 + 20 + 32 + 32 + 32;
const SERIAL = 1;
const CODE_HASH = 2;
const BLOB_ID_256 = 4;
const RARE = 8;

/** Fields few records have, kept in the header by row. */
interface Rare {
  versionHash?: string;
  stampHash?: string;
  variant?: VendorVariant;
}

interface Header {
  format: string;
  rows: number;
  strings: string[];
  /** Each name, its first row and its number of rows. */
  names: Array<[string, number, number]>;
  /** The size of the index.json this was made from. */
  jsonSize: number;
}

const hexOf = (length: number) => new RegExp(`^[0-9a-f]{${length}}$`);
const hex40 = hexOf(40);
const hex64 = hexOf(64);

/** The binary form of `files`; `jsonSize` is the size of the index.json written beside it from the same records. */
export function encodeIndex(files: readonly KnownFile[], jsonSize: number): Buffer {
  if (files.length > maxKeyedRows) throw new Error(`index: more than ${maxKeyedRows} records`);
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const string = (s: string) => ids.get(s) ?? (ids.set(s, strings.length), strings.push(s) - 1);
  const rows = Buffer.alloc(files.length * rowBytes);
  const rare: Array<[number, Rare]> = [];
  const names: Array<[string, number, number]> = [];
  const seen = new Set<string>();
  const known = new Set(['name', 'path', 'serial', 'codeHash', 'versionHash', 'stampHash', 'blobId', 'blobId256', 'sha256', 'size', 'origin', 'variant']);
  files.forEach((f, i) => {
    const last = names[names.length - 1];
    if (last?.[0] === f.name) last[2]++;
    else if (seen.has(f.name)) throw new Error(`index: the records of ${f.name} are not together`);
    else {
      names.push([f.name, i, 1]);
      seen.add(f.name);
    }
    const odd = Object.keys(f).filter((k) => !known.has(k));
    if (odd.length > 0) throw new Error(`index: ${f.path} has fields the binary form does not keep: ${odd.join(', ')}`);
    if (!hex40.test(f.blobId) || !hex64.test(f.sha256) || (f.blobId256 !== undefined && !hex64.test(f.blobId256)) || (f.codeHash !== undefined && !hex64.test(f.codeHash))) {
      throw new Error(`index: ${f.path} has a hash that is not lowercase hex of its length`);
    }
    if (f.serial !== undefined && (!Number.isInteger(f.serial) || f.serial < -(2 ** 31) || f.serial >= 2 ** 31)) throw new Error(`index: ${f.path} has serial ${f.serial}`);
    if (!Number.isInteger(f.size) || f.size < 0 || f.size >= 2 ** 32) throw new Error(`index: ${f.path} has size ${f.size}`);
    const originKeys = Object.keys(f.origin).join();
    if (originKeys !== 'package,version') throw new Error(`index: ${f.path} has origin fields ${originKeys}`);
    let at = i * rowBytes;
    at = rows.writeUInt32LE(string(f.name), at);
    at = rows.writeUInt32LE(string(f.path), at);
    at = rows.writeUInt32LE(string(f.origin.package), at);
    at = rows.writeUInt32LE(string(f.origin.version), at);
    at = rows.writeInt32LE(f.serial ?? 0, at);
    at = rows.writeUInt32LE(f.size, at);
    const r: Rare = {
      ...(f.versionHash !== undefined ? { versionHash: f.versionHash } : {}),
      ...(f.stampHash !== undefined ? { stampHash: f.stampHash } : {}),
      ...(f.variant !== undefined ? { variant: f.variant } : {}),
    };
    const hasRare = Object.keys(r).length > 0;
    if (hasRare) rare.push([i, r]);
    at = rows.writeUInt8((f.serial !== undefined ? SERIAL : 0) | (f.codeHash !== undefined ? CODE_HASH : 0) | (f.blobId256 !== undefined ? BLOB_ID_256 : 0) | (hasRare ? RARE : 0), at);
    rows.write(f.blobId, at, 20, 'hex');
    if (f.blobId256 !== undefined) rows.write(f.blobId256, at + 20, 32, 'hex');
    rows.write(f.sha256, at + 52, 32, 'hex');
    if (f.codeHash !== undefined) rows.write(f.codeHash, at + 84, 32, 'hex');
  });
  const header: Header = { format: binaryIndexFormat, rows: files.length, strings, names, jsonSize };
  const sized = (value: unknown) => {
    const json = Buffer.from(JSON.stringify(value));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    return [length, json];
  };
  return Buffer.concat([magic, ...sized(header), ...sized(rare), rows]);
}

/** Writes index.json and, beside it, index.bin (`path` ends in `.json`): the build scripts' one way to write the index. */
export function writeIndexFiles(path: string, files: readonly KnownFile[]): void {
  if (!path.endsWith('.json')) throw new Error(`index: ${path} does not end in .json`);
  const json = Buffer.from(`{"format":"cuckoo.knowledge/v1","files":[\n${files.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`);
  writeFileSync(path, json);
  writeFileSync(binaryIndexPath(path), encodeIndex(files, json.length));
}

/** Where the binary form of an index.json is. */
export const binaryIndexPath = (jsonPath: string): string => jsonPath.replace(/\.json$/, '.bin');

/**
 * The binary form beside `jsonPath`, when there is one made from a JSON of
 * that file's size; undefined otherwise (the JSON is read instead). A
 * damaged binary form is an error naming its path.
 */
export function readBinaryIndex(jsonPath: string): BinaryIndex | undefined {
  // Only an index.json can have one (a JSON lines library, `.jsonl`, has none).
  if (!jsonPath.endsWith('.json')) return undefined;
  const path = binaryIndexPath(jsonPath);
  const json = statSync(jsonPath, { throwIfNoEntry: false });
  const bin = statSync(path, { throwIfNoEntry: false });
  if (!json || !bin) return undefined;
  const stamp = `${json.size}:${json.mtimeMs}:${json.ino}:${bin.size}:${bin.mtimeMs}:${bin.ino}`;
  const kept = binaries.get(path);
  if (kept && kept.stamp === stamp) return kept.index;
  let index: BinaryIndex;
  try {
    index = new BinaryIndex(readFileSync(path));
  } catch (err) {
    throw new Error(`reading knowledge index ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (index.jsonSize !== json.size) return undefined;
  binaries.set(path, { stamp, index });
  return index;
}

/** One index per process while its files are unchanged: batch runs and library users verify many releases. */
const binaries = new Map<string, { stamp: string; index: BinaryIndex }>();

/** The records of an index.bin, by name and by hash, made into known files as lookups return them. */
export class BinaryIndex {
  readonly jsonSize: number;
  private readonly strings: string[];
  private readonly rows: Buffer;
  /** The rare fields' JSON, parsed when a row that has some is first made. */
  private rareJson: Buffer | undefined;
  private rare = new Map<number, Rare>();
  private readonly count: number;
  /** Each name's first row and number of rows. */
  private readonly names = new Map<string, [number, number]>();
  private readonly made: Array<KnownFile | undefined>;
  /** Sorted keys by column (row-keys.ts), built on the first lookup of that kind. */
  private readonly keys = new Map<number, Float64Array>();

  constructor(bytes: Buffer) {
    if (!bytes.subarray(0, magic.length).equals(magic)) throw new Error('not a cuckoo index');
    let at = magic.length;
    const section = () => {
      if (at + 4 > bytes.length) throw new Error('truncated');
      const length = bytes.readUInt32LE(at);
      const body = bytes.subarray(at + 4, at + 4 + length);
      if (body.length !== length) throw new Error('truncated');
      at += 4 + length;
      return body;
    };
    const header = JSON.parse(section().toString('utf8')) as Header;
    if (header.format !== binaryIndexFormat) throw new Error(`format ${String(header.format)}, expected ${binaryIndexFormat}`);
    if (!Number.isInteger(header.rows) || header.rows < 0 || header.rows > maxKeyedRows) throw new Error(`${String(header.rows)} rows`);
    this.rareJson = section();
    this.rows = bytes.subarray(at);
    if (this.rows.length !== header.rows * rowBytes) throw new Error('truncated');
    this.count = header.rows;
    this.strings = header.strings;
    this.jsonSize = header.jsonSize;
    this.made = new Array<KnownFile | undefined>(this.count);
    for (const [name, first, count] of header.names) {
      if (!(first >= 0 && count > 0 && first + count <= this.count)) throw new Error(`the rows of ${name} are out of range`);
      this.names.set(name, [first, count]);
    }
  }

  get size(): number {
    return this.count;
  }

  byName(name: string): KnownFile[] {
    const [first, count] = this.names.get(name) ?? [0, 0];
    return Array.from({ length: count }, (_, k) => this.file(first + k));
  }

  /** Records with these bytes: a git blob id (sha1), or a sha256 blob id or sha256 of the bytes, in row order. */
  byHash(id: string): KnownFile[] {
    const lower = id.toLowerCase();
    if (hex40.test(lower)) return this.matching(25, 20, lower).map((i) => this.file(i));
    if (!hex64.test(lower)) return [];
    const rows = new Set([...this.matching(45, 32, lower), ...this.matching(77, 32, lower)]);
    return [...rows].sort((a, b) => a - b).map((i) => this.file(i));
  }

  /** Rows whose column at `offset` (`width` bytes) holds `hex`, in row order. */
  private matching(offset: number, width: number, hex: string): number[] {
    const want = Buffer.from(hex, 'hex');
    let sorted = this.keys.get(offset);
    if (!sorted) this.keys.set(offset, (sorted = sortedRowKeys(this.rows, this.count, rowBytes, offset)));
    return rowsWithKey(sorted, want).filter((i) => {
      const at = i * rowBytes;
      // The sha256 blob id is there only where the record has one.
      if (offset === 45 && !(this.rows[at + 24]! & BLOB_ID_256)) return false;
      return want.equals(this.rows.subarray(at + offset, at + offset + width));
    });
  }

  private string(i: number): string {
    const s = this.strings[i];
    if (s === undefined) throw new Error(`reading knowledge index: string ${i} out of range`);
    return s;
  }

  /** Row i as a known file, with its fields in index.json's order; the same row is the same object. */
  private file(i: number): KnownFile {
    const made = this.made[i];
    if (made) return made;
    const r = this.rows;
    const at = i * rowBytes;
    const flags = r[at + 24]!;
    if (flags & RARE && this.rareJson) {
      this.rare = new Map(JSON.parse(this.rareJson.toString('utf8')) as Array<[number, Rare]>);
      this.rareJson = undefined;
    }
    const rare = this.rare.get(i) ?? {};
    const file: KnownFile = {
      name: this.string(r.readUInt32LE(at)),
      path: this.string(r.readUInt32LE(at + 4)),
      ...(flags & SERIAL ? { serial: r.readInt32LE(at + 16) } : {}),
      ...(flags & CODE_HASH ? { codeHash: r.toString('hex', at + 109, at + 141) } : {}),
      ...(rare.versionHash !== undefined ? { versionHash: rare.versionHash } : {}),
      ...(rare.stampHash !== undefined ? { stampHash: rare.stampHash } : {}),
      blobId: r.toString('hex', at + 25, at + 45),
      ...(flags & BLOB_ID_256 ? { blobId256: r.toString('hex', at + 45, at + 77) } : {}),
      sha256: r.toString('hex', at + 77, at + 109),
      size: r.readUInt32LE(at + 20),
      origin: { package: this.string(r.readUInt32LE(at + 8)), version: this.string(r.readUInt32LE(at + 12)) },
      ...(rare.variant !== undefined ? { variant: rare.variant } : {}),
    };
    this.made[i] = file;
    return file;
  }
}
