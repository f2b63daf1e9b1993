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
  /** The bytes, when they were kept (declared size within the memory limit). */
  content?: Buffer;
}

/**
 * Hashes one entry as it streams: the git blob id and the plain sha256 in one
 * pass. The blob header needs the size up front, which both tar and zip
 * declare before the data; callers compare `length` with it afterwards.
 *
 * With `keepUpTo` set and a declared size within it, the bytes are also copied
 * into one buffer allocated once (no per-chunk arrays, no concat).
 */
export class BlobHasher {
  private readonly blob: Hash;
  private readonly plain = createHash('sha256');
  private readonly kept: Buffer | undefined;
  private length = 0;

  constructor(
    readonly declaredSize: number,
    format: ObjectFormat,
    keepUpTo?: number,
  ) {
    this.blob = createHash(format).update(blobHeader(declaredSize));
    this.kept = keepUpTo !== undefined && declaredSize <= keepUpTo ? Buffer.allocUnsafe(declaredSize) : undefined;
  }

  update(chunk: Uint8Array): void {
    this.blob.update(chunk);
    this.plain.update(chunk);
    if (this.kept !== undefined && this.length < this.kept.length) {
      this.kept.set(chunk.subarray(0, this.kept.length - this.length), this.length);
    }
    this.length += chunk.length;
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
    if (this.kept !== undefined && this.length === this.kept.length) out.content = this.kept;
    return out;
  }
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
