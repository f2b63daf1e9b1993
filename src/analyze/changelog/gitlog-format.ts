/**
 * The ChangeLog layout of gnulib's gitlog-to-changelog, read back, and a
 * commit rendered the way the script renders it (build-aux/gitlog-to-changelog,
 * 2022 and earlier versions alike):
 *
 *   2022-04-15  Pádraig Brady  <P@draigBrady.com>      date (committer's, local time), %an  <%ae>
 *   <tab>    Co Author  <co@example.org>                 Co-authored-by: trailers
 *
 *   <tab>subject                                         %s%n%b, each line tab-indented,
 *   <tab>body …                                          trailing blanks cut, blank lines empty
 *
 * Adjacent single-paragraph commits with the same header are clustered under
 * one header, separated by a blank line. Signed-off-by, Co-authored-by,
 * Copyright-paperwork-exempt and Tiny-change lines are left out; the last two
 * add `  (tiny change)` to the header.
 */

export interface ChangeLogEntry {
  /** 1-based line of the header. */
  line: number;
  /** `YYYY-MM-DD`. */
  date: string;
  /** `Name  <email>`. */
  author: string;
  tiny: boolean;
  /** Co-author lines without their tab: `    Name  <email>`. */
  coauthors: string[];
  /** Message lines with their one leading tab removed; '' for a blank line. */
  body: string[];
  /** The 1-based line of each body line. */
  bodyLines: number[];
}

export interface ParsedChangeLog {
  entries: ChangeLogEntry[];
  /** Text at column 0 that is not an entry header: a footer or preamble the release recipe added. */
  prose: Array<{ line: number; text: string; afterEntries: number }>;
}

const header = /^(\d{4}-\d{2}-\d{2})  (\S.*?>)(  \(tiny change\))?$/;
/** A co-author line, right under the header; the script prints one that lacks an address as it is. */
const coauthor = /^    \S/;

export function parseChangeLog(text: string): ParsedChangeLog {
  const entries: ChangeLogEntry[] = [];
  const prose: ParsedChangeLog['prose'] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let current: ChangeLogEntry | undefined;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    const m = header.exec(line);
    if (m) {
      current = { line: i + 1, date: m[1]!, author: m[2]!, tiny: m[3] !== undefined, coauthors: [], body: [], bodyLines: [] };
      entries.push(current);
      continue;
    }
    if (line.trim() !== '' && !/^\s/.test(line)) {
      prose.push({ line: i + 1, text: line, afterEntries: entries.length });
      current = undefined;
      continue;
    }
    if (!current) continue;
    const inner = line.startsWith('\t') ? line.slice(1) : line.trim() === '' ? '' : line;
    if (current.body.length === 0 && coauthor.test(inner)) {
      current.coauthors.push(inner);
      continue;
    }
    current.body.push(inner.trim() === '' ? '' : inner);
    current.bodyLines.push(i + 1);
  }
  for (const e of entries) {
    while (e.body.at(-1) === '') {
      e.body.pop();
      e.bodyLines.pop();
    }
    while (e.body[0] === '') {
      e.body.shift();
      e.bodyLines.shift();
    }
  }
  return { entries, prose };
}

export interface RenderedCommit {
  /** The message's lines as printed, and with --strip-cherry-pick when that changes them. */
  variants: string[][];
  coauthors: string[];
  tiny: boolean;
}

function cleaned(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && /^\s*$/.test(out[0]!)) out.shift();
  while (out.length > 0 && /^\s*$/.test(out.at(-1)!)) out.pop();
  return out.map((l) => (/^\s*$/.test(l) ? '' : l));
}

/*
 * The two helpers below do what `/[ \t]+$/` and `/\s*</` would, in one pass:
 * on a long run of blanks that does not end the line (or precede a `<`)
 * those patterns are tried from every blank, in time the square of the run.
 */

/** The line without its trailing spaces and tabs. */
function trimBlanksEnd(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return end === line.length ? line : line.slice(0, end);
}

/** The first `<` and the whitespace before it replaced by two spaces and `<`. */
function spacedAddress(line: string): string {
  const lt = line.indexOf('<');
  if (lt < 0) return line;
  let start = lt;
  while (start > 0 && /\s/.test(line[start - 1]!)) start--;
  return `${line.slice(0, start)}  <${line.slice(lt + 1)}`;
}

