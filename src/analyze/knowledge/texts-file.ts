/**
 * The texts of the genuine files the shipped knowledge knows: every macro and
 * aux script of index.json and of the m4 history, so a look-alike is diffed
 * against its nearest genuine version on any machine, whatever the machine has
 * installed (`--no-host-knowledge` included). These are the GNU tools' own
 * files, shipped for exactly that purpose.
 *
 * Layout: a u32 length, a brotli-compressed JSON header, then chunks. A chunk
 * is the texts of one file name, oldest first, brotli-compressed together
 * with brotli's largest window (successive versions differ in a few lines, so
 * 30,000 versions of gnulib's macros take about 1.5 MB), cut at 16 MB of text
 * (the window) so that one diff never decompresses more: 500 versions of
 * texinfo.tex, 150 MB of text, are ten chunks and 1.2 MB. The header lists each chunk's name, place, and its texts
 * by the first 8 hex digits of their git blob id and their size; a text read
 * back is checked against the full blob id of the known file that asked.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { packageRoot } from '../../package-root.js';

export const textsFormat = 'cuckoo.knowledge-texts/v1';

/** Shipped next to index.json, built by scripts/build-knowledge.mjs. */
export const shippedTextsPath: string = join(packageRoot, 'knowledge', 'texts.bin');

export interface GenuineText {
  name: string;
  blobId: string;
  bytes: Buffer;
}

interface Chunk {
  name: string;
  at: number;
  length: number;
  /** 8 hex digits of each text's blob id, concatenated. */
  ids: string;
  sizes: number[];
}

interface Header {
  format: string;
  chunks: Chunk[];
}

const idDigits = 8;
const chunkText = 16 * 1024 * 1024;
/** Decompressed chunks kept between texts asked. */
const keptText = 2 * chunkText;

/** The git blob id (sha1) of bytes. */
const blobIdOf = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/**
 * The texts file's bytes. Texts keep the order given within a name (the build
 * script gives oldest first, so each compresses against its predecessor);
 * the same name and blob twice is stored once.
 */
export function encodeTexts(texts: Iterable<GenuineText>, options: { quality?: number } = {}): Buffer {
  const byName = new Map<string, GenuineText[]>();
  const seen = new Set<string>();
  for (const t of texts) {
    const key = `${t.name}\0${t.blobId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byName.get(t.name);
    if (list) list.push(t);
    else byName.set(t.name, [t]);
  }
  const chunks: Chunk[] = [];
  const bodies: Buffer[] = [];
  let at = 0;
  const flush = (name: string, group: GenuineText[]) => {
    const raw = Buffer.concat(group.map((t) => t.bytes));
    const body = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: options.quality ?? 9,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    chunks.push({ name, at, length: body.length, ids: group.map((t) => t.blobId.slice(0, idDigits)).join(''), sizes: group.map((t) => t.bytes.length) });
    bodies.push(body);
    at += body.length;
  };
  for (const name of [...byName.keys()].sort()) {
    let group: GenuineText[] = [];
    let size = 0;
    for (const t of byName.get(name)!) {
      if (group.length > 0 && size + t.bytes.length > chunkText) {
        flush(name, group);
        group = [];
        size = 0;
      }
      group.push(t);
      size += t.bytes.length;
    }
    if (group.length > 0) flush(name, group);
  }
  const header = brotliCompressSync(Buffer.from(JSON.stringify({ format: textsFormat, chunks } satisfies Header)));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, ...bodies]);
}

/**
 * A texts file, its header read on the first text asked; each chunk read
 * from the file and decompressed when needed (a diff needs the chunks of one
 * name, not the 5 MB file), the last few kept.
 */
export class TextStore {
  private chunksByName: Map<string, Chunk[]> | undefined;
  private base = 0;
  private readonly recent = new Map<Chunk, Buffer>();

  constructor(private readonly path: string) {}

  /** The genuine bytes of a file name and blob id, or undefined when the store does not hold them. */
  text(name: string, blobId: string): Buffer | undefined {
    const chunks = this.load().get(name) ?? [];
    const prefix = blobId.slice(0, idDigits).toLowerCase();
    for (const chunk of chunks) {
      let offset = 0;
      for (let k = 0; k < chunk.sizes.length; k++) {
        const size = chunk.sizes[k]!;
        if (chunk.ids.startsWith(prefix, k * idDigits)) {
          const bytes = this.chunk(chunk).subarray(offset, offset + size);
          // The prefix only finds it: the full id proves it.
          if (blobIdOf(bytes) === blobId.toLowerCase()) return Buffer.from(bytes);
        }
        offset += size;
      }
    }
    return undefined;
  }

  /** Every text the store holds for a file name, oldest first. */
  textsNamed(name: string): Buffer[] {
    const out: Buffer[] = [];
    for (const chunk of this.load().get(name) ?? []) {
      const raw = this.chunk(chunk);
      let offset = 0;
      for (const size of chunk.sizes) {
        out.push(Buffer.from(raw.subarray(offset, offset + size)));
        offset += size;
      }
    }
    return out;
  }

  /** `length` bytes of the file from `at`; a file that ends before them is damaged. */
  private read(at: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    const fd = openSync(this.path, 'r');
    try {
      let got = 0;
      while (got < length) {
        const n = readSync(fd, bytes, got, length - got, at + got);
        if (n === 0) throw new Error(`the file ends at byte ${at + got}, before the ${length} bytes from ${at} it names`);
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    return bytes;
  }

  private load(): Map<string, Chunk[]> {
    if (this.chunksByName) return this.chunksByName;
    try {
      const length = this.read(0, 4).readUInt32LE(0);
      const header = JSON.parse(brotliDecompressSync(this.read(4, length)).toString('utf8')) as Header;
      if (header.format !== textsFormat) throw new Error(`format ${String(header.format)}, expected ${textsFormat}`);
      this.base = 4 + length;
      const map = new Map<string, Chunk[]>();
      for (const chunk of header.chunks) {
        const list = map.get(chunk.name);
        if (list) list.push(chunk);
        else map.set(chunk.name, [chunk]);
      }
      this.chunksByName = map;
    } catch (err) {
      throw new Error(`reading knowledge texts ${this.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.chunksByName;
  }

  private chunk(chunk: Chunk): Buffer {
    let raw = this.recent.get(chunk);
    if (!raw) {
      try {
        raw = brotliDecompressSync(this.read(this.base + chunk.at, chunk.length));
      } catch (err) {
        throw new Error(`reading knowledge texts ${this.path}: the texts of ${chunk.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
      // The nearest version is looked for among every version of a name (a few chunks at
      // most); keep what that takes, not every chunk a run ever read.
      let kept = raw.length;
      for (const r of this.recent.values()) kept += r.length;
      for (const [old, r] of this.recent) {
        if (kept <= keptText) break;
        this.recent.delete(old);
        kept -= r.length;
      }
      this.recent.set(chunk, raw);
    }
    return raw;
  }
}
