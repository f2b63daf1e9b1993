import type { Compression } from './entry.js';

/**
 * What the first bytes of a file say it is. Releases are recognised by
 * content only: a `.tar.gz` name on an HTML error page must not fool us.
 */
export type Detected =
  | { kind: 'compressed'; compression: Exclude<Compression, 'none'> }
  | { kind: 'zip' }
  | { kind: 'tar' }
  | { kind: 'unknown'; description: string };

/** Bytes to read before calling `detectFormat` (one tar header block). */
export const detectBytes = 512;

export const supportedFormatsHint =
  'supported formats: tar, tar.gz, tar.xz, tar.bz2, tar.zst and zip, recognised by their content, not their name';

interface Signature {
  offset: number;
  bytes: number[];
}

const sig = (bytes: number[] | string, offset = 0): Signature => ({
  offset,
  bytes: typeof bytes === 'string' ? [...Buffer.from(bytes, 'latin1')] : bytes,
});

const compressions: Array<[Exclude<Compression, 'none'>, Signature]> = [
  // RFC 1952: ID1 ID2 and CM=8 (deflate, the only method defined).
  ['gzip', sig([0x1f, 0x8b, 0x08])],
  ['xz', sig([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['zstd', sig([0x28, 0xb5, 0x2f, 0xfd])],
];

/**
 * Formats we recognise only to name them in an error: a downloaded error
 * page or the wrong asset is the common way to get here.
 */
const known: Array<[string, Signature]> = [
  ['PDF document', sig('%PDF-')],
  ['HTML document', sig('<!DOCTYPE html')],
  ['HTML document', sig('<!doctype html')],
  ['HTML document', sig('<html')],
  ['XML document', sig('<?xml')],
  ['PNG image', sig([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['JPEG image', sig([0xff, 0xd8, 0xff])],
  ['GIF image', sig('GIF8')],
  ['ELF executable', sig([0x7f, 0x45, 0x4c, 0x46])],
  ['7-zip archive', sig([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
  ['RAR archive', sig('Rar!\x1a\x07')],
  ['lzip-compressed data', sig('LZIP')],
  ['lz4-compressed data', sig([0x04, 0x22, 0x4d, 0x18])],
  ['compress (.Z) data', sig([0x1f, 0x9d])],
  ['lzma-compressed data', sig([0x5d, 0x00, 0x00])],
  ['Debian package (ar archive)', sig('!<arch>\ndebian')],
  ['ar archive', sig('!<arch>\n')],
  ['RPM package', sig([0xed, 0xab, 0xee, 0xdb])],
  ['git bundle', sig('# v2 git bundle\n')],
  ['git bundle', sig('# v3 git bundle\n')],
  ['OpenPGP signature', sig('-----BEGIN PGP SIGNATURE-----')],
  ['cpio archive', sig('070701')],
  ['cpio archive', sig('070707')],
  ['ISO 9660 image', sig('CD001', 0x8001)],
];

function matches(head: Uint8Array, s: Signature): boolean {
  if (head.length < s.offset + s.bytes.length) return false;
  for (let i = 0; i < s.bytes.length; i++) if (head[s.offset + i] !== s.bytes[i]) return false;
  return true;
}

/** Classify a file by its first bytes (pass at least `detectBytes` of them when the file has them). */
export function detectFormat(head: Uint8Array): Detected {
  for (const [compression, s] of compressions) if (matches(head, s)) return { kind: 'compressed', compression };
  // A zstd skippable frame (magic 0x184D2A50 to 0x184D2A5F) opens pzstd's output, before the first frame.
  if (head.length >= 4 && (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) {
    return { kind: 'compressed', compression: 'zstd' };
  }
  // "BZh" then the block size digit 1-9 (bzip2's own check).
  if (matches(head, sig('BZh')) && head.length > 3 && head[3] >= 0x31 && head[3] <= 0x39) {
    return { kind: 'compressed', compression: 'bzip2' };
  }
  // Local file header, or the end record alone: an empty zip.
  if (matches(head, sig('PK\x03\x04')) || matches(head, sig('PK\x05\x06'))) return { kind: 'zip' };
  if (looksLikeTar(head)) return { kind: 'tar' };
  return { kind: 'unknown', description: describeData(head) };
}

/**
 * A tar stream starts with a header block: ustar/GNU magic at 257, or (old v7
 * tars have no magic) a header whose checksum adds up. An all-zero first block
 * is an empty archive.
 */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  if (matches(head, sig('ustar', 257))) return true;
  let zero = true;
  for (let i = 0; i < 512; i++) {
    if (head[i] !== 0) {
      zero = false;
      break;
    }
  }
  if (zero) return true;
  return head[0] !== 0 && checksumMatches(head);
}

/** POSIX checksum (bytes summed with the checksum field as spaces); old tars summed signed chars. */
function checksumMatches(block: Uint8Array): boolean {
  const field = Buffer.from(block.subarray(148, 156)).toString('latin1');
  const stored = parseInt(field.replace(/[\0 ]+$/, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** A short human description of data that is not a release archive. */
export function describeData(head: Uint8Array): string {
  if (head.length === 0) return 'empty file';
  for (const [name, s] of known) if (matches(head, s)) return name;
  const text = Buffer.from(head.subarray(0, 512));
  if (isText(text)) {
    const start = text.toString('utf8').trimStart().toLowerCase();
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'HTML document';
    if (start.startsWith('{') || start.startsWith('[')) return 'JSON or other text';
    return 'text';
  }
  const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `unknown data ${hex}`;
}

function isText(buf: Buffer): boolean {
  for (const b of buf) {
    // Control characters other than tab, newline, form feed, carriage return.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false;
    if (b === 0x7f) return false;
  }
  // Latin-1 or UTF-8 text; binary formats almost always have a control byte in 512.
  return true;
}