/** The line without its trailing whitespace as Perl's `\s` reads bytes (a CR too), in one pass as trimBlanksEnd. */
function trimSpaceEnd(line: string): string {
  let end = line.length;
  while (end > 0 && ' \t\r\f\v'.includes(line[end - 1]!)) end--;
  return end === line.length ? line : line.slice(0, end);
}

/** The line without the CR that ends it, as the ChangeLog's lines are read. */
const dropCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

/** A commit message (`%s%n%b`) as gitlog-to-changelog prints it, without the tabs. */
export function renderCommit(message: string): RenderedCommit {
  // The script splits on /[ \t]*\n/: trailing blanks go, and a CRLF message's
  // CRs stay, which the ChangeLog's reader takes off each line (Linux-PAM
  // 1.5.2's Weblate commits). Its copies of March to September 2015 split on
  // /\s*\n/, which takes every line's trailing whitespace, a CR too, and the
  // blank lines with it (libqb 2.0.6's build-aux/gitlog-to-changelog).
  const current = renderLines(message.split('\n').map((l) => dropCr(trimBlanksEnd(l))));
  // Only a CR, a blank line or a form feed at a line's end prints otherwise.
  if (!/[\r\f\v]|\n[ \t]*\n/.test(message)) return current;
  const older = renderLines(message.split('\n').map(trimSpaceEnd).filter((l) => l !== ''));
  const seen = new Set(current.variants.map((v) => v.join('\n')));
  return { ...current, variants: [...current.variants, ...older.variants.filter((v) => !seen.has(v.join('\n')))] };
}

function renderLines(split: string[]): RenderedCommit {
  let lines = split;
  const tiny = lines.some((l) => /^(?:Copyright-paperwork-exempt|Tiny-change):\s+[Yy]es$/.test(l));
  const coauthors = lines.filter((l) => /^Co-authored-by:/.test(l)).map((l) => spacedAddress(l.replace(/^Co-authored-by:\s*/, '    ')));
  lines = lines.filter((l) => !/^(?:Signed-off-by: .*>$|Co-authored-by: |Copyright-paperwork-exempt: |Tiny-change: )/.test(l));
  const variants = [cleaned(lines)];
  const text = lines.join('\n');
  const picked = text.replace(/^\s*Conflicts:\n[\s\S]*/m, '').replace(/^\s*\(cherry picked from commit [\da-f]+\)\n?/m, '');
  if (picked !== text) variants.push(cleaned(picked.split('\n')));
  return { variants, coauthors, tiny };
}

/** A line that names its commit, as GnuPG's gitlog-to-changelog writes under each subject. */
export const namedCommit = /^\+ commit [\da-f]{40}$/;

/**
 * A commit as GnuPG's gitlog-to-changelog prints it with `--tear-off`
 * (GnuPG, libgcrypt, libgpg-error, libassuan, libksba …): `+ commit <id>`
 * under the subject, keyword lines (`Signed-off-by:`, `GnuPG-bug-id:`) left
 * out, and nothing from a `--` line on. This script splits on newlines only:
 * trailing blanks stay.
 */
export function renderTornOff(message: string, id: string): string[] {
  const lines: string[] = [];
  for (const line of message.split('\n')) {
    if (/^[A-Z][A-Za-z]+-[a-z-]+: /.test(line)) continue;
    if (/^--\s*$/.test(line)) break;
    lines.push(line);
  }
  const kept = cleaned(lines);
  return kept.length === 0 ? [] : [kept[0]!, `+ commit ${id}`, ...kept.slice(1)];
}

/**
 * One ChangeLog line against the commit's: as printed, with --strip-tab (one
 * more leading tab removed) or, for the subject, with --append-dot.
 */
export function sameLine(entry: string, commit: string, first: boolean): boolean {
  if (entry === commit) return true;
  if (commit.startsWith('\t') && entry === commit.slice(1)) return true;
  return first && commit.length < 72 && !/[\p{P}\s]$/u.test(commit) && entry === `${commit}.`;
}
