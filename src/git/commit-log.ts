/**
 * Commit messages of the history up to a commit, read in one bounded
 * `git log` call: what a ChangeLog written from the log at `make dist` can be
 * checked against. Only commit objects are read, so a blobless clone serves.
 */
import type { LoggedCommit } from '../analyze/history.js';
import { git } from './run.js';
import type { GitTarget } from './run.js';

export interface CommitLogOptions {
  /** Unix seconds: commits with an older committer date are not read. */
  since?: number;
  /** Most commits read, newest first. */
  maxCount: number;
}

/**
 * `%s%n%b` is gitlog-to-changelog's default format. The ident fields come both
 * raw and through the mailmap: the script prints `%an  <%ae>`, which git
 * 2.23+ maps when log.mailmap is on (its default since 2.23), so either may be
 * what the maintainer's `make dist` wrote; the committer's name likewise
 * (curl's and libssh2's logs head entries with it). -z ends each commit with a NUL; a
 * commit message cannot hold one (git cuts it there).
 */
const format = ['%H', '%ct', '%at', '%an', '%ae', '%aN', '%aE', '%cn', '%cN', '%s%n%b'].join('%n');

export async function readCommitLog(repo: GitTarget, commit: string, options: CommitLogOptions): Promise<LoggedCommit[]> {
  const args = ['log', '-z', '--no-mailmap', `--format=${format}`, `--max-count=${Math.max(1, Math.floor(options.maxCount))}`];
  if (options.since !== undefined) args.push(`--since=@${Math.floor(options.since)}`);
  // %aN maps through the tag's own .mailmap, not whatever the repository's HEAD
  // has; a blobless clone has no blob to read it from (and may not fetch one).
  const config = { 'i18n.logOutputEncoding': 'UTF-8', 'mailmap.blob': repo.promisor ? '' : `${commit}:.mailmap` };
  const { stdout } = await git(repo, [...args, '--end-of-options', commit, '--'], { config });
  const out: LoggedCommit[] = [];
  for (const record of stdout.toString('utf8').split('\0')) {
    const lines = record.split('\n');
    if (lines.length < 10) continue;
    const [id, time, authored, name, email, mappedName, mappedEmail, committer, mappedCommitter] = lines;
    if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(id!)) continue;
    const names = new Set([`${name}  <${email}>`, `${mappedName}  <${mappedEmail}>`]);
    const committers = new Set([committer!, mappedCommitter!]);
    out.push({ id: id!, time: Number(time), authored: Number(authored), authors: [...names], committers: [...committers], message: lines.slice(9).join('\n') });
  }
  return out;
}
