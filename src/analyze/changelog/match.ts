import type { LoggedCommit } from '../history.js';
import { amendCommit, type Edit } from './amend.js';
import { namedCommit, renderCommit, renderTornOff, sameLine, type ChangeLogEntry, type RenderedCommit } from './gitlog-format.js';

/**
 * ChangeLog entries matched with commits of the tag's history. An entry is a
 * header with one or more commit messages under it; each message must be,
 * line for line, the message of a commit by that author whose committer date
 * is that day (give or take one: the script prints the maintainer's local
 * date). Matching goes by date and author, not by position, so the order
 * `git log` happened to walk in does not matter; each commit explains one
 * message only.
 */

export interface UnmatchedMessage {
  entry: ChangeLogEntry;
  /** The message's lines as the ChangeLog has them, and the line of the first. */
  lines: string[];
  line: number;
}

export interface ChangeLogMatch {
  matched: Array<{ entry: ChangeLogEntry; commit: LoggedCommit }>;
  unmatched: UnmatchedMessage[];
}

interface Candidate {
  commit: LoggedCommit;
  rendered: RenderedCommit;
  /** Position in the log, newest first. */
  order: number;
}

/** The UTC day of a time, and a day some days from another: what the ChangeLog readers compare. */
export const dayOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
export const shiftDay = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function startsWith(body: string[], at: number, lines: string[]): boolean {
  if (at + lines.length > body.length) return false;
  for (let k = 0; k < lines.length; k++) if (!sameLine(body[at + k]!, lines[k]!, k === 0)) return false;
  // A message ends at the end of the entry or at a blank line.
  return at + lines.length === body.length || body[at + lines.length] === '';
}

/**
 * The commit as the script sees it with the default format (`%s%n%b%n`) and
 * with `%s%n%n%b%n` (a blank line after the subject, which many Makefiles
 * pass), each after the tag's amend file's edits, which apply to that text;
 * `tornOff`: also as GnuPG's script prints it, naming the commit.
 */
function candidate(commit: LoggedCommit, order: number, edits: readonly Edit[] | undefined, tornOff: boolean): Candidate {
  const cut = commit.message.indexOf('\n');
  const subject = cut < 0 ? commit.message : commit.message.slice(0, cut);
  const body = cut < 0 ? '' : commit.message.slice(cut + 1);
  const forms = body.trim() === '' ? [commit.message] : [commit.message, `${subject}\n\n${body}`];
  const amended = forms.map((message) => (edits ? amendCommit({ ...commit, message }, edits) : { ...commit, message }));
  const rendered = amended.map((c) => renderCommit(c.message));
  const variants = rendered.flatMap((r) => r.variants);
  if (tornOff) variants.push(renderTornOff(amended[0]!.message, commit.id));
  return { commit: amended[0]!, rendered: { ...rendered[0]!, variants }, order };
}

/** `edits`: the amend file's edits by commit id. */
export function matchChangeLog(entries: readonly ChangeLogEntry[], commits: readonly LoggedCommit[], edits: ReadonlyMap<string, readonly Edit[] | undefined> = new Map()): ChangeLogMatch {
  const byDay = new Map<string, Candidate[]>();
  // GnuPG's layout names each message's commit on its second line.
  const tornOff = entries.some((e) => e.body.some((line) => namedCommit.test(line)));
  for (const [order, commit] of commits.entries()) {
    const c = candidate(commit, order, edits.get(commit.id), tornOff);
    const day = dayOf(c.commit.time);
    let list = byDay.get(day);
    if (!list) byDay.set(day, (list = []));
    list.push(c);
  }
  const used = new Set<Candidate>();
  const result: ChangeLogMatch = { matched: [], unmatched: [] };
  // An entry's day and the days either side, worked out once per date: a long log has many entries a day.
  const near = new Map<string, string[]>();
  const daysAround = (date: string) => {
    let days = near.get(date);
    if (!days) near.set(date, (days = [-1, 0, 1].map((d) => shiftDay(date, d))));
    return days;
  };
  for (const entry of entries) {
    const candidates = daysAround(entry.date)
      .flatMap((d) => byDay.get(d) ?? [])
      .filter((c) => c.commit.authors.includes(entry.author) && c.rendered.tiny === entry.tiny && c.rendered.coauthors.join('\n') === entry.coauthors.join('\n'))
      .sort((a, b) => a.order - b.order);
    const body = entry.body;
    let at = 0;
    while (at < body.length) {
      if (body[at] === '') {
        at++;
        continue;
      }
      let best: { candidate: Candidate; length: number } | undefined;
      for (const c of candidates) {
        if (used.has(c)) continue;
        for (const lines of c.rendered.variants) {
          if (lines.length > 0 && (!best || lines.length > best.length) && startsWith(body, at, lines)) best = { candidate: c, length: lines.length };
        }
      }
      if (best) {
        used.add(best.candidate);
        result.matched.push({ entry, commit: best.candidate.commit });
        at += best.length;
        continue;
      }
      let end = at;
      while (end < body.length && body[end] !== '') end++;
      result.unmatched.push({ entry, lines: body.slice(at, end), line: entry.bodyLines[at]! });
      at = end;
    }
    // A header with no message under it: the script prints none for an empty commit message.
    if (body.length === 0) {
      const empty = candidates.find((c) => !used.has(c) && c.rendered.variants[0]!.length === 0);
      if (empty) {
        used.add(empty);
        result.matched.push({ entry, commit: empty.commit });
      } else result.unmatched.push({ entry, lines: [], line: entry.line });
    }
  }
  return result;
}
