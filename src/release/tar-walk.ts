import { Transform, type TransformCallback } from 'node:stream';
import type { CuckooError } from '../errors.js';
import { tarHeaderInfo, type PaxRecords, type TarHeaderInfo } from './tar-header.js';

const BLOCK = 512;
/** tar-stream refuses longer pax and GNU long-name records, and so do we. */
const MAX_LONG_HEADER = 4 * 1024 * 1024;

export interface TarWalkOptions {
  /** Checks the first block (or fewer bytes, for short data); returns the error to fail with. */
  checkFirstBlock(block: Buffer): CuckooError | undefined;
  /**
   * Fails once data that is no entry passes this many bytes: extended and
   * long-name headers, empty blocks, anything after the end. Entry headers
   * and padding are bounded by the entry limit instead.
   */
  maxOverheadBytes: number;
  overLimit(): CuckooError;
}

type State = 'header' | 'skip' | 'long' | 'end';

/**
 * Walks the block layout of a tar stream just ahead of tar-stream and cuts the
 * stream at the end-of-archive marker.
 *
 * GNU tar and libarchive stop at the first all-zero header block; tar-stream
 * skips zero blocks and would read on, then fail on any trailing bytes. So the
 * walker forwards everything up to that block, swallows the rest (still
 * reading it, so decoders finish and their errors surface), and counts it.
 * Its layout rules mirror tar-stream's (pax `size` only from a local extended
 * header merged over the global one; no data after directory headers, as GNU
 * tar also skips none; data after a file header whose name ends in `/`) so
 * both agree on where every header is, and a header it cannot lay out (a size
 * that is not a number, a long-name record over 4 MiB) fails the read: tar
 * and tar-stream would each go their own way from there. It also picks
 * the `comment` from pax global headers (`git archive` writes the commit id
 * there), and queues what each entry's headers say (`headers`), which
 * tar-stream does not keep: the raw pax bytes and the header fields that pax
 * and GNU records override.
 */
export class TarWalk extends Transform {
  /** `comment` of the last pax global header. */
  comment: string | undefined;
  /** Bytes after the end-of-archive block, and whether any of them is not zero. */
  trailingBytes = 0;
  trailingNonZero = false;
  /** The name in the first entry header found in those bytes (see `countTrailing`). */
  hiddenEntry: string | undefined;
  /** A trailing block split across chunks. */
  private readonly trailingBlock = Buffer.alloc(BLOCK);
  private trailingFill = 0;
  /** True once the end-of-archive block was seen. */
  sawEnd = false;
  /** One item per entry header walked and not yet taken by the reader, in order. */
  readonly headers: TarHeaderInfo[] = [];

  private state: State = 'header';
  private remaining = 0;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private long: Buffer[] = [];
  private longType = 0;
  private localPax: PaxRecords | undefined;
  private globalPax: PaxRecords | undefined;
  private gnuLongPath: Buffer | undefined;
  private gnuLongLink: Buffer | undefined;
  private firstChecked = false;
  private overhead = 0;

  constructor(private readonly options: TarWalkOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.walk(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.firstChecked) {
      const err = this.options.checkFirstBlock(this.header.subarray(0, this.headerFill));
      if (err) return callback(err);
    }
    // A partial header at the end: tar-stream reports the truncation.
    if (this.state === 'header' && this.headerFill > 0) this.push(Buffer.from(this.header.subarray(0, this.headerFill)));
    callback();
  }

