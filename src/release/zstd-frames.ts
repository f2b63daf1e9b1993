/**
 * zstd through fzstd, one frame at a time, each frame checked as the system
 * `zstd -d` checks it: fzstd decodes blocks but skips the content checksum
 * that closes a frame, so a flipped byte inside a stored block would come out
 * as a release file nobody sent. The frames are walked here (RFC 8878, 3.1:
 * a header, blocks each behind a 3-byte header, then the checksum when the
 * header says so), each handed to a fresh decoder, and what a frame decodes
 * to is hashed (XXH64, xxh64.ts) and counted against the checksum and the
 * content size its header gives. Skippable frames are passed over, as zstd
 * does; anything else between frames is refused, as zstd refuses it.
 */
import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';
import type * as Fzstd from 'fzstd';
import { corruptData, windowTooLarge } from './corrupt.js';
import { Xxh64 } from './xxh64.js';

const requireCjs = createRequire(import.meta.url);
// Loaded when a decoder is made, not at start-up: most machines have the system tool.
const fzstd = () => requireCjs('fzstd') as typeof Fzstd;

const frameMagic = 0xfd2fb528;
/** Skippable frames' magic numbers are 0x184D2A50 to 0x184D2A5F. */
const skippableMagic = 0x184d2a50;
/** The largest window `zstd -d` accepts without --memory (window log 27): fzstd would allocate whatever a header asks. */
const maxWindow = 128 * 1024 * 1024;
/** Blocks hold at most 128 KiB, decoded (RFC 8878, 3.1.1.2.4). */
const maxBlock = 128 * 1024;

type State = 'magic' | 'header' | 'skippable' | 'block-header' | 'block' | 'checksum' | 'skip';

interface Frame {
  number: number;
  /** The largest block the frame may hold: its window, up to 128 KiB (RFC 8878, Block_Maximum_Size). */
  maxBlock: number;
  decoder: Fzstd.Decompress;
  hash: Xxh64 | undefined;
  contentSize: number | undefined;
  produced: number;
  lastBlock: boolean;
}

const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** A message for the input's fault, as opposed to a fault of this code. */
class FrameError extends Error {}

/** A frame whose window zstd would refuse: its own error, not corrupt data. */
class WindowError extends Error {
  constructor(readonly frame: number, readonly window: number) {
    super(`frame ${frame} asks for a ${window}-byte window`);
  }
}

export class ZstdJsStream extends Transform {
  private state: State = 'magic';
  /** The bytes of a header (at most 18) gathered so far, and how many the state needs. */
  private readonly held = new Uint8Array(18);
  private heldLength = 0;
  private want = 4;
  /** Bytes of block data, or of a skippable frame, still to come. */
  private remaining = 0;
  /** Input bytes read so far: where a fault is. */
  private offset = 0;
  private frames = 0;
  private frame: Frame | undefined;

