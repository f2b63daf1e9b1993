import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 1024 * 1024;

interface Block {
  index: number;
  buf: Buffer;
}

/**
 * Positional reads of one file in 1 MiB blocks, reading the next block ahead
 * while the current one is processed: a zip's members are read front to back,
 * so this is one sequential pass even though each member is located through
 * the central directory. Returned buffers are views of a block and stay valid
 * (blocks are never reused).
 */
export class BlockReader {
  private current: Block | undefined;
  private ahead: Promise<Block> | undefined;
  private aheadIndex = -1;

  /** Blocks hashed into `hash` so far: they are hashed as they are first read in order. */
  private hashed = 0;

  /** With `hash`, the file's bytes are hashed as a side effect of reading it front to back. */
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly hash?: Hash,
  ) {}

  /** Bytes `pos` to `pos + length`; throws a RangeError past the end of the file. */
  async bytes(pos: number, length: number): Promise<Buffer> {
    if (pos < 0 || pos + length > this.size) throw new RangeError(`bytes ${pos}-${pos + length} are past the end of the file`);
    const first = await this.block(Math.floor(pos / BLOCK));
    const offset = pos - first.index * BLOCK;
    if (offset + length <= first.buf.length) return first.buf.subarray(offset, offset + length);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    for await (const chunk of this.range(pos, pos + length)) {
      chunk.copy(out, done);
      done += chunk.length;
    }
    return out;
  }

  /** Bytes `start` to `end` as block-sized views, in order. */
  async *range(start: number, end: number): AsyncGenerator<Buffer> {
    if (start < 0 || end > this.size) throw new RangeError(`bytes ${start}-${end} are past the end of the file`);
    let pos = start;
    while (pos < end) {
      const block = await this.block(Math.floor(pos / BLOCK));
      const offset = pos - block.index * BLOCK;
      const length = Math.min(block.buf.length - offset, end - pos);
      yield block.buf.subarray(offset, offset + length);
      pos += length;
    }
  }

  private async block(index: number): Promise<Block> {
    if (this.current?.index === index) return this.current;
    const next = this.aheadIndex === index && this.ahead !== undefined ? this.ahead : this.load(index);
    this.ahead = undefined;
    this.aheadIndex = -1;
    this.current = await next;
    if ((index + 1) * BLOCK < this.size) {
      this.aheadIndex = index + 1;
      this.ahead = this.load(index + 1);
      // A failed read-ahead surfaces when (and only if) that block is asked for.
      this.ahead.catch(() => {});
    }
    return this.current;
  }

  private async load(index: number): Promise<Block> {
    const length = Math.min(BLOCK, this.size - index * BLOCK);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buf, done, length - done, index * BLOCK + done);
      if (bytesRead === 0) throw new RangeError('the file ended early (was it truncated while being read?)');
      done += bytesRead;
    }
    if (this.hash !== undefined && index === this.hashed) {
      this.hash.update(buf);
      this.hashed++;
    }
    return { index, buf };
  }

  /** Reads and hashes whatever the members did not cover (the central directory, mostly). */
  async hashRest(): Promise<void> {
    const blocks = Math.ceil(this.size / BLOCK);
    await this.settle();
    // No read is in flight now, so each load below is the next block in order and hashes.
    while (this.hashed < blocks) await this.load(this.hashed);
  }

  /** Waits for a read-ahead still in flight, so the handle can be closed. */
  async settle(): Promise<void> {
    await this.ahead?.catch(() => {});
  }
}
