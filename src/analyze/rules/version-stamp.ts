import { diffLines } from 'diff';
import { cutCommonLines } from '../common-lines.js';
import { buildRole, isBinary } from '../places.js';
import type { Rule } from '../rule.js';
import { branchPinned } from '../version-refs.js';
import { escapeRegExp } from '../regexp.js';

/**
 * Release scripts stamp the version and date into files: curl's maketgz
 * rewrites every man page's `.TH` line and turns `7.88.1-DEV` into `7.88.1` in
 * curlver.h; libssh2's rewrites the version's defines whole. A modified file is explained when each changed line, token by
 * token, differs only where the tag had a version, date or placeholder and the
 * release has its own version or a date. Anything else on a changed line (a
 * word, an operator, a number) leaves the file unexplained.
 */

const month = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const date = [
  // ctime's, as latex2man stamps a man page: `Tue Aug 29 12:09:48 2023`.
  `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${month} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}(?: [A-Z]{2,5})? \\d{4}`,
  '\\d{4}-\\d{2}-\\d{2}(?:[ T]\\d{2}:\\d{2}(?::\\d{2})?(?: ?(?:Z|UTC|[+-]\\d{2}:?\\d{2}))?)?',
  `${month}\\.? \\d{1,2},? \\d{4}`,
  `\\d{1,2} ${month}\\.?,? \\d{4}`,
  `${month} \\d{4}`,
].join('|');
// A development suffix the tag's version carries until the release drops it: 5.7-VCS (squid), 1.2-git, 2.0-devel.
const version = 'v?\\d+(?:\\.\\d+)+(?:-?(?:DEV|dev|devel|rc\\d*|alpha\\d*|beta\\d*|pre\\d*)|-(?:VCS|vcs|git|GIT|snapshot|SNAPSHOT))?';
/** What a tag holds before stamping: `[unreleased]`, `__VERSION__`, `@DATE@`, `LIBCURL_VERSION`, CMake's `${PROJECT_VERSION}`. */
const placeholder = '\\[unreleased\\]|__[A-Z_]+__|@[A-Z_]+@|\\$\\{[A-Z][A-Z0-9_]*(?:VERSION|DATE|TIMESTAMP)\\}|\\b[A-Z][A-Z0-9_]*(?:VERSION|DATE|TIMESTAMP)\\b';
const stamp = `(?:${date})|(?:${version})|(?:${placeholder})`;
// A quoted stamp is one token, so an identifier may become a string literal; so is one in m4's quotes (`[5.7-VCS]`).
const token = new RegExp(`"(?:${stamp})"|\\[(?:${stamp})\\]|${stamp}`, 'g');
/** A token without the quotes around it: `"…"`, or m4's `[…]`. */
const unquoted = (t: string) => t.replace(/^"(.*)"$|^\[(.*)\]$/s, (_, a: string | undefined, b: string | undefined) => a ?? b ?? '');
const isDate = new RegExp(`^"?(?:${date})"?$`);
const isVersion = new RegExp(`^"?(?:${version})"?$`);
/**
 * A line that is all comment, where a bare stamp changes no code: `//`, m4's
 * `dnl`, roff's `.\"`, a C block comment with no code after it, and `#` unless it
 * is a C preprocessor directive or line marker.
 */
