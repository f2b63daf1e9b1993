/**
 * Fetching one commit from a URL into a bare repository in cuckoo's cache,
 * `<cache>/repos/url-<hash of the URL>.git`, reused across runs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cacheWriteError, reposDir, withCacheLock } from '../cache.js';
import { CuckooError } from '../errors.js';
import type { ObjectFormat } from '../release/entry.js';
import { probe } from './repo.js';
import { git, GitCommandError } from './run.js';
import type { RepoHandle } from './types.js';

/**
 * True when git would treat `spec` as a remote: `scheme://…`, or scp-like
 * `host:path` with no slash before the colon (connect.c url_is_local_not_ssh).
 */
export function isRemoteSpec(spec: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(spec)) return true;
  const colon = spec.indexOf(':');
  const slash = spec.indexOf('/');
  if (colon < 0 || (slash >= 0 && slash < colon)) return false;
  return !/^[A-Za-z]:[\\/]/.test(spec);
}

// Our own repository: no automatic gc may prune what was fetched.
const cacheConfig = { 'gc.auto': '0', 'maintenance.auto': 'false' };

/**
 * A cache repository holding `commit` from `url`. Fetches by id with depth 1
 * first; servers that refuse unadvertised ids get a full fetch of branches and
 * tags. Network failures are 'network' errors; a commit the remote does not
 * have is for the caller to report.
 */
export async function fetchCommit(url: string, commit: string, opts: { cacheDir: string }): Promise<{ repo: RepoHandle; found: boolean }> {
  if (url.startsWith('-')) throw new CuckooError('input', `${url}: not a repository URL`, { hint: 'a URL may not start with "-"' });
  const objectFormat: ObjectFormat = commit.length === 64 ? 'sha256' : 'sha1';
  const repo = await cacheRepo(url, objectFormat, opts.cacheDir);
  if (await hasCommit(repo, commit)) return { repo, found: true };
  return lockedRepo(repo, async () => {
    // Another run may have fetched it while this one waited for the lock.
    if (!(await hasCommit(repo, commit))) await fetchInto(repo, url, commit);
    return { repo, found: await hasCommit(repo, commit) };
  });
}

/**
 * Runs `use` holding the lock of the cache repository `repo` (`<repo>.lock`,
 * beside it, the one that guards its creation): two git fetches into one
 * repository fail on each other's ref and shallow locks.
 */
export function lockedRepo<T>(repo: RepoHandle, use: () => Promise<T>): Promise<T> {
  return withCacheLock(`${repo.gitDir}.lock`, use);
}

/** Fetch commands run, for tests: a remote that cannot be reached is tried once, not once per way of fetching. */
export const fetchAttempts = { count: 0 };

/**
 * git's words for a remote it could not reach, or that is not a repository:
 * fetching it another way cannot help, so the full fetch is not tried (on a
 * network that drops packets, each try waits out the time limit).
 */
const unreachable =
  /Could not resolve host|Could not resolve hostname|unable to look up|Failed to connect to|unable to connect to|Connection refused|Connection timed out|Operation timed out|Network is unreachable|No route to host|SSL certificate problem|does not appear to be a git repository|Repository not found|returned error: 40[34]|transport '.*' not allowed/i;

function fetchFailed(url: string, err: GitCommandError): CuckooError {
  if (/transport '.*' not allowed/.test(err.stderr)) {
    return new CuckooError('input', `${url}: this kind of URL is not allowed`, {
      hint: 'use an https://, ssh://, git:// or file:// URL or a local path',
      cause: err,
    });
  }
  return new CuckooError('network', `fetching ${url}: ${err.message}`, {
    hint: 'check the URL and the network, or pass a local clone instead',
    cause: err,
  });
}

async function fetchInto(repo: RepoHandle, url: string, commit: string): Promise<void> {
  const pin = `+${commit}:refs/cuckoo/pins/${commit}`;
  try {
    fetchAttempts.count++;
    await git(repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--depth=1', url, pin], { transport: 'remote', config: cacheConfig });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    if (unreachable.test(err.stderr)) throw fetchFailed(url, err);
    const shallow = await access(join(repo.gitDir, 'shallow')).then(() => true, () => false);
    const refspecs = ['+refs/heads/*:refs/cuckoo/heads/*', '+refs/tags/*:refs/cuckoo/tags/*'];
    try {
      fetchAttempts.count++;
      await git(repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...(shallow ? ['--unshallow'] : []), url, ...refspecs], {
        transport: 'remote',
        config: cacheConfig,
      });
    } catch (full) {
      if (!(full instanceof GitCommandError)) throw full;
      throw fetchFailed(url, full);
    }
  }
}

export async function hasCommit(repo: RepoHandle, commit: string): Promise<boolean> {
  const { exitCode } = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^{commit}`], { okExitCodes: [1, 128] });
  return exitCode === 0;
}

/** The bare cache repository for `url` (`<prefix>-<hash>.git`), made empty on first use. */
export async function cacheRepo(url: string, objectFormat: ObjectFormat, cacheDir: string, prefix = 'url'): Promise<RepoHandle> {
  const root = reposDir(cacheDir);
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 32);
  const dir = join(root, `${prefix}-${digest}.git`);
  // cuckoo made this repository in its cache: its objects are where git puts them (GIT_OBJECT_DIRECTORY never reaches git, run.ts).
  const handle = (gitDir: string, format: ObjectFormat): RepoHandle => ({ source: url, gitDir, objectFormat: format, kind: 'remote', objectsDir: resolve(gitDir, 'objects') });
  const existing = await probe(url, dir);
  if (existing) return handle(existing.gitDir, existing.objectFormat);
  await mkdir(root, { recursive: true }).catch((err: unknown) => {
    throw cacheWriteError(root, err);
  });
  // Under the lock: another run may be making the same repository, and what
  // does not open is removed only once that one is done.
  const made = await withCacheLock(`${dir}.lock`, async () => {
    const other = await probe(url, dir);
    if (other) return other;
    await rm(dir, { recursive: true, force: true });
    const tmp = join(root, `.tmp-${prefix}-${digest.slice(0, 16)}-${randomUUID()}`);
    try {
      await git(undefined, ['init', '--quiet', '--bare', '--template=', `--object-format=${objectFormat}`, tmp]);
      await rename(tmp, dir).catch((err: unknown) => {
        throw cacheWriteError(root, err);
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return probe(url, dir);
  });
  if (!made) throw new CuckooError('git', `cannot create ${dir}`, { hint: 'check that the cache folder is writable' });
  return handle(made.gitDir, made.objectFormat);
}
