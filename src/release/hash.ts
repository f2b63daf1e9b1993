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

export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

function blobHeader(size: number): string {
  return `blob ${size}\0`;
}

export interface BlobDigest {
  blobId: string;
  sha256: string;
  /** Bytes actually hashed; differs from the declared size when the archive lies. */
  length: number;
  /** The bytes, when they were kept (declared size within the memory limit); joined on first use. */
  content?: Buffer;
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
 */
export class BlobHasher {
  private readonly blob: Hash;
  private readonly plain = createHash('sha256');
  private parts: Buffer[] | undefined;
  private length = 0;

  constructor(
    readonly declaredSize: number,
    format: ObjectFormat,
    keepUpTo?: number,
  ) {
    this.blob = createHash(format).update(blobHeader(declaredSize));
    if (keepUpTo !== undefined && declaredSize <= keepUpTo) this.parts = [];
  }

  /** Chunks must not be overwritten later by their producer (stream chunks are not). */
  update(chunk: Buffer): void {
    this.blob.update(chunk);
    this.plain.update(chunk);
    this.length += chunk.length;
    if (this.parts === undefined) return;
    if (this.length > this.declaredSize) this.parts = undefined;
    else this.parts.push(chunk);
  }

  /** Bytes hashed so far. */
  get bytes(): number {
    return this.length;
  }

  digest(): BlobDigest {
    const out: BlobDigest = {
      blobId: this.blob.digest('hex'),
      sha256: this.plain.digest('hex'),
      length: this.length,
    };
    const parts = this.parts;
    if (parts !== undefined && this.length === this.declaredSize) {
      // A copy: views of a reader's larger buffers would pin them for as long as the content is kept.
      Object.defineProperty(out, 'content', { enumerable: true, configurable: true, get: () => lazyJoin(out, parts) });
    }
    return out;
  }
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
export function digestBuffer(buf: Buffer, format: ObjectFormat, keepUpTo?: number): BlobDigest {
  const out: BlobDigest = {
    blobId: createHash(format).update(blobHeader(buf.length)).update(buf).digest('hex'),
    sha256: createHash('sha256').update(buf).digest('hex'),
    length: buf.length,
  };
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
  entry.sha256 = digest.sha256;
  if (options.keepContent === undefined || !options.keepContent(entry)) return;
  if (digest.content !== undefined) entry.content = digest.content;
  else entry.contentTooLarge = true;
}

/** How many bytes of each file to keep while hashing: none (undefined) unless the caller may want them. */
export function keepLimit(options: ReadOptions): number | undefined {
  return options.keepContent === undefined ? undefined : options.limits.maxFileMemory;
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
