/**
 * Tar names are bytes. tar-stream is told to read header and GNU long names as
 * latin1, which maps each byte to one character and so loses nothing; they
 * are then decoded like git paths (decodeGitPath), so a name that is not valid
 * UTF-8 compares equal to the same bytes in the tag's tree. Pax `path` and
 * `linkpath` records are UTF-8 by POSIX and tar-stream has already decoded
 * them; they win over the header when present, as they do for tar itself.
 */
import type { Header } from 'tar-stream';
import { decodeGitPath } from '../git/paths.js';

/** tar-stream's option, passed to extract(). */
export const tarNameEncoding = 'latin1';

/** tar-stream sets `pax` on headers that had a pax record; its types omit it. */
type PaxHeader = Header & { pax?: Record<string, string> | null };

export function tarName(header: Header): string {
  const pax = (header as PaxHeader).pax;
  if (typeof pax?.path === 'string') return pax.path;
  return decodeGitPath(Buffer.from(header.name, tarNameEncoding));
}

/** A link's target as the bytes a git symlink blob would hold. */
export function tarLinkBytes(header: Header): Buffer {
  const pax = (header as PaxHeader).pax;
  if (typeof pax?.linkpath === 'string') return Buffer.from(pax.linkpath, 'utf8');
  return Buffer.from(header.linkname ?? '', tarNameEncoding);
}

export function tarLinkName(header: Header): string {
  return decodeGitPath(tarLinkBytes(header));
}
