/**
 * Opening what the user passed as the tag side: a work tree, a bare repository
 * or a bundle file. Nothing is ever written inside the user's repository; a
 * bundle is unbundled once into cuckoo's cache and reused.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cacheWriteError, reposDir, withCacheLock } from '../cache.js';
import { CuckooError } from '../errors.js';
import type { ObjectFormat } from '../release/entry.js';
import { git, gitText, GitCommandError } from './run.js';
import type { RepoHandle } from './types.js';

export interface OpenOptions {
  cacheDir: string;
}

const notARepoHint =
  'pass the top of a git work tree, a bare repository, or a file made by `git bundle create`';

export async function openRepo(spec: string, opts: OpenOptions): Promise<RepoHandle> {
  const path = resolve(spec);
  // The stats are made at once: as async calls, each waits for a turn of the
  // event loop that a run's start keeps busy (about 25 ms on the way to the tag).
  const info = statOrUndefined(path);
  if (!info) throw notARepo(spec, `${path} does not exist or cannot be read`);
  if (info.isFile()) {
    const header = await readBundleHeader(path).catch(() => undefined);
    if (!header) throw notARepo(spec, notARepoHint);
    return openBundle(spec, path, header, opts.cacheDir);
  }
  if (!info.isDirectory()) throw notARepo(spec, notARepoHint);
  // No upward discovery: `--repo ~/Downloads/x` must not silently become a
  // repository that happens to contain it. `.git` may be a directory or a
  // gitfile (linked work trees); git resolves both behind --git-dir.
  const dotGit = join(path, '.git');
  // A bare repository has no .git: asking git about one would cost a process.
  const candidates = statOrUndefined(dotGit) ? [dotGit, path] : [path];
  for (const candidate of candidates) {
    const found = await probe(spec, candidate);
    if (found) return { source: spec, gitDir: found.gitDir, objectFormat: found.objectFormat, kind: 'local', objectsDir: found.objectsDir };
  }
  throw notARepo(spec, notARepoHint);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The absolute git directory, object format and object folder, or undefined when `gitDir` is not a repository. */
export async function probe(source: string, gitDir: string): Promise<{ gitDir: string; objectFormat: ObjectFormat; objectsDir: string } | undefined> {
  try {
    const out = await gitText({ gitDir, source }, ['rev-parse', '--absolute-git-dir', '--show-object-format', '--path-format=absolute', '--git-path', 'objects']);
    const [dir, format, objectsDir] = out.split('\n');
    if (!dir || !objectsDir || (format !== 'sha1' && format !== 'sha256')) return undefined;
    return { gitDir: dir, objectFormat: format, objectsDir };
  } catch (err) {
    if (err instanceof GitCommandError) return undefined;
    throw err;
  }
}

function notARepo(spec: string, hint: string): CuckooError {
  return new CuckooError('input', `${spec}: not a git repository or bundle`, { hint });
}

export interface BundleHeader {
  version: 2 | 3;
  objectFormat: ObjectFormat;
  prerequisites: string[];
  refs: string[];
  filter?: string;
}

/**
 * Parses the bundle header (gitformat-bundle(5)): the signature line, v3
 * `@capability` lines, `-<oid>` prerequisites and `<oid> <ref>` lines, up to
 * an empty line. Undefined when the file is not a bundle.
 */
