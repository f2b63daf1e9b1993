import * as crypto from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { CuckooError } from '../errors.js';
import type { ObjectFormat, ReadOptions, ReleaseEntry } from './entry.js';

/**
 * Git blob id of `buf`: the object hash over `"blob <size>\0" + bytes`. For a
 * symlink pass the target's UTF-8 bytes, which is what git stores.
 */
export function gitBlobId(buf: Uint8Array, format: ObjectFormat): string {
  return createHash(format).update(blobHeader(buf.length)).update(buf).digest('hex');
}

/** The sha256 of `data` (a string as UTF-8), in hex: in one call where crypto.hash is there (see oneShot). */
export function sha256Hex(data: Uint8Array | string): string {
  return hexDigest('sha256', data);
}

/** The `algorithm` digest of `data` in hex, in one call where crypto.hash is there (see oneShot). */
export function hexDigest(algorithm: 'sha1' | 'sha256', data: Uint8Array | string): string {
  return oneShot ? oneShot(algorithm, data, 'hex') : createHash(algorithm).update(data).digest('hex');
}

function blobHeader(size: number): string {
  return `blob ${size}\0`;
}

/**
 * crypto.hash (Node 20.12 and later): a digest in one call, with no Hash
 * object left for the garbage collector. Each Hash holds a native digest
 * context until it is finalised; two per file, for 90,000 files, kept some
 * 30 MB of memory waiting at the peak. Undefined on older Node 20.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array | string, encoding: 'hex') => string }).hash;

/** Files up to this size are hashed whole, from a reader's scratch buffer (see HashScratch). */
export const WHOLE_HASH_LIMIT = 1024 * 1024;

/**
 * One archive reader's buffer for hashing small files whole: a file's bytes
 * are copied in behind their blob header and each digest is one call. A
 * reader reads one file at a time, and the buffer serves the next file only
 * after the last one's digest (and content, when kept) has been taken.
 */
export class HashScratch {
  readonly buf = Buffer.allocUnsafeSlow(WHOLE_HASH_LIMIT + 64);
  /** The hasher whose bytes the buffer holds. */
  owner: BlobHasher | undefined;
}

export interface BlobDigest {
  blobId: string;
  /** Left out when the settings' skipSha256 accepted the blob id (see Hashing). */
  sha256?: string;
  /** Bytes actually hashed; differs from the declared size when the archive lies. */
  length: number;
  /** The bytes, when they were kept (declared size within the memory limit); joined on first use. */
  content?: Buffer;
}

/** How an archive reader hashes its files. */
export interface Hashing {
  format: ObjectFormat;
  /** Keep the bytes of files up to this size (see BlobHasher); none when undefined. */
  keepUpTo?: number;
  /** The reader's buffer for hashing files whole (see HashScratch). */
  scratch?: HashScratch;
  /**
   * True for a blob id whose sha256 may be left out of a file hashed whole:
   * the tag has those bytes, so git gives them back for the few such files
   * a report names (see fillSha256), and the rest need no second digest.
   */
  skipSha256?: (blobId: string) => boolean;
}

/**
 * Hashes one entry as it streams: the git blob id and the plain sha256 in one
 * pass. The blob header needs the size up front, which both tar and zip
 * declare before the data; callers compare `length` with it afterwards.
 *
 * With `keepUpTo` set and a declared size within it, the chunks are held by
 * reference, not copied: most files turn out to be in the tag and are never
 * wanted, so copying every one cost a buffer per file for nothing. Only a
 * kept file is joined into a buffer of its own (see finishFile).
 *
 * With a `scratch` buffer, files up to WHOLE_HASH_LIMIT are copied into it
 * and digested whole instead (on Node 20.12 and later), and a kept one is
 * copied out of it.
 */
export class BlobHasher {
  private blob: Hash | undefined;
  private plain: Hash | undefined;
  private parts: Buffer[] | undefined;
  private length = 0;
  /** Set while the bytes go to the scratch buffer, behind a blob header of `headerLength` bytes. */
  private scratch: HashScratch | undefined;
  private headerLength = 0;

  constructor(
    readonly declaredSize: number,
    private readonly hashing: Hashing,
  ) {
    const { scratch, keepUpTo } = hashing;
    if (scratch !== undefined && oneShot !== undefined && declaredSize <= WHOLE_HASH_LIMIT) {
      this.scratch = scratch;
      scratch.owner = this;
      this.headerLength = scratch.buf.write(blobHeader(declaredSize), 0, 'latin1');
      return;
    }
    this.blob = createHash(hashing.format).update(blobHeader(declaredSize));
    this.plain = createHash('sha256');
    if (keepUpTo !== undefined && declaredSize <= keepUpTo) this.parts = [];
  }

  /** Chunks must not be overwritten later by their producer (stream chunks are not). */
  update(chunk: Buffer): void {
    if (this.scratch !== undefined) {
      if (this.length + chunk.length <= this.declaredSize) {
        chunk.copy(this.scratch.buf, this.headerLength + this.length);
        this.length += chunk.length;
        return;
      }
      this.streamFromHere();
    }
    this.blob!.update(chunk);
    this.plain!.update(chunk);
    this.length += chunk.length;
    if (this.parts === undefined) return;
    if (this.length > this.declaredSize) this.parts = undefined;
    else this.parts.push(chunk);
  }

  /** Bytes hashed so far. */
  get bytes(): number {
    return this.length;
  }

