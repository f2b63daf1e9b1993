import type { LoggedCommit } from '../history.js';
import { dayOf, shiftDay } from './match.js';

/**
 * The log that curl's scripts/log2changes.pl (CHANGES) and libssh2's
 * git2news.pl (NEWS) write at release time from `git log --pretty=fuller
 * --no-color --date=short --decorate=full -1000`, read back:
 *
 *   Version 7.88.1 (20 Feb 2023)          a tagged commit (from --decorate)
 *
 *   Daniel Stenberg (20 Feb 2023)          a name (curl: the author; libssh2: the committer)
 *                                          and the date of the first commit under it
 *   - subject                              each commit: `- ` and its first line,
 *     body …                               its other lines indented by two
 *
 *   - [Jane Doe brought this change]       libssh2: an author other than the committer
 *
 * curl's script cuts lines at 77 bytes, in the middle of a word or of a
 * UTF-8 character: the text is read as bytes (latin1) and compared without
 * its line breaks and indentation.
 */

export interface LogItem {
  /** 1-based line of the `- ` line. */
  line: number;
  /** The name of the header above it, and that header's date. */
  person: string;
  date: string;
  /** The first item under its header: the header's date is its commit's. */
  first: boolean;
  /** libssh2's `[NAME brought this change]`. */
  author?: string;
  /** The commit's lines as printed, without the `- ` or the indentation; bytes as latin1. */
  lines: string[];
}

export interface ParsedLog {
  /** Lines before the first header (a banner the script prints). */
  preamble: string[];
  items: LogItem[];
  headers: number;
}

const header = /^(\S.*?) \((\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\)$/;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const brought = /^\[(.+) brought this change\]$/;

const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');

/** The file in this layout, or undefined when some line is not of it. `text` is the file's bytes as latin1. */
export function parseLog2Changes(text: string): ParsedLog | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: ParsedLog = { preamble: [], items: [], headers: 0 };
  let person: { name: string; date: string } | undefined;
  let seen = false;
  let first = false;
  let current: LogItem | undefined;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    const m = header.exec(line);
    if (m) {
      seen = true;
      out.headers++;
      current = undefined;
      const date = `${m[4]}-${String(months.indexOf(m[3]!) + 1).padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
      // A version line is followed by a name line: the scripts forget the last name there.
      person = /^Version \S+$/.test(m[1]!) ? undefined : { name: utf8(m[1]!), date };
      first = true;
      continue;
    }
    if (!seen) {
      if (line.trim() !== '') out.preamble.push(line);
      continue;
    }
    if (line.startsWith('- ')) {
      if (!person) return undefined;
      current = { line: i + 1, person: person.name, date: person.date, first, lines: [line.slice(2)] };
      first = false;
      out.items.push(current);
    } else if (line.trim() === '') current?.lines.push('');
    else if (line.startsWith('  ') && current) current.lines.push(line.slice(2));
    else return undefined;
  }
  for (const item of out.items) {
    const by = brought.exec(item.lines[0]!);
    if (!by) continue;
    item.author = utf8(by[1]!);
    item.lines = item.lines.slice(1);
  }
  for (const item of out.items) while (item.lines.at(-1) === '') item.lines.pop();
  return out.items.length > 0 ? out : undefined;
}

/** The text without the blanks and line breaks the scripts add or cut at (not \s: read as latin1, UTF-8's bytes include 0x85 and 0xA0). */
const squash = (text: string) => text.replace(/[ \t\r\n]+/g, '');

const nameOf = (ident: string) => ident.slice(0, ident.lastIndexOf('  <'));

export interface LogMatch {
  matched: Array<{ item: LogItem; commit: LoggedCommit }>;
  unmatched: LogItem[];
}

/**
 * Each item matched with a commit of the log: the same text apart from blanks
 * and line breaks, the header's name the commit's author or committer (and a
 * `brought` name its author), and a commit date no later than the header's
 * (the day after, for time zones): the header's own day for the first item
 * under it. Each commit explains one item only.
 */
export function matchLog2Changes(items: readonly LogItem[], commits: readonly LoggedCommit[]): LogMatch {
  const byText = new Map<string, LoggedCommit[]>();
  for (const commit of commits) {
    const key = squash(commit.message);
    let list = byText.get(key);
    if (!list) byText.set(key, (list = []));
    list.push(commit);
  }
  const used = new Set<LoggedCommit>();
  const result: LogMatch = { matched: [], unmatched: [] };
  // The days either side of a header's date, worked out once per date.
  const near = new Map<string, [string, string]>();
  for (const item of items) {
    let days = near.get(item.date);
    if (!days) near.set(item.date, (days = [shiftDay(item.date, -1), shiftDay(item.date, 1)]));
    const latest = days[1];
    const earliest = item.first ? days[0] : '';
    // Without its blanks, a UTF-8 character the script cut in two is whole again.
    const commit = (byText.get(utf8(squash(item.lines.join('\n')))) ?? []).find((c) => {
      if (used.has(c)) return false;
      const day = dayOf(c.time);
      if (day > latest || day < earliest) return false;
      const authors = c.authors.map(nameOf);
      return [...authors, ...(c.committers ?? [])].includes(item.person) && (item.author === undefined || authors.includes(item.author));
    });
    if (commit) {
      used.add(commit);
      result.matched.push({ item, commit });
    } else result.unmatched.push(item);
  }
  return result;
}
