/**
 * What one tar entry's headers say, field by field, and whether extractors
 * would disagree about it.
 *
 * A name can be stored three times: in the ustar header, in a GNU long-name
 * record ('L'/'K') and in a pax record (`path`, `linkpath`, `size`). tar-stream,
 * GNU tar and libarchive let pax win over GNU and GNU over the header; an
 * extractor that ignores pax (or GNU) records unpacks the header's name, size
 * or target instead. When a long name does not fit the header, writers put a
 * stand-in there (git archive `<blob id>.data`, GNU tar and Python the first
 * 100 bytes, libarchive a shortened name), which is expected. When it would
 * have fitted, no writer has a reason to store something else: the entry is
 * extractor-dependent.
 */
import { decodeGitPath } from '../git/paths.js';

/** Pax records as the bytes they hold (a `hdrcharset=BINARY` path is not UTF-8). */
export type PaxRecords = Record<string, Buffer>;

export interface TarHeaderInfo {
  /** The name tar-stream gives this entry (pax path as UTF-8, else header bytes as latin1), to pair the two readers. */
  streamName: string;
  /** pax `path` and `linkpath` as bytes, when present and not empty. */
  paxPath?: Buffer;
  paxLinkpath?: Buffer;
  /** Why extractors would unpack this entry differently. */
  ambiguity?: string;
}

export interface RawHeader {
  block: Buffer;
  /** The header's size field, decoded. */
  size: number;
  /** The bytes of data that follow: the pax size when there is one, else `size`. */
  dataSize: number;
  /** Local pax records merged over the global ones, as tar-stream applies them. */
  pax: PaxRecords | undefined;
  gnuLongPath: Buffer | undefined;
  gnuLongLink: Buffer | undefined;
}

const NAME_FIELD = 100;
/** The largest size 11 octal digits hold; larger files need a pax `size`. */
const MAX_OCTAL_SIZE = 0o77777777777;

export function tarHeaderInfo(h: RawHeader): TarHeaderInfo {
  const ustarName = headerName(h.block);
  const ustarLink = field(h.block, 157, NAME_FIELD);
  const paxPath = nonEmpty(h.pax?.path);
  const paxLinkpath = nonEmpty(h.pax?.linkpath);
  const problems = [
    ...disagreement('name', paxPath, h.gnuLongPath, ustarName),
    ...disagreement('link target', paxLinkpath, h.gnuLongLink, ustarLink),
    ...sizeDisagreement(h.pax?.size, h.size),
  ];
  // tar-stream ignores an empty GNU long name, as it does an empty pax path.
  const name = paxPath ?? nonEmpty(h.gnuLongPath) ?? ustarName;
  // Python's tarfile makes a typeflag NUL header a directory by its own name before a pax path
  // replaces it; for typeflag '0' every extractor goes by the long name, where there is one
  // (GNU tar cuts a long name at a `/` to fill the header's field: shadow 4.17.4).
  problems.push(...dataAfterSlash(h, h.block[156] === 0 || name === ustarName ? [ustarName, name] : [name]));
  const streamName = paxPath ? paxPath.toString('utf8') : name.toString('latin1');
  return {
    streamName,
    ...(paxPath ? { paxPath } : {}),
    ...(paxLinkpath ? { paxLinkpath } : {}),
    ...(problems.length > 0 ? { ambiguity: problems.join('; ') } : {}),
  };
}

/** The header's name: the ustar prefix joined to the name field (POSIX ustar magic only, as tar-stream reads it). */
function headerName(block: Buffer): Buffer {
  const name = field(block, 0, NAME_FIELD);
  const ustar = block.toString('latin1', 257, 263) === 'ustar\0';
  if (!ustar || block[345] === 0) return name;
  return Buffer.concat([field(block, 345, 155), Buffer.from('/'), name]);
}

function field(block: Buffer, offset: number, length: number): Buffer {
  const bytes = block.subarray(offset, offset + length);
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

function nonEmpty(value: Buffer | undefined): Buffer | undefined {
  return value !== undefined && value.length > 0 ? value : undefined;
}

function disagreement(what: string, pax: Buffer | undefined, gnu: Buffer | undefined, header: Buffer): string[] {
  const problems: string[] = [];
  if (gnu !== undefined && gnu.length === 0) {
    if (!pax && header.length > 0) problems.push(`the GNU long ${what} is empty but the header says ${show(header)}: GNU tar substitutes "." for it, others unpack the header's`);
    gnu = undefined;
  }
  if (pax && gnu && !sameName(pax, gnu)) {
    problems.push(`the pax ${what} is ${show(pax)} but the GNU long ${what} is ${show(gnu)}: extractors that ignore pax records unpack the second`);
  }
  const long = pax ?? gnu;
  if (long && !standIn(long, header)) {
    const record = pax ? `pax ${what}` : `GNU long ${what}`;
    problems.push(`the ${record} is ${show(long)} but the header says ${show(header)}: extractors that ignore ${pax ? 'pax' : 'GNU'} records unpack the second`);
  }
  return problems;
}

/** Whether `header` is an acceptable header value beside the long one. */
function standIn(long: Buffer, header: Buffer): boolean {
  if (header.length === 0 || sameName(long, header)) return true;
  // Only a name that fits the field would have been stored there as it is.
  return !(long.length <= NAME_FIELD && long.every((b) => b >= 0x20 && b < 0x7f));
}

/** Equal apart from a trailing `/` (directories are marked either way). */
function sameName(a: Buffer, b: Buffer): boolean {
  const trim = (x: Buffer) => (x.length > 1 && x[x.length - 1] === 0x2f ? x.subarray(0, -1) : x);
  return trim(a).equals(trim(b));
}

function sizeDisagreement(paxSize: Buffer | undefined, headerSize: number): string[] {
  if (paxSize === undefined || paxSize.length === 0) return [];
  const size = parseInt(paxSize.toString('utf8'), 10);
  if (size === headerSize || size > MAX_OCTAL_SIZE) return [];
  return [`the pax size is ${paxSize.toString('utf8')} but the header says ${headerSize}: extractors that ignore pax records read other data, and other entries after it`];
}

/**
 * A plain file header whose name ends in `/`: old tars wrote directories that
 * way. With data behind it, GNU tar and tar-stream skip the data, Python's
 * tarfile (for typeflag NUL) makes it a directory and reads the data as the
 * next header. `names`: those an extractor may go by.
 */
function dataAfterSlash(h: RawHeader, names: Buffer[]): string[] {
  const typeflag = h.block[156];
  if ((typeflag !== 0 && typeflag !== 0x30) || !(h.dataSize > 0)) return [];
  if (!names.some((n) => n.length > 0 && n[n.length - 1] === 0x2f)) return [];
  return [`a file header whose name ends in "/" (the old way to store a directory) carries ${h.dataSize} bytes of data: some extractors make it a directory and read that data as further entries, others skip it`];
}

function show(bytes: Buffer): string {
  return JSON.stringify(decodeGitPath(bytes));
}
