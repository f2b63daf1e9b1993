import type { LoggedCommit } from '../history.js';
import type { ChangeLogEntry } from './gitlog-format.js';
import { dayOf, shiftDay, type ChangeLogMatch } from './match.js';

/**
 * A ChangeLog that Mercurial's `changelog` template writes (`hg log
 * --template=changelog`: sudo), under headers of gitlog-to-changelog's form:
 *
 *   2023-03-03  Todd C. Miller  <Todd.Miller@sudo.ws>        the changeset's date and author
 *
 *   <tab>* plugins/sudoers/match.c, plugins/sudoers/parse.c,  the files it changed, then `:`
 *   <tab>plugins/sudoers/parse.h:
 *   <tab>A user with "list" privs for root may not list …     its description, refilled to 68 columns
 *   <tab>[a3f7301ba4d3] <1.9>                                  its short id, tags and branch
 *
 * A merge lists no files: its description follows the `* `.
 *
 * Read against the git history of a project kept in Mercurial and mirrored
 * to git (hg-git): its commits carry a `--HG--` trailer the template does
 * not print, and Mercurial's commits that only add a tag to `.hgtags` have no
 * git commit.
 */

/** The line that ends a changeset: its short id, tags and branch. */
export const hgChangeset = /^\[[0-9a-f]{12}\](?: \[[^\]]*\])*(?: <[^<>]*>)?$/;

/** What Mercurial writes for a changeset that only tags (`hg tag`, `hg tag --remove`, `hg convert`). */
const hgTagging = /^(?:Added tag \S+ for changeset [0-9a-f]{12}|Removed tag \S+|update tags)$/;

/** The text without blanks and line breaks: the template refills descriptions. */
const squash = (text: string) => text.replace(/\s+/g, '');

export interface HgMatch extends ChangeLogMatch {
  /** Changesets that only add a tag to `.hgtags`, which the git history does not have. */
  tagChangesets: number;
}

/**
 * Each changeset of the entries matched with a commit by that author, within
 * a day of the entry's date (Mercurial's, which is git's author date), whose message (without the `--HG--` trailer) is
 * the description apart from blanks and line breaks. Each commit explains one
 * changeset only. The file lists and ids are Mercurial's, not checked.
 */
export function matchHgChangeLog(entries: readonly ChangeLogEntry[], commits: readonly LoggedCommit[]): HgMatch {
  const byText = new Map<string, LoggedCommit[]>();
  for (const commit of commits) {
    const key = squash(commit.message.replace(/\n--HG--\n[\s\S]*$/, ''));
    let list = byText.get(key);
    if (!list) byText.set(key, (list = []));
    list.push(commit);
  }
  const used = new Set<LoggedCommit>();
  const result: HgMatch = { matched: [], unmatched: [], tagChangesets: 0 };
  for (const entry of entries) {
    const days = [shiftDay(entry.date, -1), entry.date, shiftDay(entry.date, 1)];
    const body = entry.body;
    // The next id line at or after each line, found in one pass from the end: a long entry with
    // an id line only at its end is not searched again from each of its lines.
    const nextId = new Int32Array(body.length + 1).fill(body.length);
    for (let k = body.length - 1; k >= 0; k--) nextId[k] = hgChangeset.test(body[k]!) ? k : nextId[k + 1]!;
    let at = 0;
    while (at < body.length) {
      if (body[at] === '') {
        at++;
        continue;
      }
      // A changeset: `* files:` (over one or more lines), the description, the id line.
      let end = nextId[at]!;
      const closed = end < body.length && body[at]!.startsWith('* ') && end > at;
      if (closed) {
        const lines = body.slice(at, end + 1);
        const filesEnd = lines.findIndex((l) => l.endsWith(':'));
        const files = filesEnd >= 0 ? lines.slice(0, filesEnd + 1).join(' ').slice(2, -1) : undefined;
        const description = lines.slice(filesEnd + 1, -1).join('\n');
        if (files === '.hgtags' && hgTagging.test(description)) {
          result.tagChangesets++;
          at = end + 1;
          continue;
        }
        // After the files and their `:`; or, for a merge, which lists none, right after the `* `.
        const texts = [filesEnd >= 0 ? description : undefined, [lines[0]!.slice(2), ...lines.slice(1, -1)].join('\n')];
        const commit = texts
          .flatMap((text) => (text === undefined ? [] : (byText.get(squash(text)) ?? [])))
          .find((c) => !used.has(c) && c.authors.includes(entry.author) && days.includes(dayOf(c.authored ?? c.time)));
        if (commit) {
          used.add(commit);
          result.matched.push({ entry, commit });
          at = end + 1;
          continue;
        }
      }
      // Not a changeset of the history: up to its id line, or to a blank line when it has none.
      if (!closed) {
        end = at;
        while (end < body.length && body[end] !== '') end++;
        end--;
      }
      result.unmatched.push({ entry, lines: body.slice(at, end + 1), line: entry.bodyLines[at]! });
      at = end + 1;
    }
  }
  return result;
}
