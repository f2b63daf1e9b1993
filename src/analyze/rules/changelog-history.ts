import { parseAmendFile, type Edit } from '../changelog/amend.js';
import { matchChangeLog, type ChangeLogMatch } from '../changelog/match.js';
import { parseChangeLog, type ParsedChangeLog } from '../changelog/gitlog-format.js';
import { hgChangeset, matchHgChangeLog, type HgMatch } from '../changelog/hg-format.js';
import { matchGitLog, parseGitLog } from '../changelog/git-log-format.js';
import { matchGit2Cl, parseGit2Cl } from '../changelog/git2cl-format.js';
import { matchLog2Changes, parseLog2Changes } from '../changelog/log2changes.js';
import type { LoggedCommit } from '../history.js';
import { isBinary } from '../places.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { plural } from '../../plural.js';

/**
 * A ChangeLog that gnulib's gitlog-to-changelog wrote from the commit log at
 * `make dist` (coreutils, grep, tar and many GNU projects), checked against
 * the tag's own history: every message in it must be the message of a commit
 * the tag reaches, by that author on that day. Its layout alone (what the
 * `changelog` rule goes by when there is no history) cannot tell a genuine log
 * from one with an entry written in. The history is read only for such a
 * file, in one `git log` call bounded by the oldest entry's date.
 *
 * Release recipes add to the log: a short footer (`See the source repo for
 * older entries`), or an older ChangeLog or footer the tag keeps
 * (ChangeLog-2008, ChangeLog.old, GnuPG's git-log-footer, or the tag's own
 * ChangeLog that the release extends). GnuPG's own version of the script
 * names each message's commit (`+ commit <id>`) and tears off what follows
 * a `--` line (gitlog-format.ts). Mercurial's changelog template writes
 * headers of the same form (hg-format.ts). A recipe may also write the log
 * with `git log` itself (git-log-format.ts): each entry then names its
 * commit, and is checked against that commit; or with git2cl, which puts
 * the files a commit changed before its message (git2cl-format.ts).
 */

const names = new Set(['ChangeLog', 'ChangeLog.txt']);
/** The names curl's and libssh2's scripts write their log to. */
const logNames = new Set(['CHANGES', 'NEWS']);
/** Most commits read, whatever the entries ask for. */
const maxLog = 200_000;
/** Most lines of footer or preamble text, each at most this long, taken as the recipe's. */
const maxProse = 12;
const maxProseLength = 200;
/** Most unmatched messages named in the reasons. */
const shown = 8;

const short = (id: string) => id.slice(0, 12);
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/** A ChangeLog-like name, or the footer GnuPG's projects append (build-aux/git-log-footer). */
const tailName = /changelog|^git-log-footer$/i;

/**
 * The longest file of the tag with a ChangeLog-like name whose text ends the
 * release's (`bytes` long). One known to be larger than the release's whole
 * file cannot (a submodule's sizes are listed: gnulib's ChangeLog, some MB,
 * is not read for a ChangeLog of some hundred KB); one of unknown size (-1)
 * is read.
 */
async function tagTail(text: string, bytes: number, ctx: AnalysisContext): Promise<{ path: string; start: number } | undefined> {
  const trimmed = text.trimEnd();
  let best: { path: string; start: number } | undefined;
  // Top-level files first: a tree may hold a ChangeLog in every folder (gcc has hundreds).
  const depth = (path: string) => path.split('/').length;
  const candidates = [...ctx.tagByPath.values()]
    .filter((e) => e.type === 'file' && tailName.test(e.path.slice(e.path.lastIndexOf('/') + 1)) && e.size <= bytes && e.size <= 64 * 1024 ** 2)
    .sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1));
  for (const entry of candidates.slice(0, 32)) {
    // One the repository cannot give (a submodule's partial clone lacks its blob) is not
    // taken for the tail: the whole text is then matched against the log, which is stricter.
    const bytes = await ctx.tagContent(entry).catch(() => undefined);
    if (!bytes) continue;
    const old = bytes.toString('utf8').trimEnd();
    if (old.trim() === '' || !trimmed.endsWith(old)) continue;
    const start = trimmed.length - old.length;
    if (start > 0 && trimmed[start - 1] !== '\n') continue;
    if (!best || start < best.start) best = { path: entry.path, start };
  }
  return best;
}

