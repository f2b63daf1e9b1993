/**
 * The texts of the genuine files the shipped knowledge knows: every macro and
 * aux script of index.json and of the m4 history, so a look-alike is diffed
 * against its nearest genuine version on any machine, whatever the machine has
 * installed (`--no-host-knowledge` included). These are the GNU tools' own
 * files, shipped for exactly that purpose.
 *
 * Layout: a u32 length, a brotli-compressed JSON header, then chunks. A chunk
 * is the texts of one file name, oldest first, brotli-compressed together
 * (successive versions differ in a few lines, so 30,000 versions of gnulib's
 * macros take about 1.5 MB), cut at 16 MB of text so that one diff never
 * decompresses more: 500 versions of texinfo.tex, 150 MB of text, are ten
 * chunks and 1.2 MB. The window is 4 MB, ten times the largest text (each
 * text compresses against those just before it): the shipped texts take 1%
 * more than with brotli's largest window of 16 MB, and decompressing a chunk
 * needs a quarter of the memory. The header lists each chunk's name, place,
 * and its texts by the first 8 hex digits of their git blob id and their
 * size; a text read back is checked against the full blob id of the known
 * file that asked.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, createBrotliDecompress } from 'node:zlib';
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
/** Brotli's window: 4 MB. */
const windowBits = 22;
/** Decompressed chunks kept between texts asked. */
const keptText = 2 * chunkText;
/** The pieces a chunk is decompressed in. */
const piece = 256 * 1024;

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
        [constants.BROTLI_PARAM_LGWIN]: windowBits,
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
 * A texts file, its header read on the first text asked. A chunk is
 * decompressed from its start only as far as the texts asked of it need, and
 * that much is kept (the last few chunks, up to 32 MB): a run mostly asks one
 * or two texts of a name (the upstream files a distribution's copy is made
 * from), and a chunk is up to 16 MB of text. A text past what is kept
 * decompresses the chunk again from its start, at least twice as far as
 * before, so a search that reads many texts of a name (the nearest version)
 * decompresses each chunk at most about three times over.
 * Decompression runs on Node's thread pool, off the calling thread.
 */
export class TextStore {
  private chunksByName: Map<string, Chunk[]> | undefined;
  private base = 0;
  /** Per chunk, its text from the start as far as decompressed; the most recently used last. */
  private readonly kept = new Map<Chunk, Buffer>();
  private readonly running = new Map<Chunk, Promise<Buffer>>();
  private decompressed = 0;

  constructor(private readonly path: string) {}

  /** Bytes of text decompressed so far: the work the texts asked have cost. */
  get decompressedBytes(): number {
    return this.decompressed;
  }

  /** The genuine bytes of a file name and blob id, or undefined when the store does not hold them. */
  async text(name: string, blobId: string): Promise<Buffer | undefined> {
    const chunks = this.load().get(name) ?? [];
    const prefix = blobId.slice(0, idDigits).toLowerCase();
    for (const chunk of chunks) {
      let offset = 0;
      for (let k = 0; k < chunk.sizes.length; k++) {
        const size = chunk.sizes[k]!;
        if (chunk.ids.startsWith(prefix, k * idDigits)) {
          const bytes = await this.slice(chunk, offset, offset + size);
          // The prefix only finds it: the full id proves it.
          if (blobIdOf(bytes) === blobId.toLowerCase()) return bytes;
        }
        offset += size;
      }
    }
    return undefined;
  }

  /** Every text the store holds for a file name, oldest first. */
  async textsNamed(name: string): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const chunk of this.load().get(name) ?? []) {
      // The whole chunk at once, not as far as each text in turn.
      const whole = await this.slice(chunk, 0, chunk.sizes.reduce((a, b) => a + b, 0));
      let offset = 0;
      for (const size of chunk.sizes) {
        out.push(whole.subarray(offset, offset + size));
        offset += size;
      }
    }
    return out;
  }

  /** Bytes `from` to `to` of a chunk's text, a copy. */
  private async slice(chunk: Chunk, from: number, to: number): Promise<Buffer> {
    for (;;) {
      const have = this.kept.get(chunk);
      if (have && have.length >= to) {
        this.kept.delete(chunk);
        this.kept.set(chunk, have);
        return Buffer.from(have.subarray(from, to));
      }
      const pending = this.running.get(chunk);
      if (pending) {
        await pending;
        continue;
      }
      const total = chunk.sizes.reduce((a, b) => a + b, 0);
      const task = this.decompress(chunk, Math.min(total, Math.max(to, 2 * (have?.length ?? 0))));
      this.running.set(chunk, task);
      try {
        this.keep(chunk, await task);
      } finally {
        this.running.delete(chunk);
      }
    }
  }

  /** Keeps a chunk's text, letting the least recently used go past the limit. */
  private keep(chunk: Chunk, text: Buffer): void {
    this.kept.delete(chunk);
    let size = text.length;
    for (const t of this.kept.values()) size += t.length;
    for (const [old, t] of this.kept) {
      if (size <= keptText) break;
      this.kept.delete(old);
      size -= t.length;
    }
    this.kept.set(chunk, text);
  }

  /** A chunk's text from its start to `to`. */
  private decompress(chunk: Chunk, to: number): Promise<Buffer> {
    let input: Buffer;
    try {
      input = this.read(this.base + chunk.at, chunk.length);
    } catch (err) {
      return Promise.reject(this.failed(chunk, err));
    }
    return new Promise((resolve, reject) => {
      const out = Buffer.allocUnsafe(to);
      let at = 0;
      const inflate = createBrotliDecompress({ chunkSize: piece });
      inflate.on('data', (bytes: Buffer) => {
        this.decompressed += bytes.length;
        if (at < to) bytes.copy(out, at, 0, Math.min(bytes.length, to - at));
        at += bytes.length;
        if (at >= to) {
          inflate.destroy();
          resolve(out);
        }
      });
      inflate.on('end', () => (at >= to ? resolve(out) : reject(this.failed(chunk, new Error(`its text ends at byte ${at}, before the ${to} bytes the header names`)))));
      inflate.on('error', (err) => reject(this.failed(chunk, err)));
      inflate.end(input);
    });
  }

  private failed(chunk: Chunk, err: unknown): Error {
    return new Error(`reading knowledge texts ${this.path}: the texts of ${chunk.name}: ${err instanceof Error ? err.message : String(err)}`);
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
}
