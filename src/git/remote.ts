/**
 * A tag from a remote repository (https, ssh, git://, file://), fetched into
 * one bare cache repository per remote, `<cache>/repos/remote-<hash>.git`,
 * reused across runs. Only what the check needs is fetched: the tag's commit
 * and trees (`--filter=blob:none --depth=1`); blobs come later, in batches,
 * for the files that differ (prefetchBlobs), and from the promisor remote on
 * demand for the rest. The tag each name pointed to when first seen is kept,
 * so a tag that moves between runs is noticed.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheWriteError } from '../cache.js';
import { CuckooError } from '../errors.js';
import { cacheRepo, lockedRepo } from './fetch.js';
import { chooseTag } from './infer.js';
import { nearestTags } from './nearest.js';
import { fromTag } from './refs.js';
import { firstLine, git, gitText, GitCommandError } from './run.js';
import type { RepoHandle, ResolvedRef, TagRef } from './types.js';

/** Network git commands are killed after this long. */
export const remoteTimeoutMs = 300_000;

const cacheConfig = { 'gc.auto': '0', 'maintenance.auto': 'false', 'fetch.recurseSubmodules': 'false', 'submodule.recurse': 'false' };

export interface RemoteTag {
  repo: RepoHandle;
  ref: ResolvedRef;
  /** What the tag ref pointed to when this cache first saw it; set for tags. */
  firstSeen?: { object: string; date: string };
  /** What the tag ref points to now (a tag object for annotated tags). */
  object?: string;
}

/** The remote's tags from `git ls-remote`, peeled (`^{}` lines give the commit of annotated tags). */
export async function lsRemoteTags(url: string): Promise<TagRef[]> {
  const out = await remoteGit(url, undefined, ['ls-remote', '--tags', '--end-of-options', url]);
  const byName = new Map<string, TagRef>();
  for (const line of out.split('\n')) {
    const [oid, refName] = line.split('\t');
    if (!oid || !refName?.startsWith('refs/tags/')) continue;
    const peeled = refName.endsWith('^{}');
    const name = refName.slice('refs/tags/'.length).replace(/\^\{\}$/, '');
    const tag = byName.get(name) ?? { name, refName: `refs/tags/${name}`, object: oid, annotated: false, commit: oid };
    if (peeled) {
      tag.annotated = true;
      tag.commit = oid;
    } else tag.object = oid;
    byName.set(name, tag);
  }
  return [...byName.values()];
}

