/**
 * Tar names are bytes. tar-stream is told to read header and GNU long names as
 * latin1, which maps each byte to one character and so loses nothing; they
 * are then decoded like git paths (decodeGitPath), so a name that is not valid
 * UTF-8 compares equal to the same bytes in the tag's tree. Pax `path` and
 * `linkpath` records are UTF-8 by POSIX (or any bytes with
 * `hdrcharset=BINARY`), so their bytes are decoded the same way; they win over
 * the header when present and not empty, as they do for tar-stream and tar.
 */
import type { Header } from 'tar-stream';
import { decodeGitPath } from '../git/paths.js';
import type { TarHeaderInfo } from './tar-header.js';

/** tar-stream's option, passed to extract(). */
export const tarNameEncoding = 'latin1';

/** tar-stream sets `pax` on headers that had a pax record; its types omit it. */
type PaxHeader = Header & { pax?: Record<string, string> | null };

/** The entry's name; `raw` (from the walker) has the pax bytes tar-stream decoded lossily. */
export function tarName(header: Header, raw?: TarHeaderInfo): string {
  if (raw?.paxPath) return decodeGitPath(raw.paxPath);
  const pax = (header as PaxHeader).pax;
  if (pax?.path) return pax.path;
  // An ASCII name (nearly all of them) is its own decoding: no bytes to make and read back.
  if (!beyondAscii.test(header.name)) return header.name;
  return decodeGitPath(Buffer.from(header.name, tarNameEncoding));
}

const beyondAscii = /[^\0-\x7f]/;

/** A link's target as the bytes a git symlink blob would hold. */
export function tarLinkBytes(header: Header, raw?: TarHeaderInfo): Buffer {
  if (raw?.paxLinkpath) return raw.paxLinkpath;
  const pax = (header as PaxHeader).pax;
  if (pax?.linkpath) return Buffer.from(pax.linkpath, 'utf8');
  return Buffer.from(header.linkname ?? '', tarNameEncoding);
}

export function tarLinkName(header: Header, raw?: TarHeaderInfo): string {
  return decodeGitPath(tarLinkBytes(header, raw));
}
