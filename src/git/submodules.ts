/**
 * Submodules at the tag: the gitlinks of the tree joined with the tag's
 * `.gitmodules` (never the work tree's), and opening one at its pinned commit.
 * Nothing recurses on its own: the caller decides which submodule to open.
 */
import { CuckooError } from '../errors.js';
import { fetchCommit, hasCommit, isRemoteSpec } from './fetch.js';
import { openRepo } from './repo.js';
import { git, GitCommandError } from './run.js';
import type { RepoHandle, Submodule, TagEntry } from './types.js';

/** Every gitlink of `tree`, with its name and URL from `.gitmodules` when it has an entry. */
export async function readSubmodules(repo: RepoHandle, commit: string, tree: readonly TagEntry[]): Promise<Submodule[]> {
  const links = tree.filter((e) => e.type === 'submodule');
  if (links.length === 0) return [];
  // git ignores a .gitmodules that is a symlink (since 2.20; CVE-2018-11235 hardening).
  const file = tree.find((e) => e.path === '.gitmodules' && e.type === 'file');
  const entries = file ? await readGitmodules(repo, commit, file.oid) : new Map<string, { path?: string; url?: string }>();
  const byPath = new Map<string, { name: string; url?: string }>();
  for (const [name, entry] of entries) {
    if (entry.path !== undefined && !byPath.has(entry.path)) byPath.set(entry.path, { name, ...(entry.url === undefined ? {} : { url: entry.url }) });
  }
  return links.map((link) => {
    const known = byPath.get(link.path);
    const sub: Submodule = { name: known?.name ?? link.path, path: link.path, commit: link.oid };
    if (known?.url !== undefined) sub.url = known.url;
    return sub;
  });
}

/**
 * `git config -z --blob` parses the file with git's own parser, with includes
 * off, straight from the object store. A file git cannot parse gives no
 * entries: the submodules are still listed, without URLs.
 */
async function readGitmodules(repo: RepoHandle, commit: string, oid: string): Promise<Map<string, { path?: string; url?: string }>> {
  const entries = new Map<string, { path?: string; url?: string }>();
  let out: Buffer;
  try {
    ({ stdout: out } = await git(repo, ['config', '-z', '--no-includes', '--blob', oid, '--list']));
  } catch (err) {
    if (err instanceof GitCommandError) return entries;
    throw new CuckooError('git', `reading .gitmodules at ${commit}: ${String(err)}`, { cause: err });
  }
  // -z: `key LF value NUL` per entry (git-config(1) "--null").
  for (const record of out.toString('utf8').split('\0')) {
    const nl = record.indexOf('\n');
    if (nl < 0) continue;
    const key = record.slice(0, nl);
    const value = record.slice(nl + 1);
    // submodule.<name>.<var>: the name may itself contain dots.
    const last = key.lastIndexOf('.');
    if (!key.startsWith('submodule.') || last <= 'submodule.'.length) continue;
    const name = key.slice('submodule.'.length, last);
    const variable = key.slice(last + 1);
    if (variable !== 'path' && variable !== 'url') continue;
    const entry = entries.get(name) ?? {};
    entry[variable] = value;
    entries.set(name, entry);
  }
  return entries;
}

export interface OpenSubmoduleOptions {
  cacheDir: string;
  /** PATH or URL given with `--submodule NAME=…`; wins over the URL in .gitmodules. */
  override?: string;
  /** The superproject's remote URL, when it was fetched from one: relative submodule URLs resolve against it. */
  superRemote?: string;
}

/** The submodule's repository, holding its pinned commit. */
export async function openSubmodule(sub: Submodule, opts: OpenSubmoduleOptions): Promise<RepoHandle> {
  const what = `submodule ${sub.name} (${sub.path})`;
  const hint = `pass --submodule ${sub.name}=PATH|URL with a repository that has commit ${sub.commit}`;
  let spec = opts.override ?? sub.url;
  if (spec === undefined || spec === '') throw new CuckooError('input', `${what} has no URL in .gitmodules`, { hint });
  // A relative URL is relative to the superproject's remote (gitmodules(5)):
  // `../lib.git` next to `https://host/org/app` is `https://host/org/lib.git`.
  if (opts.override === undefined && /^\.\.?\//.test(spec) && opts.superRemote && /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(opts.superRemote)) {
    spec = new URL(spec, `${opts.superRemote.replace(/\/+$/, '')}/`).toString();
  }
  if (opts.override === undefined && /^\.\.?\//.test(spec)) {
    throw new CuckooError('input', `${what} has the relative URL ${spec}`, { hint });
  }
  let repo: RepoHandle;
  let found: boolean;
  if (isRemoteSpec(spec)) {
    ({ repo, found } = await fetchCommit(spec, sub.commit, { cacheDir: opts.cacheDir }));
  } else {
    repo = await openRepo(spec, { cacheDir: opts.cacheDir });
    found = await hasCommit(repo, sub.commit);
  }
  if (!found) throw new CuckooError('input', `${what}: commit ${sub.commit} is not in ${spec}`, { hint });
  return repo;
}
