/**
 * Downloads one pinned GNU release tarball and checks it against the pinned
 * sha256 before anything reads it. The check is the whole trust: the mirror
 * may be any host, and plain http only when allowed (as every cuckoo download).
 * A file with other bytes is deleted at once, so it can never be unpacked by
 * mistake, or taken for the release by a later run.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CuckooError } from '../errors.js';
import { Download } from '../release/download.js';
import type { HttpOptions } from '../release/http-get.js';
import type { GnuRelease } from './gnu-releases.js';
import { gnuReleasesFile } from './gnu-releases.js';

export const defaultGnuMirror = 'https://ftp.gnu.org/gnu';

/** A GNU release tarball is a few MB; anything far bigger is not the file asked for. */
const defaultMaxBytes = 256 * 1024 ** 2;

/** `<mirror>/<tool>/<file>`, the layout of ftp.gnu.org and all its mirrors. */
export function gnuTarballUrl(mirror: string, release: GnuRelease): string {
  return `${mirror.replace(/\/+$/, '')}/${release.tool}/${release.file}`;
}

/** Downloads `release` into `dir` (which must exist); resolves to the file's path once its sha256 is the pinned one. */
export async function fetchGnuTarball(release: GnuRelease, dir: string, mirror: string, http: HttpOptions = {}): Promise<{ path: string; url: string }> {
  const url = gnuTarballUrl(mirror, release);
  const path = join(dir, release.file);
  const download = new Download(url, path, { ...http, maxBytes: http.maxBytes ?? defaultMaxBytes });
  const { sha256 } = await download.done;
  if (sha256 !== release.sha256) {
    await rm(path, { force: true });
    throw new CuckooError('network', `${url}: sha256 ${sha256} is not the pinned ${release.sha256} of ${release.file}; the download was deleted`, {
      hint: `the mirror served other bytes than GNU's release; try another --gnu-mirror. The pinned sha256 are in ${gnuReleasesFile}`,
    });
  }
  return { path, url };
}