/** Column-0 text at the start or end, short and plain: the recipe's footer. Anything else is not from the log. */
function recipeText(parsed: ParsedChangeLog): { footer: string[]; foreign: ParsedChangeLog['prose'] } {
  const atEdge = parsed.prose.every((p) => p.afterEntries === 0 || p.afterEntries === parsed.entries.length);
  const plain = parsed.prose.every((p) => p.text.length <= maxProseLength && !/[`$|&{}\\]/.test(p.text));
  if (atEdge && plain && parsed.prose.length <= maxProse) return { footer: parsed.prose.map((p) => p.text), foreign: [] };
  return { footer: [], foreign: parsed.prose };
}

/**
 * The tag's amend file (gitlog-to-changelog --amend, conventionally
 * build-aux/git-log-fix): the edits of the commits it names that are read.
 */
async function amendments(commits: LoggedCommit[], ctx: AnalysisContext): Promise<{ edits: Map<string, Edit[] | undefined>; reasons: string[] }> {
  const entry = [...ctx.tagByPath.values()].find((e) => e.type === 'file' && /(?:^|\/)git-log-fix$/.test(e.path) && e.size <= 1024 ** 2);
  if (!entry) return { edits: new Map(), reasons: [] };
  const edits = parseAmendFile((await ctx.tagContent(entry)).toString('utf8'));
  const named = commits.filter((c) => edits.has(c.id));
  const unread = named.filter((c) => !edits.get(c.id)).length;
  const reasons: string[] = [];
  if (named.length > unread) reasons.push(`${entry.path} in the tag amends the log of ${plural(named.length - unread, 'commit')}: its substitutions were applied before matching`);
  if (unread > 0) reasons.push(`${entry.path} in the tag amends ${plural(unread, 'more commit')} with code other than plain substitutions, not applied: their entries may show as unmatched`);
  return { edits, reasons };
}

function range(commits: LoggedCommit[], tag: { id: string } | undefined): string {
  if (commits.length === 0) return '';
  const newest = commits.reduce((a, b) => (b.time > a.time ? b : a));
  const oldest = commits.reduce((a, b) => (b.time < a.time ? b : a));
  const head = newest.id === tag?.id ? `${short(newest.id)}, the tagged commit` : short(newest.id);
  return `, from ${short(oldest.id)} (${day(oldest.time)}) to ${head} (${day(newest.time)})`;
}

function unmatchedDiff(match: ChangeLogMatch, foreign: ParsedChangeLog['prose']): string {
  const hunks: string[] = [];
  for (const u of match.unmatched.slice(0, shown)) {
    hunks.push(`@@ +${u.line},${u.lines.length} @@ ${u.entry.date}  ${u.entry.author}`, ...u.lines.map((l) => `+${l === '' ? '' : `\t${l}`}`));
  }
  for (const p of foreign.slice(0, shown)) hunks.push(`@@ +${p.line},1 @@`, `+${p.text}`);
  return hunks.join('\n');
}

function judgement(parsed: ParsedChangeLog, match: ChangeLogMatch | HgMatch, commits: LoggedCommit[], capped: boolean, tail: { path: string } | undefined, amendReasons: string[], ctx: AnalysisContext): Judgement {
  const { footer, foreign } = recipeText(parsed);
  const messages = match.matched.length + match.unmatched.length;
  const hg = 'tagChangesets' in match;
  const writer = hg ? "Mercurial's changelog template" : 'gitlog-to-changelog';
  const how = hg ? 'author, date, and the description apart from line breaks' : 'author, date and text';
  const extras: string[] = [...amendReasons];
  if (hg) {
    extras.push("the file lists and changeset ids are Mercurial's, which the git history does not have: not checked");
    if (match.tagChangesets > 0) extras.push(`${plural(match.tagChangesets, 'changeset')} that only tag (.hgtags, Mercurial's own text), which have no git commit`);
  }
  if (tail) extras.push(`then the content of ${tail.path} in the tag, as the release recipe appends it`);
  if (footer.length > 0) extras.push(`with ${plural(footer.length, 'line')} of text at the edges the release recipe added: ${footer.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')}`);
  if (match.unmatched.length === 0 && foreign.length === 0) {
    return {
      category: 'generated-changelog',
      severity: 'low',
      reasons: [
        `written by ${writer} from the tag's history: all ${plural(messages, 'commit message')} under its ${plural(parsed.entries.length, 'entry', 'entries')} match commits the tag reaches (${how})${range(match.matched.map((m) => m.commit), ctx.tagCommit)}`,
        ...extras,
      ],
    };
  }
  const reasons = [
    `${match.unmatched.length} of ${plural(messages, 'commit message')} in ${writer}'s layout match no commit the tag reaches (by ${how}): text no commit wrote`,
    ...match.unmatched.slice(0, shown).map((u) => `line ${u.line}: ${u.entry.date}  ${u.entry.author}: ${JSON.stringify(u.lines[0] ?? '(no message)')}`),
  ];
  if (match.unmatched.length > shown) reasons.push(`and ${match.unmatched.length - shown} more`);
  if (foreign.length > 0) reasons.push(`${plural(foreign.length, 'line')} of text at column 0 that the script does not write, e.g. line ${foreign[0]!.line}: ${JSON.stringify(foreign[0]!.text.slice(0, 80))}`);
  if (match.matched.length > 0) reasons.push(`${match.matched.length} match commits${range(match.matched.map((m) => m.commit), ctx.tagCommit)}`);
  if (capped) reasons.push(`only the newest ${commits.length} commits of the log were read: older entries may be genuine`);
  reasons.push(...extras);
  return { category: 'changelog-mismatch', severity: 'medium', reasons, evidence: { diff: unmatchedDiff(match, foreign), added: match.unmatched.reduce((n, u) => n + u.lines.length, 0) + foreign.length } };
}

/** The tag's script that prints the banner above the log (curl's log2changes.pl, libssh2's git2news.pl), if one does. */
async function bannerScript(preamble: string[], ctx: AnalysisContext): Promise<string | undefined> {
  const candidates = [...ctx.tagByPath.values()].filter((e) => e.type === 'file' && /(?:news|changes|log)[^/]*\.pl$/i.test(e.path) && e.size <= 256 * 1024);
  for (const entry of candidates.slice(0, 8)) {
    const script = await ctx.tagContent(entry).catch(() => undefined);
    if (!script) continue;
    // Each line of the banner in the script, in the banner's order.
    let at = 0;
    const inOrder = preamble.every((line) => {
      const found = script.indexOf(Buffer.from(line, 'latin1'), at);
      at = found + line.length;
      return found >= 0;
    });
    if (inOrder) return entry.path;
  }
  return undefined;
}

/** How many commits are read ahead for a NEWS or CHANGES: the 1000 the scripts read, and slack. */
const readAheadCount = 1200;
/** The log read ahead (prepare), by analysis. */
const logsAhead = new WeakMap<AnalysisContext, Promise<LoggedCommit[] | undefined>>();

/** A NEWS or CHANGES in the layout of curl's log2changes.pl and libssh2's git2news.pl, matched with the tag's history. */
async function judgeLog2Changes(content: Buffer, history: NonNullable<AnalysisContext['history']>, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const parsed = parseLog2Changes(content.toString('latin1'));
  if (!parsed) return undefined;
  // The scripts read `git log -1000`: no date bounds what the newest commits are. Some slack
  // for a release made a few commits off the tag; at least what is read ahead, so that the
  // judgement is the same read ahead or not.
  const wanted = Math.min(maxLog, Math.max(readAheadCount, parsed.items.length + 200));
  const ahead = wanted === readAheadCount ? logsAhead.get(ctx) : undefined;
  const commits = await (ahead ?? history.commitLog!({ maxCount: wanted }));
  if (!commits) return undefined;
  const match = matchLog2Changes(parsed.items, commits);
  // Not one message of the history: a hand-written file in a like layout, left to the other rules.
  if (match.matched.length === 0) return undefined;
  const banner = parsed.preamble.length > 0 ? await bannerScript(parsed.preamble, ctx) : undefined;
  const foreign = parsed.preamble.length > 0 && !banner;
  const count = plural(parsed.items.length, 'commit message');
  const layout = "in the layout of curl's log2changes.pl and libssh2's git2news.pl";
  const how = 'the name in its header or the author, the date, and the text apart from line breaks and indentation';
  const extras = banner ? [`the banner above it (${plural(parsed.preamble.length, 'line')}) is printed by ${banner} in the tag`] : [];
  const matched = match.matched.map((m) => m.commit);
  if (match.unmatched.length === 0 && !foreign) {
    return {
      category: 'generated-changelog',
      severity: 'low',
      reasons: [`written from the tag's history ${layout}: all ${count} under its ${plural(parsed.headers, 'header')} match commits the tag reaches (${how})${range(matched, ctx.tagCommit)}`, ...extras],
    };
  }
  const show = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');
  const reasons = [
    `${match.unmatched.length} of ${count} ${layout} match no commit the tag reaches (by ${how}): text no commit wrote`,
    ...match.unmatched.slice(0, shown).map((u) => `line ${u.line}: ${u.person} (${u.date}): ${JSON.stringify(show(u.lines[0] ?? ''))}`),
  ];
  if (match.unmatched.length > shown) reasons.push(`and ${match.unmatched.length - shown} more`);
  if (foreign) reasons.push(`${plural(parsed.preamble.length, 'line')} above the first header that no script of the tag prints, e.g. ${JSON.stringify(show(parsed.preamble[0]!).slice(0, 80))}`);
  if (matched.length > 0) reasons.push(`${matched.length} match commits${range(matched, ctx.tagCommit)}`);
  const hunks = match.unmatched.slice(0, shown).flatMap((u) => [`@@ +${u.line},${u.lines.length} @@ ${u.person} (${u.date})`, ...u.lines.map((l, k) => `+${k === 0 ? '- ' : l === '' ? '' : '  '}${show(l)}`)]);
  if (foreign) hunks.push(`@@ +1,${parsed.preamble.length} @@`, ...parsed.preamble.map((l) => `+${show(l)}`));
  return {
    category: 'changelog-mismatch',
    severity: 'medium',
    reasons,
    evidence: { diff: hunks.join('\n'), added: match.unmatched.reduce((n, u) => n + u.lines.length, 0) + (foreign ? parsed.preamble.length : 0) },
  };
}

const whyNot = { 'not-reached': 'a commit the tag does not reach', author: 'another author than the commit has', committer: 'another committer than the commit has', message: 'another message than the commit has' } as const;

/**
 * The judgement of a log whose entries were each matched with a commit:
 * low when all were, else medium, naming the first that were not, with
 * them as the diff.
 */
function entryJudgement(o: {
  /** The low judgement's reason, for when every entry matched. */
  explained: string;
  /** The medium one's first reason. */
  mismatch: string;
  /** A line for each unmatched entry, and its hunk; all of them, the first `shown` are used. */
  unmatched: Array<{ reason: string; hunk: string[] }>;
  matched: LoggedCommit[];
  /** Whether the log read may have stopped short of an unmatched entry's commit. */
  capped: boolean;
  readCount: number;
  ctx: AnalysisContext;
}): Judgement {
  if (o.unmatched.length === 0) return { category: 'generated-changelog', severity: 'low', reasons: [o.explained] };
  const reasons = [o.mismatch, ...o.unmatched.slice(0, shown).map((u) => u.reason)];
  if (o.unmatched.length > shown) reasons.push(`and ${o.unmatched.length - shown} more`);
  if (o.matched.length > 0) reasons.push(`${o.matched.length} match commits${range(o.matched, o.ctx.tagCommit)}`);
  if (o.capped) reasons.push(`only the newest ${o.readCount} commits of the log were read: older entries may be genuine`);
  const hunks = o.unmatched.slice(0, shown).flatMap((u) => u.hunk);
  // Each hunk's lines past its @@ line are the entry's, as added text.
  const added = o.unmatched.reduce((n, u) => n + u.hunk.length - 1, 0);
  return { category: 'changelog-mismatch', severity: 'medium', reasons, evidence: { diff: hunks.join('\n'), added } };
}

/** A ChangeLog that `git log` wrote (git-log-format.ts), each entry matched with the commit it names. */
async function judgeGitLog(text: string, history: NonNullable<AnalysisContext['history']>, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const items = parseGitLog(text);
  if (!items) return undefined;
  const maxCount = Math.min(maxLog, Math.max(1000, 2 * items.length + 200));
  const commits = await history.commitLog!({ maxCount });
  if (!commits) return undefined;
  const match = matchGitLog(items, commits);
  const count = plural(items.length, 'commit');
  const how = 'by commit id, then author, committer where printed, and message apart from line breaks';
  const matched = match.matched.map((m) => m.commit);
  return entryJudgement({
    explained: `written by \`git log\` from the tag's history: all ${count} it lists are commits the tag reaches, as they are (${how})${range(matched, ctx.tagCommit)}`,
    mismatch: `${match.unmatched.length} of ${count} in \`git log\`'s layout are not the tag's history as it is (${how}): text no commit wrote`,
    unmatched: match.unmatched.map((u) => ({
      reason: `line ${u.item.line}: commit ${short(u.item.id)} names ${whyNot[u.why]}: ${JSON.stringify(u.item.lines[0] ?? '(no message)')}`,
      hunk: [`@@ +${u.item.line},${u.item.lines.length + 1} @@ commit ${u.item.id}`, `+Author: ${u.item.author}`, ...u.item.lines.map((l) => `+${l === '' ? '' : `    ${l}`}`)],
    })),
    matched,
    capped: commits.length >= maxCount && match.unmatched.some((u) => u.why === 'not-reached'),
    readCount: commits.length,
    ctx,
  });
}

/** A ChangeLog that git2cl wrote (git2cl-format.ts), each entry matched with a commit by author, day and message. */
async function judgeGit2Cl(text: string, history: NonNullable<AnalysisContext['history']>, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const entries = parseGit2Cl(text);
  if (!entries) return undefined;
  const oldest = entries.reduce((a, e) => (e.date < a ? e.date : a), entries[0]!.date);
  const since = Date.parse(`${oldest}T00:00:00Z`) / 1000 - 2 * 86_400;
  if (Number.isNaN(since)) return undefined;
  const maxCount = Math.min(maxLog, 4 * entries.length + 1000);
  const commits = await history.commitLog!({ since, maxCount });
  if (!commits) return undefined;
  const match = matchGit2Cl(entries, commits);
  // Not one message of the history: a hand-written file in a like layout, left to the other rules.
  if (match.matched.length === 0) return undefined;
  const count = plural(entries.length, 'entry', 'entries');
  const how = "by author, day and the message's words; the file lists unchecked";
  const matched = match.matched.map((m) => m.commit);
  return entryJudgement({
    explained: `written by git2cl from the tag's history: all ${count} match commits the tag reaches (${how})${range(matched, ctx.tagCommit)}`,
    mismatch: `${match.unmatched.length} of ${count} in git2cl's layout match no commit the tag reaches (${how}): text no commit wrote`,
    unmatched: match.unmatched.map((e) => ({
      reason: `line ${e.line}: ${e.date}  ${e.author}: ${JSON.stringify(e.words.join(' ').slice(0, 100))}`,
      hunk: [`@@ +${e.line},${e.lines.length + 2} @@`, `+${e.date}  ${e.author}`, '+', ...e.lines.map((l) => `+\t${l}`)],
    })),
    matched,
    capped: commits.length >= maxCount,
    readCount: commits.length,
    ctx,
  });
}

export const changelogHistory: Rule = {
  name: 'changelog-history',
  changes: ['only-in-release', 'modified'],
  // A NEWS or CHANGES log is read from git while other changes are judged: its judgement waits less.
  async prepare(changes, ctx) {
    const history = ctx.history;
    if (!history?.commitLog || !ctx.tagCommit) return undefined;
    if (!changes.some((c) => logNames.has(c.path) && c.release?.type === 'file' && (c.kind === 'modified' || c.kind === 'only-in-release'))) return undefined;
    const log = history.commitLog({ maxCount: readAheadCount }).catch(() => undefined);
    logsAhead.set(ctx, log);
    return async () => {
      await log;
    };
  },
  async judge(change, ctx) {
    const release = change.release;
    const history = ctx.history;
    if (release?.type !== 'file' || !(names.has(change.path) || logNames.has(change.path)) || !history?.commitLog || !ctx.tagCommit) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content || isBinary(content)) return undefined;
    if (logNames.has(change.path)) return judgeLog2Changes(content, history, ctx);
    const text = content.toString('utf8');
    if (text.startsWith('commit ')) {
      const judged = await judgeGitLog(text, history, ctx);
      if (judged) return judged;
    }
    if (/^\d{4}-\d\d-\d\d {2}\S.* <[^<>\s]+>\r?\n/.test(text)) {
      const judged = await judgeGit2Cl(text, history, ctx);
      if (judged) return judged;
    }
    const tail = await tagTail(text, content.length, ctx);
    const parsed = parseChangeLog(tail ? text.slice(0, tail.start) : text);
    if (parsed.entries.length === 0) return undefined;
    const oldest = parsed.entries.reduce((a, e) => (e.date < a ? e.date : a), parsed.entries[0]!.date);
    const since = Date.parse(`${oldest}T00:00:00Z`) / 1000 - 2 * 86_400;
    if (Number.isNaN(since)) return undefined;
    const paragraphs = parsed.entries.reduce((n, e) => n + 1 + e.body.filter((l) => l === '').length, 0);
    const maxCount = Math.min(maxLog, 4 * paragraphs + 1000);
    const commits = await history.commitLog({ since, maxCount });
    if (!commits) return undefined;
    // Mercurial's layout ends every changeset with its id line: a stray one in a commit message is not it.
    const idLines = parsed.entries.reduce((n, e) => n + e.body.filter((l) => hgChangeset.test(l)).length, 0);
    if (idLines > 0 && 2 * idLines >= parsed.entries.length) {
      return judgement(parsed, matchHgChangeLog(parsed.entries, commits), commits, commits.length >= maxCount, tail, [], ctx);
    }
    const { edits, reasons } = await amendments(commits, ctx);
    const match = matchChangeLog(parsed.entries, commits, edits);
    return judgement(parsed, match, commits, commits.length >= maxCount, tail, reasons, ctx);
  },
};
