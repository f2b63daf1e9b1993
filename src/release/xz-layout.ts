import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Stream footer: CRC32, backward size, stream flags, then the magic `YZ`. */
const footerSize = 12;
/** Stream padding past the last footer that is looked through (the format allows any multiple of 4). */
const paddingLimit = 4096;
/** Index indicator, number of records, and the first record's two sizes: at most 1 + 3 × 9 bytes. */
const indexHead = 28;

/**
 * How many blocks an .xz file holds, read from the index its stream ends
 * with (The .xz File Format 1.1.0, sections 2.1.2 and 4), without decoding
 * anything: the footer gives the index's size, the index its number of
 * records, one per block. Undefined when the file's end is not a footer and
 * an index, or when the file holds more than one stream. A hint for how the
 * decoder is run (tool-stream.ts), never a check of the file: the decoder
 * reads it all and refuses what is wrong.
 */
export function xzBlockCount(path: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return blockCount(fd, fstatSync(fd).size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function blockCount(fd: number, size: number): number | undefined {
  const tailSize = Math.min(size, footerSize + paddingLimit);
  const tail = Buffer.alloc(tailSize);
  if (readSync(fd, tail, 0, tailSize, size - tailSize) !== tailSize) return undefined;
  let end = tailSize;
  while (end >= 4 && tail.readUInt32LE(end - 4) === 0) end -= 4;
  if (end < footerSize || tail[end - 2] !== 0x59 || tail[end - 1] !== 0x5a) return undefined;
  const indexSize = (tail.readUInt32LE(end - 8) + 1) * 4;
  const footerStart = size - tailSize + end - footerSize;
  const indexStart = footerStart - indexSize;
  if (indexStart < footerSize) return undefined;
  const head = Buffer.alloc(Math.min(indexHead, indexSize));
  if (readSync(fd, head, 0, head.length, indexStart) !== head.length || head[0] !== 0) return undefined;
  const count = varint(head, 1);
  if (count === undefined) return undefined;
  if (count.value !== 1) return count.value;
  // One record: the stream is the whole file only if its one block ends where the index starts.
  const unpadded = varint(head, count.next);
  if (unpadded === undefined) return undefined;
  const blockEnd = footerSize + Math.ceil(unpadded.value / 4) * 4;
  return blockEnd === indexStart ? 1 : undefined;
}

/** A multibyte integer (7 bits a byte, low bits first): its value and the offset after it. */
function varint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 9 && at + i < buf.length; i++) {
    const byte = buf[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? { value, next: at + i + 1 } : undefined;
  }
  return undefined;
}