export async function openRemoteTag(url: string, opts: { cacheDir: string; tag?: string; commit?: string; releaseName: string }): Promise<RemoteTag> {
  if (url.startsWith('-')) throw new CuckooError('usage', `--repo ${url}: not a repository URL`, { hint: 'a URL may not start with "-"' });
  let wanted: TagRef | undefined;
  let ref: ResolvedRef;
  if (opts.tag === undefined && opts.commit !== undefined && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(opts.commit)) {
    ref = { ref: opts.commit, commit: opts.commit, annotated: false };
  } else {
    const tags = await lsRemoteTags(url);
    if (opts.tag !== undefined) {
      const name = opts.tag.replace(/^refs\/tags\//, '');
      wanted = tags.find((t) => t.name === name);
      if (!wanted) {
        const near = nearestTags(tags.map((t) => t.name), name);
        throw new CuckooError('input', `tag ${name} not found in ${url}`, {
          hint: near.length > 0 ? `nearest tags: ${near.join(', ')}; pass --tag with one of them` : 'the remote has no tags; pass --commit with a full commit id',
        });
      }
      ref = fromTag({ source: url }, wanted);
    } else if (opts.commit !== undefined) {
      throw new CuckooError('usage', `--commit ${opts.commit}: give the full commit id for a remote repository`, { hint: 'abbreviated ids cannot be fetched; copy the full id' });
    } else {
      ref = chooseTag(tags, opts.releaseName, url);
      wanted = tags.find((t) => t.refName === ref.refName);
    }
  }
  const format = ref.commit.length === 64 ? 'sha256' : 'sha1';
  const repo: RepoHandle = { ...(await cacheRepo(url, format, opts.cacheDir, 'remote')), promisor: true };
  const refspec = wanted ? `+${wanted.refName}:${wanted.refName}` : `+${ref.commit}:refs/cuckoo/pins/${ref.commit}`;
  const firstSeen = await lockedRepo(repo, async () => {
    await git({ gitDir: repo.gitDir }, ['config', 'remote.origin.url', url]);
    if (!(await present(repo, wanted?.object ?? ref.commit))) {
      await remoteGit(url, repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', '--depth=1', 'origin', refspec]);
    }
    if (!wanted) return undefined;
    await pinTag(repo, url, wanted);
    return rememberTag(repo, wanted);
  });
  if (opts.commit !== undefined && wanted && opts.commit !== ref.commit && !ref.commit.startsWith(opts.commit)) {
    throw new CuckooError('input', `tag ${wanted.name} is commit ${ref.commit}, not ${opts.commit}`, { hint: 'pass only one of --tag and --commit, or make them agree' });
  }
  if (!wanted || !firstSeen) return { repo, ref };
  return { repo, ref, object: wanted.object, firstSeen };
}

/**
 * Points the cache's tag ref at the object `ls-remote` listed (a fetch writes
 * whatever the server sends for the ref, and an earlier run's ref may be
 * older) and checks, on the objects themselves, that it leads to the commit
 * the server advertised as the tag's: the tree read, the signature verified
 * and the moved-tag record then all concern that one object. A server whose
 * advertisement and objects disagree is refused.
 */
async function pinTag(repo: RepoHandle, url: string, tag: TagRef): Promise<void> {
  if (!(await present(repo, tag.object))) {
    throw new CuckooError('input', `tag ${tag.name} changed on ${url} while it was being fetched`, { hint: 'run again; if it keeps changing, ask the project which tag is the release' });
  }
  const peeled = await git({ gitDir: repo.gitDir }, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${tag.object}^{commit}`], { okExitCodes: [1, 128] });
  const commit = peeled.stdout.toString('utf8').trim();
  if (peeled.exitCode !== 0 || commit !== tag.commit) {
    throw new CuckooError('input', `${url} advertises tag ${tag.name} as commit ${tag.commit}, but the tag object it sent leads to ${commit || 'no commit'}`, {
      hint: 'the server is inconsistent or hostile; check the tag against another copy of the repository',
    });
  }
  await git({ gitDir: repo.gitDir }, ['update-ref', '--no-deref', tag.refName, tag.object]);
}

/** Where a cache repository records the tags it has seen. */
export const seenTagsFile = 'cuckoo-seen-tags.json';

/** The object the tag pointed to when first seen in this cache; records it on first sight. Runs under the repository's lock. */
async function rememberTag(repo: RepoHandle, tag: TagRef): Promise<{ object: string; date: string }> {
  const file = join(repo.gitDir, seenTagsFile);
  const seen = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, { object: string; date: string }>;
  const before = seen[tag.name];
  if (before) return before;
  seen[tag.name] = { object: tag.object, date: new Date().toISOString() };
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(seen, null, 1));
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw cacheWriteError(repo.gitDir, err);
  }
  return seen[tag.name]!;
}

async function present(repo: RepoHandle, oid: string): Promise<boolean> {
  const { exitCode } = await git({ gitDir: repo.gitDir }, ['cat-file', '-e', oid], { okExitCodes: [1, 128] });
  return exitCode === 0;
}

/**
 * Fetches the blobs `oids` in one request (as git's own lazy fetch does:
 * `fetch.negotiationAlgorithm=noop`, no tags), so a release with hundreds of
 * differing files costs one round trip rather than hundreds.
 */
export async function prefetchBlobs(repo: RepoHandle, oids: Iterable<string>): Promise<void> {
  if (!repo.promisor) return;
  const asked = new Set(oids);
  if (asked.size === 0) return;
  // Which of the asked blobs are missing, without fetching them: cat-file would
  // try a lazy fetch (git < 2.45 has no GIT_NO_LAZY_FETCH), rev-list with
  // --missing never does. Given the blobs themselves, --ignore-missing drops
  // the absent ones and it prints the others: no walk of the tag's tree.
  const { stdout } = await git({ gitDir: repo.gitDir }, ['rev-list', '--objects', '--no-object-names', '--ignore-missing', '--missing=print', '--stdin'], {
    input: [...asked].map((o) => `${o}\n`).join(''),
  });
  const have = new Set(stdout.toString('utf8').split('\n'));
  const wanted = [...asked].filter((o) => !have.has(o));
  if (wanted.length === 0) return;
  await lockedRepo(repo, () =>
    remoteGit(repo.source, repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', '--stdin', 'origin'], {
      input: wanted.map((o) => `${o}\n`).join(''),
      config: { 'fetch.negotiationAlgorithm': 'noop' },
    }),
  );
}

/**
 * More history for the evidence queries (ignore rules and when they came, the
 * previous tag): every tag's commits and trees, still without blobs. Bounded
 * in time; false when the remote would not give it.
 */
export async function deepen(repo: RepoHandle): Promise<boolean> {
  try {
    await lockedRepo(repo, async () => {
      const shallow = await gitText({ gitDir: repo.gitDir }, ['rev-parse', '--is-shallow-repository']);
      await remoteGit(repo.source, repo, [
        'fetch', '--quiet', '--no-write-fetch-head', '--filter=blob:none', ...(shallow === 'true' ? ['--unshallow'] : []), 'origin', '+refs/tags/*:refs/tags/*',
      ]);
    });
    return true;
  } catch (err) {
    if (err instanceof CuckooError) return false;
    throw err;
  }
}

/**
 * ssh asks on the terminal (host keys, passwords) even when git may not:
 * BatchMode makes it fail instead. A user's own GIT_SSH_COMMAND or GIT_SSH wins.
 */
function sshEnv(): Record<string, string> | undefined {
  if (process.env.GIT_SSH_COMMAND || process.env.GIT_SSH) return undefined;
  return { GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' };
}

/** A git command that talks to `url`: transports allowed, bounded in time, failures as 'network' errors. */
async function remoteGit(url: string, repo: RepoHandle | undefined, args: string[], extra: { input?: string; config?: Record<string, string> } = {}): Promise<string> {
  try {
    const target = repo ? { gitDir: repo.gitDir, source: url } : undefined;
    const { stdout } = await git(target, args, {
      transport: 'remote',
      timeoutMs: remoteTimeoutMs,
      config: { ...cacheConfig, ...extra.config },
      ...(extra.input !== undefined ? { input: extra.input } : {}),
      ...(sshEnv() ? { env: sshEnv()! } : {}),
    });
    return stdout.toString('utf8');
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    if (/transport '.*' not allowed/.test(err.stderr)) {
      throw new CuckooError('usage', `--repo ${url}: this kind of URL is not allowed`, { hint: 'use an https://, ssh://, git:// or file:// URL or a local path', cause: err });
    }
    throw new CuckooError('network', `git ${args[0]} ${url}: ${firstLine(err.stderr) || err.message}`, {
      hint: 'check the URL, the network and that the repository exists (private repositories need credentials git can use without asking)',
      cause: err,
    });
  }
}
