/**
 * The commit of the tag's history a release's modified files come from, when
 * it is not the tag's: a release made before a tag was set on a later commit
 * (libconfig 1.5: twelve files as they were four commits before `v1.5`).
 *
 * One `git log --first-parent --raw` of the modified paths, newest first,
 * undoes each commit's changes to them in turn: after each, the paths hold
 * the blobs of that commit's first parent, and the commit whose tree matches
 * the most release files is the answer. Only the tag's first-parent line is
 * walked, as far as `maxCommits` commits that touch those paths.
 */
import { git, type GitTarget } from './run.js';

export interface ReleaseCommit {
  /** The commit whose tree has the most of the release's modified files. */
  commit: string;
  /** Unix seconds. */
  time: number;
  subject: string;
  /** Modified files whose release bytes are that commit's. */
  matches: number;
  /** Modified files asked about. */
  files: number;
  /** Commits on the first-parent line from it to the tag. */
  behind: number;
}

const zero = /^0+$/;

export async function releaseCommit(repo: GitTarget, tag: string, files: ReadonlyArray<{ path: string; blobId: string; tagBlobId: string }>, maxCommits = 2000): Promise<ReleaseCommit | undefined> {
  if (files.length === 0) return undefined;
  const wanted = new Map(files.map((f) => [f.path, f.blobId]));
  const state = new Map(files.map((f) => [f.path, f.tagBlobId]));
  const matching = () => {
    let n = 0;
    for (const [path, blob] of state) if (wanted.get(path) === blob) n++;
    return n;
  };
  const { stdout } = await git(repo, [
    'log',
    '-z',
    '--first-parent',
    '--no-renames',
    '--raw',
    '--no-abbrev',
    '--format=%x01%H %P%x02%ct%x02%s',
    `--max-count=${maxCommits}`,
    '--end-of-options',
    tag,
    '--',
    ...wanted.keys(),
  ]);
  let best: { parent: string; matches: number } | undefined;
  const tagMatches = matching();
  for (const record of stdout.toString('utf8').split('\x01')) {
    const end = record.indexOf('\0');
    if (end < 0) continue;
    const [ids] = record.slice(0, end).split('\x02');
    const parent = ids!.split(' ')[1];
    const tokens = record.slice(end + 1).split('\0');
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const meta = tokens[i]!.trim().split(' ');
      const path = tokens[i + 1]!;
      // `:old-mode new-mode old-blob new-blob status`: before this commit, the path held old-blob.
      if (meta.length < 5 || !state.has(path)) continue;
      state.set(path, zero.test(meta[2]!) ? '' : meta[2]!);
    }
    if (!parent) break;
    const n = matching();
    if (n > (best?.matches ?? tagMatches)) best = { parent, matches: n };
  }
  if (!best) return undefined;
  const [shown, count] = await Promise.all([
    git(repo, ['log', '-1', '--format=%ct%x02%s', '--end-of-options', best.parent, '--']),
    git(repo, ['rev-list', '--count', '--first-parent', '--end-of-options', `${best.parent}..${tag}`, '--']),
  ]);
  const [time, subject] = shown.stdout.toString('utf8').trim().split('\x02');
  return { commit: best.parent, time: Number(time), subject: subject ?? '', matches: best.matches, files: files.length, behind: Number(count.stdout.toString('utf8').trim()) };
}
