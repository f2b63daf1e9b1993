/**
 * cuckoo's cache folder: downloads under `<cache>/downloads`, unbundled and
 * fetched repositories under `<cache>/repos`, each with the lock that lets
 * several cuckoo runs share it (`*.lock`), and scratch folders, removed after
 * use, under `<cache>/tmp`. It is the only place cuckoo writes to.
 *
 * Entries appear by rename only once complete, so a reader never sees half of
 * one; the locks serialise the writers of one entry (and a reader's check of
 * it against a writer's replacement). Locks come from proper-lockfile: an
 * atomic `mkdir`, kept fresh by its holder, taken over when stale (the holder
 * died), and released on exit. Staleness by age works where a pid would not:
 * a cache shared by containers or CI machines.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { CuckooError } from './errors.js';

/**
 * `$XDG_CACHE_HOME/cuckoo`, else `~/.cache/cuckoo`. A relative XDG_CACHE_HOME
 * is ignored, as the XDG Base Directory specification requires.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'cuckoo');
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
  return join(home, '.cache', 'cuckoo');
}

/**
 * A new, empty scratch folder `<cache>/tmp/<prefix>XXXXXX` (a gpg home, a
 * scratch repository for the tag's .gitignore or .gitattributes files): kept
 * in the cache, as everything cuckoo writes is. Whoever makes one removes it,
 * also on failure.
 */
export async function makeScratchDir(cacheDir: string, prefix: string): Promise<string> {
  return makeScratchDirSync(cacheDir, prefix);
}

/** makeScratchDir for a caller that cannot wait: two calls made at once (through the thread pool they would wait behind the release's read). */
export function makeScratchDirSync(cacheDir: string, prefix: string): string {
  const parent = join(cacheDir, 'tmp');
  try {
    mkdirSync(parent, { recursive: true });
    return mkdtempSync(join(parent, prefix));
  } catch (err) {
    throw cacheWriteError(parent, err);
  }
}

/**
 * Writes a small cache file whole or not at all: to a temporary name of its
 * own (several writers may race, batch jobs of one process too), then one
 * rename. Its folder is made when missing.
 */
export async function writeCacheFile(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    throw cacheWriteError(dirname(file), err);
  }
}

/** Where cached repositories go. */
export function reposDir(cacheDir: string): string {
  return join(cacheDir, 'repos');
}

/** How long a run waits for another run's lock: every holder's work is bounded (downloads by --timeout, git by its own timeout). */
const lockWaitMs = 15 * 60_000;

/**
 * Runs `use` holding the lock `path` (a folder made atomically; one per cache
 * entry: a download, a repository). Another run holding it is waited for; a
 * lock whose holder died is taken over after 30 s. The folder holding `path`
 * must exist. `waitMs`: how long to wait for a live holder (tests wait for none).
 */
export async function withCacheLock<T>(path: string, use: () => Promise<T>, waitMs = lockWaitMs): Promise<T> {
  const dir = dirname(path);
  let compromised: Error | undefined;
  const release = await lockfile
    .lock(path, {
      realpath: false,
      lockfilePath: path,
      // Refreshed every 15 s; generous, so a holder whose event loop is busy a while keeps it.
      stale: 30_000,
      retries: { retries: Math.ceil(waitMs / 1000), minTimeout: 50, maxTimeout: 1000, factor: 1.5 },
      // The default throws from a timer; the run ends with a clear error instead.
      onCompromised: (err) => (compromised = err),
    })
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ELOCKED') {
        const waited = waitMs >= 60_000 ? `${waitMs / 60_000} minutes` : `${Math.ceil(waitMs / 1000)} s`;
        throw new CuckooError('tool', `the cache entry ${path} stayed locked by another cuckoo run for ${waited}`, {
          hint: 'wait for the other run to finish, or pass another --cache-dir',
          cause: err,
        });
      }
      throw cacheWriteError(dir, err);
    });
  try {
    const result = await use();
    if (compromised) {
      throw new CuckooError('tool', `the cache lock ${path} was lost while in use: ${compromised.message}`, { hint: 'run again; another cuckoo run or a cleaner may have removed it' });
    }
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

const fullCodes = new Set(['ENOSPC', 'EDQUOT']);

/** True for an error, or git's stderr, that says the disk (or quota) is full. */
export function isDiskFull(err: unknown): boolean {
  if (typeof err === 'string') return /No space left on device|Disk quota exceeded/.test(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && fullCodes.has(code);
}

/**
 * A failed write into the cache folder `where`, as one line: a full disk says
 * to free space or use another --cache-dir.
 */
export function cacheWriteError(where: string, err: unknown): CuckooError {
  if (err instanceof CuckooError) return err;
  if (isDiskFull(err)) {
    return new CuckooError('input', `no space left on the disk of the cache folder ${where}`, {
      hint: 'free some space there, or pass --cache-dir with a folder on a disk that has room',
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CuckooError('input', `writing in the cache folder ${where}: ${message}`, {
    hint: 'check that the cache folder is writable, or pass --cache-dir',
    cause: err,
  });
}
