import type { LoggedCommit } from '../history.js';
import { dayOf, shiftDay } from './match.js';

/**
 * The ChangeLog that git2cl (Simon Josefsson's script after cvs2cl, which
 * flex and other projects keep in the tree) writes from `git log`, read back:
 *
 *   2017-05-06  Will Estes <westes575@gmail.com>      the date, the author
 *                                                      (one space before the email)
 *   	* NEWS, src/main.c: version 2.6.4 * NEWS: Record   the files the commit changed,
 *   	release date.                                     then its whole message as one
 *                                                      paragraph, filled to 70 columns
 *
 * One entry for each commit, one paragraph in it. Each is matched with a
 * commit of the tag's history by the author, the day (give or take one, as
 * git2cl prints the author's local date) and the message's words; the file
 * lists are not checked.
 */

export interface Git2ClEntry {
  /** 1-based line of the header. */
  line: number;
  date: string;
  /** `Name <email>` as printed. */
  author: string;
  files: string[];
  /** The message's words. */
  words: string[];
  /** The paragraph's lines as the file has them. */
  lines: string[];
}

const header = /^(\d{4}-\d\d-\d\d) {2}(\S(?:.*\S)?) (<[^<>\s]+>)$/;
const fileList = /^\* ((?:[^\s,:]+)(?:, [^\s,:]+)*)?:(?: (.*))?$/;

/** The file in git2cl's layout, or undefined when some line is not of it. */
export function parseGit2Cl(text: string): Git2ClEntry[] | undefined {
  const lines = text.split('\n');
  const entries: Git2ClEntry[] = [];
  let current: { line: number; date: string; author: string; body: string[] } | undefined;
  const finish = () => {
    if (!current) return true;
    const joined = current.body.map((l) => l.trim()).join(' ');
    if (!joined.startsWith('* ')) return false;
    // A commit that changed no file git2cl lists (the first one of a history) has no list and no colon.
    const m = fileList.exec(joined);
    const message = m ? (m[2] ?? '') : joined.slice(2);
    entries.push({ line: current.line, date: current.date, author: current.author, files: m?.[1] ? m[1].split(', ') : [], words: message.split(/\s+/).filter(Boolean), lines: current.body });
    return true;
  };
  let blankSince = true;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    const h = header.exec(line);
    if (h) {
      if (!finish()) return undefined;
      current = { line: i + 1, date: h[1]!, author: `${h[2]} ${h[3]}`, body: [] };
      blankSince = false;
      continue;
    }
    if (line === '') {
      blankSince = true;
      continue;
    }
    if (!current || !line.startsWith('\t')) return undefined;
    // One paragraph an entry: a second one after a blank line is not git2cl's.
    if (current.body.length > 0 && blankSince) return undefined;
    if (current.body.length === 0 && !line.startsWith('\t* ')) return undefined;
    current.body.push(line.slice(1));
    blankSince = false;
  }
  if (!finish() || entries.length === 0) return undefined;
  return entries;
}

export interface Git2ClMatch {
  matched: Array<{ entry: Git2ClEntry; commit: LoggedCommit }>;
  unmatched: Git2ClEntry[];
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).join(' ');
/**
 * `Name <email>` as git2cl prints it, each run of letters outside ASCII as
 * one `?`: its Perl writes a name in whatever encoding it was given (flex's
 * ChangeLog has `Köcher` in Latin-1).
 */
const printed = (author: string) => author.replace(/\s+</, ' <').replace(/[^\x00-\x7f]+/g, '?');
/** What git2cl prints for a commit without a message, or with the one CVS wrote for none (kept by its conversion to git). */
const noMessage = '[no log message]';
const emptyMessages = ['', '*** empty log message ***'];

export function matchGit2Cl(entries: readonly Git2ClEntry[], commits: readonly LoggedCommit[]): Git2ClMatch {
  const byKey = new Map<string, LoggedCommit[]>();
  for (const c of commits) {
    const key = words(c.message);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(c);
  }
  const used = new Set<LoggedCommit>();
  const out: Git2ClMatch = { matched: [], unmatched: [] };
  for (const entry of entries) {
    const days = [-1, 0, 1].map((d) => shiftDay(entry.date, d));
    const said = entry.words.join(' ');
    const commit = (said === noMessage ? emptyMessages.flatMap((m) => byKey.get(m) ?? []) : (byKey.get(said) ?? [])).find(
      (c) => !used.has(c) && c.authors.some((a) => printed(a) === printed(entry.author)) && (days.includes(dayOf(c.authored ?? c.time)) || days.includes(dayOf(c.time))),
    );
    if (commit) {
      used.add(commit);
      out.matched.push({ entry, commit });
    } else out.unmatched.push(entry);
  }
  return out;
}
