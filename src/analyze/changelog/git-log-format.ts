import type { LoggedCommit } from '../history.js';

/**
 * A ChangeLog that a release recipe wrote with `git log` itself (aria2's
 * dist-hook: `git log --pretty=fuller --date=short`), read back:
 *
 *   commit 21f4765… (HEAD, tag: release-1.36.0)   the commit's id, its decorations
 *   Merge: a1b2c3 d4e5f6                          a merge's parents
 *   Author:     Jane Doe <jane@example.org>       --pretty=medium's `Author:` and `Date:`,
 *   AuthorDate: 2021-08-21                        or fuller's four lines
 *   Commit:     Jane Doe <jane@example.org>
 *   CommitDate: 2021-08-21
 *
 *       subject                                   the message, indented by four
 *
 *       body …
 *
 * Every entry names its commit, so each is checked against that very commit
 * of the tag's history: its author, its committer where printed, and its
 * message apart from line breaks. Dates are printed in many formats and
 * time zones: they are not checked. A line of any other shape (a --stat
 * listing, text the recipe added) means the file is not in this layout.
 */

export interface GitLogItem {
  /** 1-based line of the `commit` line. */
  line: number;
  id: string;
  /** `Name <email>` as printed. */
  author: string;
  /** fuller's `Commit:` name, without the email. */
  committer?: string;
  /** The message lines, without their indentation. */
  lines: string[];
}

const commitLine = /^commit ([0-9a-f]{40}(?:[0-9a-f]{24})?)(?: \(([^()\n]*)\))?$/;
const header = /^(Merge|Author|AuthorDate|Commit|CommitDate|Date):\s+(.*)$/;
/** What the unchecked header lines may hold: parents' ids, or a date in one of git's formats, and nothing else. */
const parents = /^[0-9a-f]{7,64}(?: [0-9a-f]{7,64})+$/;
const date = /^(?=.*\d)[A-Za-z0-9:+\-., /]{1,64}$/;

/** The file as `git log` output, or undefined when a line is not of that layout. `text` is the file's text. */
export function parseGitLog(text: string): GitLogItem[] | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const items: GitLogItem[] = [];
  let current: (GitLogItem & { inMessage: boolean }) | undefined;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    const c = commitLine.exec(line);
    if (c) {
      if (current && !current.author) return undefined;
      current = { line: i + 1, id: c[1]!, author: '', lines: [], inMessage: false };
      items.push(current);
      continue;
    }
    if (!current) return undefined;
    if (line === '') {
      if (current.inMessage) current.lines.push('');
      continue;
    }
    if (line.startsWith('    ')) {
      if (!current.author) return undefined;
      current.inMessage = true;
      current.lines.push(line.slice(4));
      continue;
    }
    const h = header.exec(line);
    if (!h || current.inMessage) return undefined;
    if (h[1] === 'Author') current.author = h[2]!.trim();
    else if (h[1] === 'Commit') current.committer = h[2]!.replace(/\s*<[^<>]*>$/, '').trim();
    else if (!(h[1] === 'Merge' ? parents : date).test(h[2]!.trim())) return undefined;
  }
  if (items.length === 0 || items.some((item) => !item.author)) return undefined;
  for (const item of items) {
    while (item.lines.at(-1) === '') item.lines.pop();
  }
  return items.map(({ line, id, author, committer, lines: message }) => ({ line, id, author, ...(committer !== undefined ? { committer } : {}), lines: message }));
}

export interface GitLogMatch {
  matched: Array<{ item: GitLogItem; commit: LoggedCommit }>;
  /** Entries whose commit the tag does not reach (among those read), or whose author or message is not that commit's. */
  unmatched: Array<{ item: GitLogItem; why: 'not-reached' | 'author' | 'committer' | 'message' }>;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).join(' ');
/** `Name  <email>` as the commit log records it, as `git log` prints it. */
const printed = (author: string) => author.replace(/\s+</, ' <');

export function matchGitLog(items: readonly GitLogItem[], commits: readonly LoggedCommit[]): GitLogMatch {
  const byId = new Map(commits.map((c) => [c.id, c]));
  const out: GitLogMatch = { matched: [], unmatched: [] };
  for (const item of items) {
    const commit = byId.get(item.id);
    if (!commit) out.unmatched.push({ item, why: 'not-reached' });
    else if (!commit.authors.some((a) => printed(a) === item.author)) out.unmatched.push({ item, why: 'author' });
    else if (item.committer !== undefined && commit.committers && !commit.committers.includes(item.committer)) out.unmatched.push({ item, why: 'committer' });
    else if (words(item.lines.join('\n')) !== words(commit.message)) out.unmatched.push({ item, why: 'message' });
    else out.matched.push({ item, commit });
  }
  return out;
}