  constructor(private readonly source: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.walk(chunk);
      callback();
    } catch (err) {
      callback(this.failure(err));
    }
  }

  override _flush(callback: TransformCallback): void {
    // An empty input decodes to nothing, as before: the tar reader names that.
    if (this.state === 'magic' && this.heldLength === 0) callback();
    else callback(this.failure(new FrameError('unexpected end of input')));
  }

  private failure(err: unknown): Error {
    if (err instanceof WindowError) return windowTooLarge(this.source, `frame ${err.frame}`, err.window, maxWindow);
    const detail = err instanceof Error ? err.message : String(err);
    return corruptData(this.source, 'zstd', err instanceof FrameError ? detail : `frame ${this.frame?.number ?? this.frames}: ${detail}`, err);
  }

  private walk(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'block' || this.state === 'skip') {
        const n = Math.min(this.remaining, chunk.length - at);
        if (this.state === 'block') this.frame!.decoder.push(chunk.subarray(at, at + n));
        at += n;
        this.offset += n;
        this.remaining -= n;
        if (this.remaining === 0) this.afterData();
        continue;
      }
      const n = Math.min(this.want - this.heldLength, chunk.length - at);
      this.held.set(chunk.subarray(at, at + n), this.heldLength);
      this.heldLength += n;
      at += n;
      this.offset += n;
      if (this.heldLength === this.want) this.step();
    }
  }

  /** The held bytes are what the state wanted: act on them. */
  private step(): void {
    const held = this.held.subarray(0, this.heldLength);
    switch (this.state) {
      case 'magic': {
        const magic = u32(held, 0);
        if (magic === frameMagic) {
          // The magic number and the frame header descriptor tell the header's length.
          this.state = 'header';
          this.want = 5;
        } else if ((magic & 0xfffffff0) >>> 0 === skippableMagic) {
          this.state = 'skippable';
          this.want = 8;
        } else {
          throw new FrameError(`no zstd frame at byte ${this.offset - 4} (${this.frames} frame${this.frames === 1 ? '' : 's'} before it)`);
        }
        return;
      }
      case 'header': {
        const descriptor = held[4]!;
        const single = (descriptor >> 5) & 1;
        const fcsBytes = [single, 2, 4, 8][descriptor >> 6]!;
        const length = 5 + (single ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]! + fcsBytes;
        if (this.heldLength < length) {
          this.want = length;
          return;
        }
        this.startFrame(held, descriptor, fcsBytes);
        return;
      }
      case 'skippable':
        this.remaining = u32(held, 4);
        this.clear(this.remaining > 0 ? 'skip' : 'magic', 4);
        return;
      case 'block-header': {
        const frame = this.frame!;
        const header = held[0]! | (held[1]! << 8) | (held[2]! << 16);
        const type = (header >> 1) & 3;
        if (type === 3) throw new Error('a block of the reserved type');
        frame.lastBlock = (header & 1) === 1;
        // fzstd would gather a block of any size the header gives (up to 2 MiB) before it decodes it.
        if (header >>> 3 > frame.maxBlock) throw new FrameError(`frame ${frame.number}: a block of ${header >>> 3} bytes, more than the ${frame.maxBlock} its frame allows`);
        frame.decoder.push(held.slice());
        // An RLE block's size is what it decodes to; one byte of it follows.
        this.remaining = type === 1 ? 1 : header >>> 3;
        this.clear('block', 0);
        if (this.remaining === 0) this.afterData();
        return;
      }
      case 'checksum': {
        const stored = u32(held, 0);
        // fzstd skips the checksum itself.
        this.frame!.decoder.push(held.slice());
        this.endFrame(stored);
        return;
      }
      default:
        throw new Error(`no header is read in state ${this.state}`);
    }
  }

  private startFrame(header: Uint8Array, descriptor: number, fcsBytes: number): void {
    const number = ++this.frames;
    if (descriptor & 0x08) throw new FrameError(`frame ${number}: its header sets the reserved bit`);
    const single = (descriptor >> 5) & 1;
    const fcsAt = header.length - fcsBytes;
    let contentSize: number | undefined;
    if (fcsBytes === 1) contentSize = header[fcsAt]!;
    else if (fcsBytes === 2) contentSize = (header[fcsAt]! | (header[fcsAt + 1]! << 8)) + 256;
    else if (fcsBytes === 4) contentSize = u32(header, fcsAt);
    else if (fcsBytes === 8) contentSize = u32(header, fcsAt) + u32(header, fcsAt + 4) * 0x100000000;
    // A single-segment frame's window is its content.
    let window = contentSize ?? 0;
    if (!single) {
      const exponent = header[5]! >> 3;
      const base = 2 ** (10 + exponent);
      window = base + (base / 8) * (header[5]! & 7);
    }
    if (window > maxWindow) throw new WindowError(number, window);
    const frame: Frame = {
      number,
      maxBlock: Math.min(window, maxBlock),
      decoder: new (fzstd().Decompress)((data) => {
        if (data.length === 0) return;
        frame.produced += data.length;
        frame.hash?.update(data);
        this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      }),
      hash: descriptor & 0x04 ? new Xxh64() : undefined,
      contentSize,
      produced: 0,
      lastBlock: false,
    };
    this.frame = frame;
    frame.decoder.push(header.slice());
    this.clear('block-header', 3);
  }

  /** A block's data (or a skippable frame's) is all read. */
  private afterData(): void {
    if (this.state === 'skip') {
      this.clear('magic', 4);
      return;
    }
    const frame = this.frame!;
    if (!frame.lastBlock) this.clear('block-header', 3);
    else if (frame.hash) this.clear('checksum', 4);
    else this.endFrame(undefined);
  }

  private endFrame(stored: number | undefined): void {
    const frame = this.frame!;
    frame.decoder.push(new Uint8Array(0), true);
    if (frame.contentSize !== undefined && frame.produced !== frame.contentSize) {
      throw new FrameError(`frame ${frame.number} decodes to ${frame.produced} bytes, its header says ${frame.contentSize}`);
    }
    if (stored !== undefined) {
      const actual = frame.hash!.low32();
      if (actual !== stored) {
        const hex = (n: number) => n.toString(16).padStart(8, '0');
        throw new FrameError(`frame ${frame.number} does not match its checksum (stored ${hex(stored)}, content ${hex(actual)})`);
      }
    }
    this.frame = undefined;
    this.clear('magic', 4);
  }

  private clear(state: State, want: number): void {
    this.state = state;
    this.heldLength = 0;
    this.want = want;
  }
}