  /** More bytes than declared: hash as they stream from here (the content is not kept, see update). */
  private streamFromHere(): void {
    const { buf } = this.scratch!;
    this.blob = createHash(this.hashing.format).update(buf.subarray(0, this.headerLength + this.length));
    this.plain = createHash('sha256').update(buf.subarray(this.headerLength, this.headerLength + this.length));
    this.scratch!.owner = undefined;
    this.scratch = undefined;
  }

  digest(): BlobDigest {
    const scratch = this.scratch;
    if (scratch !== undefined) return this.digestWhole(scratch);
    const out: BlobDigest = {
      blobId: this.blob!.digest('hex'),
      sha256: this.plain!.digest('hex'),
      length: this.length,
    };
    const parts = this.parts;
    if (parts !== undefined && this.length === this.declaredSize) {
      // A copy: views of a reader's larger buffers would pin them for as long as the content is kept.
      Object.defineProperty(out, 'content', { enumerable: true, configurable: true, get: () => lazyJoin(out, parts) });
    }
    return out;
  }

  private digestWhole(scratch: HashScratch): BlobDigest {
    const end = this.headerLength + this.length;
    const data = scratch.buf.subarray(this.headerLength, end);
    const out = wholeDigest(scratch.buf.subarray(0, end), data, this.hashing);
    const { keepUpTo } = this.hashing;
    if (keepUpTo !== undefined && this.declaredSize <= keepUpTo && this.length === this.declaredSize) {
      // Copied only when asked for (finishFile, before the reader starts its next file).
      const copy = () => {
        if (scratch.owner !== this) throw new Error("internal error: a file's content was read after the next file was hashed");
        const content = Buffer.from(data);
        Object.defineProperty(out, 'content', { value: content, enumerable: true, writable: true });
        return content;
      };
      Object.defineProperty(out, 'content', { enumerable: true, configurable: true, get: copy });
    }
    return out;
  }
}

/** The digests of `data`, whole, with `withHeader` the same bytes behind their blob header. */
function wholeDigest(withHeader: Buffer, data: Buffer, hashing: Hashing): BlobDigest {
  const blobId = oneShot!(hashing.format, withHeader, 'hex');
  const out: BlobDigest = { blobId, length: data.length };
  if (hashing.skipSha256 === undefined || !hashing.skipSha256(blobId)) out.sha256 = oneShot!('sha256', data, 'hex');
  return out;
}

function lazyJoin(out: BlobDigest, parts: Buffer[]): Buffer {
  const content = Buffer.concat(parts);
  Object.defineProperty(out, 'content', { value: content, enumerable: true, writable: true });
  return content;
}

/**
 * The digest of bytes already whole in memory (a member inflated in one
 * call): kept as they are, without BlobHasher's copy, unless they are a small
 * view of a much larger allocation that keeping would pin.
 */
export function digestBuffer(buf: Buffer, hashing: Hashing): BlobDigest {
  const { scratch, keepUpTo } = hashing;
  let out: BlobDigest;
  if (scratch !== undefined && oneShot !== undefined && buf.length <= WHOLE_HASH_LIMIT) {
    // The blob header and the bytes must be one buffer for a one-call digest.
    const headerLength = scratch.buf.write(blobHeader(buf.length), 0, 'latin1');
    buf.copy(scratch.buf, headerLength);
    scratch.owner = undefined;
    out = wholeDigest(scratch.buf.subarray(0, headerLength + buf.length), buf, hashing);
  } else {
    out = {
      blobId: createHash(hashing.format).update(blobHeader(buf.length)).update(buf).digest('hex'),
      sha256: createHash('sha256').update(buf).digest('hex'),
      length: buf.length,
    };
  }
  if (keepUpTo !== undefined && buf.length <= keepUpTo) out.content = buf.buffer.byteLength > 2 * buf.length + 4096 ? Buffer.from(buf) : buf;
  return out;
}

/**
 * Fills in a file's hashes and, when the caller wants them, its bytes: the
 * callback sees the entry with its hashes, and only then is content attached
 * (or `contentTooLarge` set when the file was past the memory limit).
 */
export function finishFile(entry: ReleaseEntry, digest: BlobDigest, options: ReadOptions): void {
  entry.blobId = digest.blobId;
  if (digest.sha256 !== undefined) entry.sha256 = digest.sha256;
  if (options.keepContent === undefined || !options.keepContent(entry)) return;
  if (digest.content !== undefined) entry.content = digest.content;
  else entry.contentTooLarge = true;
}

/** How a reader hashes files for `options`: keeping bytes only when the caller may want them, and its own scratch buffer. */
export function readerHashing(options: ReadOptions): Hashing {
  return {
    format: options.objectFormat,
    ...(options.keepContent !== undefined ? { keepUpTo: options.limits.maxFileMemory } : {}),
    scratch: new HashScratch(),
    ...(options.skipSha256 !== undefined ? { skipSha256: options.skipSha256 } : {}),
  };
}

/**
 * Gives release entries the sha256 their read left out (see Hashing), from
 * the bytes git has for their blob id.
 */
export async function fillSha256(entries: Iterable<ReleaseEntry>, blob: (oid: string) => Promise<Buffer>): Promise<void> {
  for (const entry of entries) {
    if (entry.sha256 === undefined && entry.blobId !== undefined && entry.type === 'file') entry.sha256 = sha256Hex(await blob(entry.blobId));
  }
}

/** Passes bytes through unchanged while hashing them: the archive's own sha256, in the same read. */
export class HashingPassThrough extends Transform {
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** sha256 of a whole file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  } catch (err) {
    throw new CuckooError('input', `${path}: cannot read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return hash.digest('hex');
}