  private walk(chunk: Buffer): void {
    let i = 0;
    // Start of the bytes of this chunk not yet forwarded (or held back).
    let from = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'end':
          this.countTrailing(chunk.subarray(i));
          i = from = chunk.length;
          break;
        case 'skip': {
          const take = Math.min(this.remaining, chunk.length - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = 'header';
          break;
        }
        case 'long': {
          const take = Math.min(this.remaining, chunk.length - i);
          this.long.push(Buffer.from(chunk.subarray(i, i + take)));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.endLongHeader();
          break;
        }
        case 'header': {
          if (this.headerFill === 0 && chunk.length - i >= BLOCK) {
            // The usual case: the whole block is in this chunk.
            if (this.onHeader(chunk.subarray(i, i + BLOCK))) {
              this.pushRange(chunk, from, i);
              from = i + BLOCK;
            }
            i += BLOCK;
            break;
          }
          // A block split across chunks: hold its bytes back until it is whole,
          // so nothing of the end-of-archive block reaches tar-stream.
          this.pushRange(chunk, from, i);
          const take = Math.min(BLOCK - this.headerFill, chunk.length - i);
          chunk.copy(this.header, this.headerFill, i, i + take);
          this.headerFill += take;
          i = from = i + take;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            const block = Buffer.from(this.header);
            if (!this.onHeader(block)) this.push(block);
          }
          break;
        }
      }
    }
    this.pushRange(chunk, from, chunk.length);
  }

  private pushRange(chunk: Buffer, from: number, to: number): void {
    if (to > from) this.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
  }

  /** Reads one header block and sets what follows it; true at the end-of-archive block. */
  private onHeader(block: Buffer): boolean {
    if (!this.firstChecked) {
      this.firstChecked = true;
      const err = this.options.checkFirstBlock(block);
      if (err) throw err;
    }
    if (isZero(block)) {
      this.sawEnd = true;
      this.state = 'end';
      return true;
    }
    // tar-stream treats a block whose checksum is the blank value as empty and reads on.
    if (blankHeader(block)) {
      this.addOverhead(BLOCK);
      return false;
    }
    const typeflag = block[156];
    const size = decodeNumber(block, 124, 12);
    if (!(size >= 0)) throw new Error('Invalid header');
    switch (typeflag) {
      case 0x78: // 'x' pax extended header
      case 0x67: // 'g' pax global header
      case 0x4c: // 'L' GNU long name
      case 0x4b: // 'K' GNU long link
      case 0x4e: // 'N' old GNU long name
        if (size > MAX_LONG_HEADER) throw new Error('Header exceeds max size');
        this.addOverhead(BLOCK);
        this.longType = typeflag;
        this.expect('long', size);
        if (size === 0) this.endLongHeader();
        return false;
    }
    const pax = this.localPax === undefined ? undefined : { ...this.globalPax, ...this.localPax };
    const dataSize = pax?.size?.length ? parseInt(pax.size.toString('utf8'), 10) : size;
    if (!(dataSize >= 0)) throw new Error('Invalid header');
    this.headers.push(tarHeaderInfo({ block, size, dataSize, pax, gnuLongPath: this.gnuLongPath, gnuLongLink: this.gnuLongLink }));
    this.localPax = this.gnuLongPath = this.gnuLongLink = undefined;
    // tar-stream decides the type before it turns a file whose name ends in
    // `/` into a directory, so it reads that entry's data (tarHeaderInfo
    // flags such data: extractors differ on it).
    this.expect('skip', typeflag === 0x35 ? 0 : padded(dataSize));
    return false;
  }

  private endLongHeader(): void {
    const data = Buffer.concat(this.long);
    this.long = [];
    this.addOverhead(padded(data.length));
    if (this.longType === 0x4b) {
      this.gnuLongLink = untilNul(data);
    } else if (this.longType === 0x4c || this.longType === 0x4e) {
      this.gnuLongPath = untilNul(data);
    } else {
      const records = decodePax(data);
      if (this.longType === 0x67) {
        this.globalPax = records;
        if (records.comment !== undefined) this.comment = records.comment.toString('utf8');
      } else {
        this.localPax = records;
      }
    }
    this.expect('skip', padded(data.length) - data.length);
  }

  private expect(state: 'skip' | 'long', bytes: number): void {
    this.state = bytes === 0 ? 'header' : state;
    this.remaining = bytes;
  }

  /**
   * Counts the bytes after the end-of-archive block (all of them count
   * towards the overhead limit) and looks at every block among them for an
   * entry header: `tar --ignore-zeros` skips zero blocks and garbage alike
   * and unpacks any header it finds (its checksum summed over unsigned or
   * signed bytes), as do readers that skip zero blocks; GNU tar, bsdtar and
   * cuckoo stop before them.
   */
  private countTrailing(bytes: Buffer): void {
    const start = this.trailingBytes;
    this.trailingBytes += bytes.length;
    this.addOverhead(bytes.length);
    if (this.hiddenEntry !== undefined) return;
    if (!this.trailingNonZero) {
      if (isZero(bytes)) return;
      // Zero bytes so far: the block this chunk starts in began with zeros.
      this.trailingNonZero = true;
      this.trailingFill = start % BLOCK;
      this.trailingBlock.fill(0, 0, this.trailingFill);
    }
    let i = 0;
    if (this.trailingFill > 0) {
      const take = Math.min(BLOCK - this.trailingFill, bytes.length);
      bytes.copy(this.trailingBlock, this.trailingFill, 0, take);
      this.trailingFill += take;
      i = take;
      if (this.trailingFill < BLOCK) return;
      this.trailingFill = 0;
      this.lookForHeader(this.trailingBlock);
    }
    for (; i + BLOCK <= bytes.length; i += BLOCK) this.lookForHeader(bytes.subarray(i, i + BLOCK));
    if (i < bytes.length) {
      bytes.copy(this.trailingBlock, 0, i);
      this.trailingFill = bytes.length - i;
    }
  }

  private lookForHeader(block: Buffer): void {
    if (this.hiddenEntry !== undefined || isZero(block)) return;
    const stored = decodeNumber(block, 148, 8);
    if (stored !== checksum(block) && stored !== checksum(block, true)) return;
    const nul = block.subarray(0, 100).indexOf(0);
    this.hiddenEntry = block.toString('latin1', 0, nul === -1 ? 100 : nul);
  }

  private addOverhead(bytes: number): void {
    this.overhead += bytes;
    if (this.overhead > this.options.maxOverheadBytes) throw this.options.overLimit();
  }
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Whether the block's checksum is the blank value (8 spaces): every byte but
 * the checksum field's is zero, as bytes add up to more otherwise. A header
 * has a name, so this is decided at its first byte, where summing all 512
 * took a few milliseconds per thousand entries.
 */
