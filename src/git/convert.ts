/**
 * The bytes `git archive` writes for a regular file, given its attributes.
 * Same order as git (convert.c convert_to_working_tree_ca_internal, then
 * archive.c format_subst): ident, end of lines, working-tree-encoding, the
 * filter driver (never run: a driver is the archiver's local program), and
 * last export-subst.
 */
import { isUtf8 } from 'node:buffer';
import { CuckooError } from '../errors.js';
import { expandSubst } from './subst.js';
import type { ArchiveAttributes, RepoHandle } from './types.js';

export interface ConvertContext {
  repo: RepoHandle;
  /** The commit being archived (for export-subst). */
  commit: string;
  /** The blob id of `content` (for ident). */
  oid: string;
}

export async function convertForArchive(content: Buffer, attrs: ArchiveAttributes, ctx: ConvertContext): Promise<Buffer> {
  let out = content;
  if (attrs.ident) out = expandIdent(out, ctx.oid);
  if (attrs.eol === 'crlf') out = lfToCrlf(out, attrs.eolAuto === true);
  if (attrs.workingTreeEncoding) out = encodeWorkingTree(out, attrs.workingTreeEncoding);
  if (attrs.exportSubst) out = await expandSubst(out, ctx.repo, ctx.commit);
  return out;
}

/**
 * `$Id$` and `$Id: anything without spaces or newline $` become
 * `$Id: <blob id> $` (convert.c ident_to_worktree).
 */
export function expandIdent(src: Buffer, oid: string): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  let pos = 0;
  let changed = false;
  for (;;) {
    const dollar = src.indexOf(0x24, pos);
    if (dollar < 0) break;
    pos = dollar + 1;
    if (src.length - pos < 3 || src[pos] !== 0x49 /* I */ || src[pos + 1] !== 0x64 /* d */) continue;
    let after: number;
    if (src[pos + 2] === 0x24) {
      after = pos + 3;
    } else if (src[pos + 2] === 0x3a /* : */) {
      const close = src.indexOf(0x24, pos + 3);
      if (close < 0) break;
      if (src.subarray(pos + 3, close).includes(0x0a)) continue;
      // A space before the closing " $" is another VCS's keyword: keep it.
      const space = src.subarray(pos + 4, close).indexOf(0x20);
      if (space >= 0 && pos + 4 + space < close - 1) continue;
      after = close + 1;
    } else {
      continue;
    }
    parts.push(src.subarray(from, pos), Buffer.from(`Id: ${oid} $`));
    from = pos = after;
    changed = true;
  }
  if (!changed) return src;
  parts.push(src.subarray(from));
  return Buffer.concat(parts);
}

/** convert.c gather_stats. */
export function gatherStats(buf: Buffer) {
  const s = { nul: 0, lonecr: 0, lonelf: 0, crlf: 0, printable: 0, nonprintable: 0 };
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 0x0d) {
      if (buf[i + 1] === 0x0a) {
        s.crlf++;
        i++;
      } else s.lonecr++;
    } else if (c === 0x0a) s.lonelf++;
    else if (c === 127) s.nonprintable++;
    else if (c < 32) {
      // BS, HT, ESC and FF count as printable.
      if (c === 8 || c === 9 || c === 27 || c === 12) s.printable++;
      else {
        if (c === 0) s.nul++;
        s.nonprintable++;
      }
    } else s.printable++;
  }
  // A trailing ^Z (DOS end of file) is not held against the text.
  if (buf.length > 0 && buf[buf.length - 1] === 0x1a) s.nonprintable--;
  return s;
}

/** convert.c convert_is_binary: lone CR, NUL, or more than 1/128 non-printable bytes. */
export function looksBinary(s: ReturnType<typeof gatherStats>): boolean {
  return s.lonecr > 0 || s.nul > 0 || s.printable >> 7 < s.nonprintable;
}

/**
 * convert.c crlf_to_worktree: every LF not already preceded by CR gets one.
 * Under text=auto nothing changes when the content has any CR or looks binary.
 */
export function lfToCrlf(src: Buffer, auto: boolean): Buffer {
  if (src.length === 0) return src;
  const s = gatherStats(src);
  if (s.lonelf === 0) return src;
  if (auto && (s.lonecr > 0 || s.crlf > 0 || looksBinary(s))) return src;
  const out = Buffer.allocUnsafe(src.length + s.lonelf);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x0a && (i === 0 || src[i - 1] !== 0x0d)) out[o++] = 0x0d;
    out[o++] = c;
  }
  return out;
}

/**
 * UTF-8 blob → working-tree-encoding, for the encodings Node can write.
 * Plain `UTF-16` / `UTF-32` follow glibc's iconv: a BOM, then little-endian.
 * Content that is not UTF-8, or empty, is left as is (git reports an error and
 * writes the blob unchanged).
 */
export function encodeWorkingTree(src: Buffer, encoding: string): Buffer {
  if (src.length === 0 || !isUtf8(src)) return src;
  const text = src.toString('utf8');
  const name = encoding.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const le16 = () => Buffer.from(text, 'utf16le');
  const bom = (bytes: number[], body: Buffer) => Buffer.concat([Buffer.from(bytes), body]);
  switch (name) {
    case 'UTF16LE': return le16();
    case 'UTF16BE': return le16().swap16();
    case 'UTF16': case 'UTF16LEBOM': return bom([0xff, 0xfe], le16());
    case 'UTF16BEBOM': return bom([0xfe, 0xff], le16().swap16());
    case 'UTF32LE': return utf32(text);
    case 'UTF32BE': return utf32(text).swap32();
    case 'UTF32': return bom([0xff, 0xfe, 0, 0], utf32(text));
    case 'ISO88591': case 'LATIN1':
      return [...text].every((ch) => ch.codePointAt(0)! < 256) ? Buffer.from(text, 'latin1') : src;
    default:
      throw new CuckooError('git', `working-tree-encoding=${encoding} cannot be reproduced`, {
        hint: 'cuckoo converts to UTF-16, UTF-32 and ISO-8859-1 only',
      });
  }
}

function utf32(text: string): Buffer {
  const points = [...text].map((ch) => ch.codePointAt(0)!);
  const out = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => out.writeUInt32LE(p, i * 4));
  return out;
}
