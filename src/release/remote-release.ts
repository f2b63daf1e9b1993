/**
 * A release given by URL: downloaded into `<cache>/downloads`, or reused from
 * there. An entry is keyed by the URL and records the sha256 it had when it
 * was complete; it is reused only when the file still has that sha256 (and the
 * one --sha256 asks for), so a damaged or half-written file is never trusted.
 * Downloads go to a temporary name and become an entry by rename only once
 * they are complete; a failed one is removed. Several cuckoo runs may share
 * the cache: the entry's lock is held while a run checks it (and pins the
 * bytes it checked with a hard link of its own) and while a run replaces it,
 * never during the download itself.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheWriteError, withCacheLock } from '../cache.js';
import { Download, type Progress } from './download.js';
import type { HttpOptions } from './http-get.js';
import type { GrowingSource } from './entry.js';

export interface RemoteReleaseOptions extends HttpOptions {
  cacheDir: string;
  maxBytes: number;
  /** --sha256: a cached copy must have it. */
  expectedSha256?: string;
  onProgress?: (p: Progress) => void;
}

export interface RemoteRelease {
  url: string;
  /** Where to read the file (a temporary name while it downloads). */
  path: string;
  fromCache: boolean;
  /** Set while downloading. */
  growing?: GrowingSource;
  /** The sha256 of the complete file; rejects when the download failed. */
  sha256(): Promise<string>;
  /**
   * Keeps a complete download in the cache, or removes an incomplete one, or
   * one the check could not read (`keep` false: the next run asks again).
   */
  settle(keep?: boolean): Promise<void>;
}

interface Meta {
  url: string;
  sha256: string;
  size: number;
}

export function downloadsDir(cacheDir: string): string {
  return join(cacheDir, 'downloads');
}

export async function fetchRemoteRelease(url: string, options: RemoteReleaseOptions): Promise<RemoteRelease> {
  const dir = downloadsDir(options.cacheDir);
  const key = createHash('sha256').update(url).digest('hex').slice(0, 32);
  const data = join(dir, `${key}.data`);
  const metaPath = join(dir, `${key}.json`);
  const locked = <T>(use: () => Promise<T>) => withCacheLock(join(dir, `${key}.lock`), use);
  const prefix = `.tmp-${key.slice(0, 16)}-`;
  const temporary = () => join(dir, `${prefix}${randomUUID()}`);
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw cacheWriteError(dir, err);
  });
  // This run reads its own name for the entry: another run may replace the entry meanwhile.
  const pinned = temporary();
  const cached = await locked(async () => {
    await removeLeftovers(dir, prefix);
    const meta = await reusable(data, metaPath, url, options.expectedSha256);
    if (meta) {
      await link(data, pinned).catch(() => copyFile(data, pinned));
      // Fresh, so no other run takes it for a leftover (see removeLeftovers).
      const now = new Date();
      await utimes(pinned, now, now);
    }
    return meta;
  }).catch(async (err: unknown) => {
    await rm(pinned, { force: true });
    throw cacheWriteError(dir, err);
  });
  if (cached) {
    return {
      url,
      path: pinned,
      fromCache: true,
      sha256: async () => cached.sha256,
      async settle(keep = true) {
        await rm(pinned, { force: true });
        if (keep) return;
        // Not a readable release after all (kept by a run that never read it):
        // dropped, unless another run has replaced the entry meanwhile.
        await locked(async () => {
          let now: unknown;
          try {
            now = (JSON.parse(await readFile(metaPath, 'utf8')) as Partial<Meta>).sha256;
          } catch {
            return;
          }
          if (now !== cached.sha256) return;
          await rm(metaPath, { force: true });
          await rm(data, { force: true });
        }).catch((err: unknown) => {
          throw cacheWriteError(dir, err);
        });
      },
    };
  }
  const tmp = temporary();
  const download = new Download(url, tmp, options);
  return {
    url,
    path: tmp,
    fromCache: false,
    growing: { waitFor: (n) => download.waitFor(n), done: download.done, stream: () => download.stream() },
    sha256: async () => (await download.done).sha256,
    async settle(keep = true) {
      // Called when the check is over: a download still running is not needed any more.
      if (!download.finished) download.abort();
      const finished = await download.done.catch(() => undefined);
      if (!finished || !keep) {
        await rm(tmp, { force: true });
        return;
      }
      const metaTmp = temporary();
      await locked(async () => {
        // The old record goes first, then the data, then the record that makes it an entry:
        // at no moment does a record describe other bytes.
        await rm(metaPath, { force: true });
        await rename(tmp, data);
        const meta: Meta = { url, sha256: finished.sha256, size: finished.size };
        await writeFile(metaTmp, JSON.stringify(meta));
        await rename(metaTmp, metaPath);
      }).catch(async (err: unknown) => {
        await Promise.all([rm(tmp, { force: true }), rm(metaTmp, { force: true })]);
        throw cacheWriteError(dir, err);
      });
    },
  };
}

/** A temporary file untouched this long belongs to a run that was killed: no download stays idle, no check runs, for a day. */
const leftoverAgeMs = 24 * 3600_000;

/**
 * Removes the temporaries of runs that were killed (`prefix*`, this entry's
 * only), by their mtime: a download in progress is written to, and a pinned
 * copy is touched when made.
 */
async function removeLeftovers(dir: string, prefix: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(prefix));
  await Promise.all(
    names.map(async (name) => {
      const info = await lstat(join(dir, name)).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > leftoverAgeMs) await rm(join(dir, name), { force: true });
    }),
  );
}

async function reusable(data: string, metaPath: string, url: string, expected: string | undefined): Promise<Meta | undefined> {
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as Meta;
  } catch {
    return undefined;
  }
  if (meta.url !== url || typeof meta.sha256 !== 'string') return undefined;
  if (expected !== undefined && meta.sha256 !== expected.toLowerCase()) return undefined;
  const actual = await sha256Of(data).catch(() => undefined);
  return actual === meta.sha256 ? meta : undefined;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