export async function readBundleHeader(path: string): Promise<BundleHeader | undefined> {
  const handle = await open(path, 'r');
  try {
    const limit = 64 * 1024 * 1024;
    let text = '';
    let position = 0;
    const chunk = Buffer.alloc(64 * 1024);
    let end = -1;
    while (end < 0 && position < limit) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      const from = Math.max(0, text.length - 1);
      // The header is ASCII; latin1 maps the pack bytes after it one to one.
      text += chunk.subarray(0, bytesRead).toString('latin1');
      position += bytesRead;
      if (position === bytesRead && !/^# v[23] git bundle\n/.test(text)) return undefined;
      end = text.indexOf('\n\n', from);
    }
    if (end < 0) return undefined;
    const lines = text.slice(0, end).split('\n');
    const version = lines[0] === '# v2 git bundle' ? 2 : lines[0] === '# v3 git bundle' ? 3 : undefined;
    if (!version) return undefined;
    const header: BundleHeader = { version, objectFormat: 'sha1', prerequisites: [], refs: [] };
    for (const line of lines.slice(1)) {
      if (line.startsWith('@object-format=')) {
        const format = line.slice('@object-format='.length);
        if (format !== 'sha1' && format !== 'sha256') return undefined;
        header.objectFormat = format;
      } else if (line.startsWith('@filter=')) header.filter = line.slice('@filter='.length);
      else if (line.startsWith('-')) header.prerequisites.push(line.slice(1).split(' ')[0]!);
      else if (/^[0-9a-f]{40,64} /.test(line)) header.refs.push(line.slice(line.indexOf(' ') + 1));
    }
    return header;
  } finally {
    await handle.close();
  }
}

async function openBundle(spec: string, path: string, header: BundleHeader, cacheDir: string): Promise<RepoHandle> {
  if (header.prerequisites.length > 0) {
    throw new CuckooError('input', `${spec}: the bundle is incremental (it needs ${header.prerequisites.length} commit(s) it does not contain)`, {
      hint: 'make a complete bundle, e.g. `git bundle create repo.bundle --all`',
    });
  }
  if (header.filter !== undefined) {
    throw new CuckooError('input', `${spec}: the bundle is filtered (${header.filter}) and lacks objects`, {
      hint: 'make the bundle without --filter',
    });
  }
  const digest = await sha256File(path);
  const root = reposDir(cacheDir);
  const dest = join(root, `bundle-${digest}.git`);
  // cuckoo made this repository in its cache: its objects are where git puts them (GIT_OBJECT_DIRECTORY never reaches git, run.ts).
  const handle = (gitDir: string, objectFormat: ObjectFormat): RepoHandle => ({ source: spec, gitDir, objectFormat, kind: 'bundle', objectsDir: resolve(gitDir, 'objects') });

  // The cache entry appears by rename only when complete, so an existing one
  // can be trusted; one that no longer opens (removed by hand, say) is rebuilt.
  const cached = await probe(spec, dest).catch(() => undefined);
  if (cached) return handle(cached.gitDir, cached.objectFormat);
  await mkdir(root, { recursive: true }).catch((err: unknown) => {
    throw cacheWriteError(root, err);
  });
  // Under the lock, so a run never removes the entry another has just made.
  await withCacheLock(`${dest}.lock`, async () => {
    if (await probe(spec, dest).catch(() => undefined)) return;
    await rm(dest, { recursive: true, force: true });
    await unbundle(spec, path, header, root, dest, digest);
  });
  const made = await probe(spec, dest);
  if (!made) throw new CuckooError('git', `${spec}: the unbundled repository at ${dest} does not open`, { hint: `remove ${dest} and retry` });
  return handle(made.gitDir, made.objectFormat);
}

/** Fetches the bundle into a new repository and renames it to `dest` once complete. */
async function unbundle(spec: string, path: string, header: BundleHeader, root: string, dest: string, digest: string): Promise<void> {
  const tmp = join(root, `.tmp-bundle-${digest.slice(0, 16)}-${randomUUID()}`);
  try {
    await git(undefined, ['init', '--quiet', '--bare', '--template=', `--object-format=${header.objectFormat}`, tmp]);
    const target = { gitDir: tmp, source: spec };
    const refspecs = ['+refs/*:refs/*'];
    // A bundle made from HEAD alone carries no refs/*; keep its commit reachable.
    if (header.refs.includes('HEAD')) refspecs.push('+HEAD:refs/cuckoo/bundle-HEAD');
    await git(target, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', path, ...refspecs], { transport: 'local' });
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof GitCommandError) {
      throw new CuckooError('input', `${spec}: unreadable git bundle: ${err.message}`, {
        hint: 'check the file with `git bundle verify`; it may be truncated or corrupt',
        cause: err,
      });
    }
    throw cacheWriteError(root, err);
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
