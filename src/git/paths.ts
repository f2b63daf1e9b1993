/**
 * Git paths are bytes, not text. cuckoo holds them as strings: valid UTF-8 is
 * decoded as such, and every byte of a sequence that is not valid UTF-8 becomes
 * the lone surrogate U+DC80..U+DCFF (the "surrogateescape" of Python's PEP 383).
 * Valid UTF-8 never decodes to a lone surrogate, so two different byte strings
 * never map to the same string, and encodeGitPath gives the exact bytes back
 * (needed to hand a path to `git check-attr`). A tar or zip reader that decodes
 * entry names with decodeGitPath compares equal byte for byte.
 */
import { isUtf8 } from 'node:buffer';

export function decodeGitPath(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 0 && i + len <= buf.length) {
      const seq = buf.subarray(i, i + len);
      if (isUtf8(seq)) {
        out += seq.toString('utf8');
        i += len;
        continue;
      }
    }
    out += String.fromCharCode(0xdc00 + b);
    i += 1;
  }
  return out;
}

export function encodeGitPath(path: string): Buffer {
  if (!/[\udc80-\udcff]/.test(path)) return Buffer.from(path, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const lone = c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHigh(path.charCodeAt(i - 1)));
    if (lone) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([c - 0xdc00]));
      run = '';
    } else {
      run += path[i];
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