const commentLine =
  /^\s*(?:\/\/|dnl\b|\.\\"|\/\*(?:(?!\*\/).)*(?:\*\/\s*)?$|#(?!\s*(?:\d|define|undef|if|ifdef|ifndef|elif|else|endif|include|pragma|error|warning|line)\b))/;

interface Split {
  text: string;
  tokens: string[];
}

const split = (line: string): Split => {
  const tokens: string[] = [];
  const text = line.replace(token, (t) => {
    tokens.push(t);
    return '\u0000';
  });
  return { text, tokens };
};

/**
 * A man page header `.TH title section "date" "source" "manual"` may gain the
 * version in its source field (`"libcurl"` → `"libcurl 7.88.1"`): read the old
 * field as holding a placeholder there.
 */
function manHeader(before: string, after: string, releaseVersion: string): string {
  if (!before.startsWith('.TH ') || !after.startsWith('.TH ')) return before;
  const fieldsOf = (line: string) => line.match(/"[^"]*"|\S+/g) ?? [];
  const old = fieldsOf(before);
  const now = fieldsOf(after);
  if (old.length !== now.length) return before;
  const inserted = (f: string, i: number) => f.startsWith('"') && now[i] === `${f.slice(0, -1)} ${releaseVersion}"`;
  if (!old.some(inserted)) return before;
  return old.map((f, i) => (inserted(f, i) ? `${f.slice(0, -1)} __VERSION__"` : f)).join(' ');
}


/**
 * Where a release writes its version into a line that had none: a URL query
 * naming the tag (util-linux 2.38.1's ChangeLog: `…/util-linux.git/log` →
 * `…/log?h=v2.38.1`), or a suffix on a name or path (`-v2.38.1`, `_2.38.1`,
 * `/v2.38.1`, ` 2.38.1`). Only the release's own version, whole (not followed
 * by more digits, letters or a `-rc1`), counts.
 */
function insertedStamp(releaseVersion: string): RegExp {
  return new RegExp(`(?:[?&][\\w-]+=|[-_/ @])v?${escapeRegExp(releaseVersion)}(?!\\w|\\.\\d|-\\w)`, 'g');
}

/**
 * The version stamps `after` inserts into `before`, or undefined when taking
 * every stamp of the release version out of both does not make them equal.
 * In a file the build runs, only a comment line may gain one: in code a
 * version could become part of a name or a command.
 */
function insertedOnly(before: string, after: string, releaseVersion: string, compiled: boolean): string[] | undefined {
  if (compiled && !commentLine.test(after)) return undefined;
  const pattern = insertedStamp(releaseVersion);
  const inAfter: string[] = after.match(pattern) ?? [];
  const inBefore: string[] = before.match(pattern) ?? [];
  if (inAfter.length <= inBefore.length || after.replace(pattern, '') !== before.replace(pattern, '')) return branchPinned(before, after, releaseVersion);
  return inAfter.filter((s) => !inBefore.includes(s));
}

type StampKind = 'version' | 'date' | 'commit' | { inserted: string[] };
type TagCommit = { id: string; date?: number };

/**
 * The tag's own commit id, whole or abbreviated as git abbreviates it (seven
 * hex digits or more): what a release script writes where the tag has a
 * placeholder (PortAudio 19.6.0's src/common/pa_gitrevision.h:
 * `PA_GIT_REVISION unknown` → the tagged commit's id).
 */
const isCommitOf = (value: string, id: string) => /^[0-9a-f]{7,64}$/.test(value) && id.toLowerCase().startsWith(value);

const weekday = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
/** `date +%Y%m%d`: 20221111. */
const compactDate = '(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
/** What `date` writes: `Sun 29 Aug 2021 08:37:50 PM UTC`, `Mon Feb 12 11:35:33 UTC 2007`, or a date of the list above. */
const timestamp = new RegExp(
  `^"(?:${weekday},? \\d{1,2} ${month} \\d{4}(?: \\d{1,2}:\\d{2}(?::\\d{2})?(?: [AP]M)?)?(?: [A-Z]{2,5}| [+-]\\d{4})?|${weekday} ${month} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2} [A-Z]{2,5} \\d{4}|${date}|${compactDate})"$`,
);

/**
 * A `#define` of the version that a release script rewrites whole, as
 * libssh2 1.10.0's maketgz does (`LIBSSH2_VERSION "1.9.0_DEV"` → `"1.10.0"`,
 * `_MINOR 9` → `10`, `_NUM 0x010900` → `0x010a00`, `_TIMESTAMP "DEV"` → the
 * date, the values' alignment dropped): the same name, of the same kind of
 * value, which is now the release's version as the name asks for it (whole,
 * one part, or the part-per-byte hex number) or, for a timestamp, a date.
 * A name for a revision (`…REVISION`, `…COMMIT`, `…HASH`) whose word or
 * string becomes the tagged commit's id is one too (isCommitOf).
 */
function versionDefine(before: string, after: string, releaseVersion: string, tagCommit?: TagCommit): StampKind | undefined {
  const define = /^#\s*define\s+([A-Za-z_]\w*)\s+(\S(?:.*\S)?)\s*$/;
  const a = define.exec(before);
  const b = define.exec(after);
  if (!a || !b || a[1] !== b[1]) return undefined;
  const [, name, old, now] = [a[0], a[1]!, a[2]!, b[2]!];
  const tagDate = tagCommit?.date;
  const quoted = (v: string) => /^"[^"\\]*"$/.test(v);
  if (tagCommit && /(?:REVISION|COMMIT|COMMIT_ID|HASH)$/.test(name) && /^(?:[A-Za-z_]\w*|"[^"\\]*")$/.test(old) && isCommitOf(now.replace(/^"(.*)"$/, '$1'), tagCommit.id)) return 'commit';
  if (/(?:TIMESTAMP|DATE)$/.test(name) && quoted(old) && timestamp.test(now)) return 'date';
  // The Unix time the release was made, for a name or a number the tag has (squid 5.7's
  // `SQUID_RELEASE_TIME squid_curtime` → `1662392113`): within a week of the tagged commit.
  if (/(?:TIME|TIMESTAMP)$/.test(name) && /^(?:[A-Za-z_]\w*|\d+)$/.test(old) && /^\d{9,10}$/.test(now) && tagDate !== undefined && Math.abs(Number(now) - tagDate) <= 7 * 86400) return 'date';
  if (/VERSION$/.test(name) && quoted(old) && now === `"${releaseVersion}"`) return 'version';
  const parts = releaseVersion.split('.');
  if (!parts.every((p) => /^\d+$/.test(p))) return undefined;
  const part = /VERSION_(MAJOR|MINOR|PATCH)$/.exec(name);
  if (part && /^\d+$/.test(old) && now === String(Number(parts[['MAJOR', 'MINOR', 'PATCH'].indexOf(part[1]!)] ?? '0'))) return 'version';
  const hex = `0x${[0, 1, 2].map((i) => Number(parts[i] ?? '0').toString(16).padStart(2, '0')).join('')}`;
  if (/VERSION_NUM$/.test(name) && /^0x[0-9a-fA-F]{6}$/.test(old) && now.toLowerCase() === hex && parts.every((p) => Number(p) < 256)) return 'version';
  return undefined;
}

/**
 * A comment that holds only a placeholder, which the release step replaces
 * with the quoted date or version (gdbm 1.23's src/version.c: `/*@DIST_DATE@*\/`
 * → `"04/02/2022"`, a string literal joined to the one before it).
 */
function placeholderComment(before: string, after: string, releaseVersion: string): 'version' | 'date' | undefined {
  const comment = /^(\s*)\/\*\s*@[A-Z][A-Z0-9_]*@\s*\*\/\s*$/.exec(before);
  const literal = /^(\s*)("[^"\\]*")\s*$/.exec(after);
  if (!comment || !literal || comment[1] !== literal[1]) return undefined;
  if (literal[2] === `"${releaseVersion}"`) return 'version';
  return timestamp.test(literal[2]!) || /^"\d{2}\/\d{2}\/\d{4}"$/.test(literal[2]!) ? 'date' : undefined;
}

/**
 * A define autoheader's template leaves commented out (`/* #undef KRB5_RELDATE *\/`)
 * that the release step sets (krb5 1.20.1's src/patchlevel.h: `#define
 * KRB5_RELDATE "20221111"`): a name that asks for a date set to a quoted
 * date, or one that asks for the version set to the release's, quoted.
 */
function definedAtRelease(before: string, after: string, releaseVersion: string): 'version' | 'date' | undefined {
  const a = /^\s*\/\*\s*#\s*undef\s+([A-Za-z_]\w*)\s*\*\/\s*$/.exec(before);
  const b = /^#\s*define\s+([A-Za-z_]\w*)\s+("[^"\\]*")\s*$/.exec(after);
  if (!a || !b || a[1] !== b[1]) return undefined;
  if (/(?:TIMESTAMP|DATE)$/.test(a[1]!) && timestamp.test(b[2]!)) return 'date';
  return /VERSION$/.test(a[1]!) && b[2] === `"${releaseVersion}"` ? 'version' : undefined;
}

/** Why a changed line pair is only a stamp, or undefined. */
function stampOnly(before: string, after: string, releaseVersion: string, compiled: boolean, m4 = false, tagCommit?: TagCommit): StampKind[] | undefined {
  const defined = versionDefine(before, after, releaseVersion, tagCommit) ?? placeholderComment(before, after, releaseVersion) ?? definedAtRelease(before, after, releaseVersion);
  if (defined) return [defined];
  const a = split(manHeader(before, after, releaseVersion));
  const b = split(after);
  if (a.text !== b.text || a.tokens.length !== b.tokens.length) {
    const inserted = insertedOnly(before, after, releaseVersion, compiled);
    return inserted ? [{ inserted }] : undefined;
  }
  const kinds: StampKind[] = [];
  for (let i = 0; i < a.tokens.length; i++) {
    const old = a.tokens[i]!;
    const now = b.tokens[i]!;
    if (old === now) continue;
    const core = unquoted(now);
    const bare = core.replace(/^v/, '');
    const kind = isDate.test(core) ? 'date' : isVersion.test(core) && bare === releaseVersion ? 'version' : undefined;
    if (!kind) return undefined;
    // In code, an unquoted stamp could replace a number or a name the code
    // uses; a string literal or a comment only changes text, as does a word
    // in m4's quotes in an m4 file (configure.ac's AC_INIT).
    const quoted = now.startsWith('"') || (m4 && now.startsWith('['));
    if (compiled && !quoted && !commentLine.test(after)) return undefined;
    kinds.push(kind);
  }
  return kinds;
}

const lines = (value: string) => value.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');

/**
 * A roff comment line (`.\"`, or groff's `.\#`): a reader of the page never
 * sees it, and nothing runs it. A newer latex2man marks where each file its
 * source inputs begins and ends with one (libunwind 1.6.2's
 * doc/unw_get_proc_name.man: `.\" *** start of \input{common.tex}`). The
 * `'\"` line that opens a page is not one: it names the preprocessors man runs.
 */
const roffComment = /^\.\\["#]/;

/** A man page (by its name and its `.TH` header) that no build step reads: there, changed roff comments change nothing. */
const inertComments = (path: string, text: string, compiled: boolean) => !compiled && /\.(?:man|[1-9][a-z]*)$/.test(path) && /^\.TH\s/m.test(text);

/** What the stamps of a file are, as the reason names them. */
function stampsFound(found: ReadonlySet<string>, inserted: boolean, releaseVersion: string, commit: string | undefined): string {
  const commitId = `the tagged commit's id (${commit?.slice(0, 12) ?? ''})`;
  if (found.has('commit') && !found.has('version') && !found.has('date') && !inserted) return commitId;
  return `the release version ${releaseVersion}${found.has('date') ? ' and dates' : ''}${found.has('commit') ? ` and ${commitId}` : ''}`;
}

export const versionStamp: Rule = {
  name: 'version-stamp',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    const releaseVersion = ctx.releaseVersion;
    if (!releaseVersion || release?.type !== 'file' || tag?.type !== 'file') return undefined;
    const [before, after] = await Promise.all([ctx.tagContent(tag), ctx.releaseContent(release)]);
    if (!after || isBinary(before) || isBinary(after)) return undefined;
    // Stamping touches a few lines; a file with more changes is something else.
    // Only the lines between the common ends are diffed: those ends change nothing here.
    const afterText = after.toString('utf8');
    const cut = cutCommonLines(before.toString('utf8'), afterText);
    const parts = diffLines(cut.before, cut.after, { maxEditLength: 200 });
    if (!parts) return undefined;
    const compiled = buildRole(change.path) !== undefined;
    const m4File = /(?:^|\/)configure\.(?:ac|in)$|\.m4$/.test(change.path);
    const commentsInert = inertComments(change.path, afterText, compiled);
    let removed: string[] = [];
    let added: string[] = [];
    let stamped = 0;
    let blank = 0;
    let comments = 0;
    const found = new Set<string>();
    const inserted = new Set<string>();
    /** Whether each old line and the new one in its place differ only by stamps; what they stamp is kept only when all do. */
    const paired = (olds: string[], news: string[]): boolean => {
      if (olds.length !== news.length) return false;
      const all: StampKind[][] = [];
      for (let i = 0; i < olds.length; i++) {
        const kinds = stampOnly(olds[i]!, news[i]!, releaseVersion, compiled, m4File, ctx.tagCommit);
        if (!kinds || kinds.length === 0) return false;
        all.push(kinds);
      }
      for (const kinds of all) {
        for (const k of kinds) {
          if (typeof k === 'string') found.add(k);
          else for (const t of k.inserted) inserted.add(t.trim());
        }
        stamped++;
      }
      return true;
    };
    const flush = (): boolean => {
      // Blank lines carry nothing; curl's stamping adds one after `.TH`.
      blank += removed.filter((l) => l.trim() === '').length + added.filter((l) => l.trim() === '').length;
      const olds = removed.filter((l) => l.trim() !== '');
      const news = added.filter((l) => l.trim() !== '');
      removed = [];
      added = [];
      if (paired(olds, news)) return true;
      // A generator's own notes, added or dropped whole: comment lines alone, none in place of another line.
      if (!commentsInert || (olds.length > 0 && news.length > 0)) return false;
      const notes = [...olds, ...news];
      if (!notes.every((l) => roffComment.test(l))) return false;
      comments += notes.length;
      return true;
    };
    for (const part of parts) {
      if (part.removed) removed.push(...lines(part.value));
      else if (part.added) added.push(...lines(part.value));
      else if (!flush()) return undefined;
    }
    if (!flush() || stamped === 0) return undefined;
    return {
      category: 'version-stamp',
      severity: 'low',
      reasons: [
        `${stamped === 1 ? 'the one changed line differs' : `${stamped} changed lines differ`} only by ${stampsFound(found, inserted.size > 0, releaseVersion, ctx.tagCommit?.id)}${blank ? ` (and ${blank} blank line${blank === 1 ? '' : 's'})` : ''}`,
        ...(inserted.size > 0
          ? [`the release writes its version where the tag has none: ${[...inserted].map((t) => `\`${t}\``).join(', ')} (a URL naming the tag, a versioned name)`]
          : []),
        ...(comments > 0
          ? [`${comments} roff comment line${comments === 1 ? '' : 's'} (\`.\\"\`) added or dropped as well, which the page never shows and nothing runs: a newer generator's notes`]
          : []),
      ],
    };
  },
};
