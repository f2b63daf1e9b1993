/**
 * Tags and commits of the tag side: listing tags and resolving what the user
 * named (--tag, --commit) to the commit whose tree is compared.
 */
import { CuckooError } from '../errors.js';
import { nearestTags } from './nearest.js';
import { git, gitText, GitCommandError } from './run.js';
import type { RepoHandle, ResolvedRef, TagRef } from './types.js';

// Ref names cannot contain NUL or newline (git-check-ref-format(1)), so these
// separate fields and records unambiguously.
const tagFormat = ['%(refname)', '%(objecttype)', '%(objectname)', '%(*objecttype)', '%(*objectname)', '%(creatordate:unix)'].join('%00');

/**
 * All tags in one `git for-each-ref` call. `patterns` narrows the listing
 * (for-each-ref matches them literally or up to a slash; callers filter).
 */
export async function listTags(repo: RepoHandle, patterns: readonly string[] = ['refs/tags/']): Promise<TagRef[]> {
  const out = await gitText(repo, ['for-each-ref', `--format=${tagFormat}`, '--end-of-options', ...patterns]);
  const tags: TagRef[] = [];
  const nested: TagRef[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [refName = '', type, object = '', peeledType, peeled, date] = line.split('\0');
    if (!refName.startsWith('refs/tags/')) continue;
    const annotated = type === 'tag';
    const tag: TagRef = { name: refName.slice('refs/tags/'.length), refName, object, annotated };
    if (date) tag.date = Number(date);
    if (!annotated && type === 'commit') tag.commit = object;
    if (annotated && peeledType === 'commit') tag.commit = peeled;
    // `*` peels one level only; a tag of a tag needs the full peel below.
    if (annotated && peeledType === 'tag') nested.push(tag);
    tags.push(tag);
  }
  if (nested.length > 0) await peelNested(repo, nested);
  return tags;
}

async function peelNested(repo: RepoHandle, tags: TagRef[]): Promise<void> {
  const input = tags.map((t) => `${t.object}^{}\n`).join('');
  const { stdout } = await git(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input });
  const lines = stdout.toString('utf8').split('\n');
  tags.forEach((tag, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    if (type === 'commit' && oid) tag.commit = oid;
  });
}

export interface RefRequest {
  /** `v1.0` or `refs/tags/v1.0`. */
  tag?: string;
  /** A full or abbreviated commit id, or any commit-ish. */
  commit?: string;
}

/** Resolves --tag and/or --commit to a commit; both given must agree. Unknown names are 'input' errors. */
export async function resolveRef(repo: RepoHandle, request: RefRequest): Promise<ResolvedRef> {
  if (request.tag === undefined && request.commit === undefined) {
    throw new CuckooError('usage', 'no tag or commit to compare with', { hint: 'pass --tag or --commit' });
  }
  const byTag = request.tag === undefined ? undefined : await resolveTag(repo, request.tag);
  const commit = request.commit === undefined ? undefined : await resolveCommit(repo, request.commit);
  if (byTag && commit && byTag.commit !== commit) {
    throw new CuckooError('input', `tag ${byTag.ref} is commit ${byTag.commit}, not ${request.commit} (${commit})`, {
      hint: 'pass only one of --tag and --commit, or make them agree',
    });
  }
  if (byTag) return byTag;
  return { ref: request.commit!, commit: commit!, annotated: false };
}

async function resolveTag(repo: RepoHandle, tag: string): Promise<ResolvedRef> {
  const name = tag.startsWith('refs/tags/') ? tag.slice('refs/tags/'.length) : tag;
  const refName = `refs/tags/${name}`;
  // Patterns are literal here: check-ref-format forbids `*`, `?` and `[` in ref names.
  const found = name === '' || /[\0\n*?[]/.test(name) ? undefined : (await listTags(repo, [refName])).find((t) => t.refName === refName);
  if (!found) {
    const all = await listTags(repo);
    const near = nearestTags(all.map((t) => t.name), name);
    throw new CuckooError('input', `tag ${name} not found in ${repo.source}`, {
      hint: all.length === 0
        ? 'the repository has no tags; fetch them (`git fetch --tags`) or pass --commit'
        : `nearest tags: ${near.join(', ')}; pass --tag with one of them or --commit`,
    });
  }
  return fromTag(repo, found);
}

/** A ResolvedRef from a listed tag; tags of trees or blobs are 'input' errors. */
export function fromTag(repo: Pick<RepoHandle, 'source'>, tag: TagRef): ResolvedRef {
  if (!tag.commit) {
    throw new CuckooError('input', `tag ${tag.name} in ${repo.source} does not point to a commit`, { hint: 'pass --commit with the release commit' });
  }
  return { ref: tag.name, refName: tag.refName, commit: tag.commit, annotated: tag.annotated };
}

/** The full id of a commit-ish; unknown or ambiguous names are 'input' errors. */
export async function resolveCommit(repo: RepoHandle, commitish: string): Promise<string> {
  const bad = commitish === '' || /[\0\n]/.test(commitish);
  try {
    if (!bad) return await gitText(repo, ['rev-parse', '--verify', '--end-of-options', `${commitish}^{commit}`]);
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    const detail = /ambiguous/.test(err.stderr) ? ' (ambiguous: give more digits)' : '';
    throw new CuckooError('input', `commit ${commitish} not found in ${repo.source}${detail}`, {
      hint: 'check the id with `git log`; a shallow or partial clone may lack it',
      cause: err,
    });
  }
  throw new CuckooError('input', `commit ${JSON.stringify(commitish)} is not a valid name`, { hint: 'pass a commit id' });
}

/**
 * The committer date of a commit, in unix seconds. With `read` (a running
 * `cat-file --batch`), from the commit object's committer line, which is what
 * `%ct` prints, without a process of its own.
 */
export async function commitDate(repo: RepoHandle, commit: string, read?: (oid: string) => Promise<Buffer>): Promise<number> {
  if (read) {
    const date = committerDate(await read(commit));
    if (date !== undefined) return date;
  }
  return Number(await gitText(repo, ['show', '-s', '--no-show-signature', '--format=%ct', '--end-of-options', commit]));
}

/** The time on a commit object's committer line (`committer NAME <EMAIL> SECONDS ZONE`), from its header. */
export function committerDate(object: Buffer): number | undefined {
  const end = object.indexOf('\n\n');
  const header = object.subarray(0, end < 0 ? object.length : end).toString('utf8');
  const m = /^committer .*> (\d+) [+-]\d{4}$/m.exec(header);
  return m ? Number(m[1]) : undefined;
}