function blankHeader(block: Uint8Array): boolean {
  for (let i = 0; i < 148; i++) if (block[i] !== 0) return false;
  for (let i = 156; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** The header checksum, the checksum field counted as spaces; `signed`: bytes read as signed chars, as old tars summed them. */
function checksum(block: Uint8Array, signed = false): number {
  let sum = 8 * 32;
  const add = (b: number) => (sum += signed && b > 127 ? b - 256 : b);
  for (let i = 0; i < 148; i++) add(block[i]);
  for (let i = 156; i < BLOCK; i++) add(block[i]);
  return sum;
}

/** A numeric header field as tar-stream reads it: octal text, or base-256 when the high bit is set. */
function decodeNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (field[0] & 0x80) {
    const positive = field[0] === 0x80;
    if (!positive && field[0] !== 0xff) return NaN;
    let sum = 0;
    for (let i = 1; i < field.length; i++) sum = sum * 256 + (positive ? field[i] : 0xff - field[i]);
    return positive ? sum : -sum;
  }
  let start = 0;
  while (start < field.length && field[start] === 0x20) start++;
  let end = field.indexOf(0x20, start);
  if (end === -1) end = field.length;
  while (start < end && field[start] === 0) start++;
  if (end === start) return 0;
  return parseInt(field.toString('latin1', start, end), 8);
}

/** A GNU long name: tar-stream (like GNU tar) reads it up to the first NUL. */
function untilNul(data: Buffer): Buffer {
  const nul = data.indexOf(0);
  return nul === -1 ? data : data.subarray(0, nul);
}

/**
 * Pax records (`"<len> <key>=<value>\n"`), split the way tar-stream does, but
 * values kept as bytes: tar-stream decodes them as UTF-8, which loses the
 * bytes of a `hdrcharset=BINARY` path.
 */
function decodePax(buf: Buffer): PaxRecords {
  const result: PaxRecords = Object.create(null) as PaxRecords;
  while (buf.length > 0) {
    let i = 0;
    while (i < buf.length && buf[i] !== 0x20) i++;
    const len = parseInt(buf.toString('utf8', 0, i), 10);
    if (!len) return result;
    const record = buf.subarray(i + 1, Math.max(i + 1, len - 1));
    const eq = record.indexOf(0x3d);
    if (eq === -1) return result;
    result[record.toString('utf8', 0, eq)] = Buffer.from(record.subarray(eq + 1));
    buf = buf.subarray(len);
  }
  return result;
}
