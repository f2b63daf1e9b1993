import { addedLines } from './signals/added-lines.js';
import { scanBuildFile, type SignalHit } from './signals/scan.js';

/**
 * What the lines a look-alike adds to a genuine file do. A distribution's
 * patch to libtool.m4 (Fedora's lib64 search path: one assignment changed,
 * one added, a comment) adds data; the xz backdoor's build-to-host.m4 added
 * commands that located, decoded and ran a payload (CVE-2024-3094). Only the
 * first kind may be judged below critical, so anything this module cannot
 * show to be inert counts as code: a line is inert only when it is a
 * comment, a plain assignment of data, or shell/m4 punctuation.
 */

/** comment, assignment, structure and narrowed are inert; the others add code. */
export type AddedKind = 'comment' | 'assignment' | 'structure' | 'narrowed' | 'command' | 'branch' | 'definition';

export interface AddedLine {
  /** 1-based line number in the release file. */
  line: number;
  text: string;
  kind: AddedKind;
  /** For lines that add code: what they do, for reasons. */
  why?: string;
}

export interface AddedCode {
  lines: AddedLine[];
  /** The lines that add a command, a branch or a macro definition. */
  code: AddedLine[];
  /** Signal hits on added lines only. */
  signals: SignalHit[];
}

const inertKinds: ReadonlySet<AddedKind> = new Set(['comment', 'assignment', 'structure', 'narrowed']);

/** Keywords and punctuation that close or separate what other lines open; they run nothing. */
const structureToken = /^(?:fi|esac|done|else|then|do|;;|[[\](){},;]+)$/;

/** A case pattern line (`netbsd* | netbsdelf*-gnu)`): sends hosts down a branch, so a new one is a new code path. */
const casePattern = /^\(?[^\s()`$;&|]+(?:\s*\|\s*[^\s()`$;&|]+)*\)(?:\s*;;)?$/;

/** m4 and autoconf macro definitions: a new macro is new code aclocal may pick up. */
const definition = /\b(?:AC_DEFUN(?:_ONCE)?|AU_DEFUN|AU_ALIAS|AC_DEFUN_ONCE|m4_define(?:_default)?|m4_defun(?:_once)?|m4_pushdef|define)\s*\(/;

/** Command substitution or arithmetic: runs something even inside a value or a here-document. */
const substitution = /\$\(|`/;

/**
 * Variables whose value is a program or a command list: setting one is
 * choosing what runs. libtool keeps commands in `*_cmds` (archive_cmds,
 * postinstall_cmds) and pipes in `*_pipe`; the rest pick programs or what a
 * shell or loader reads.
 */
const commandVariable =
  /^(?:PATH|SHELL|CONFIG_SHELL|BASH_ENV|ENV|IFS|CC|CXX|CPP|LD|NM|AR|RANLIB|STRIP|OBJDUMP|DLLTOOL|SED|GREP|EGREP|FGREP|AWK|M4|MAKE|ECHO|LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|\w*_(?:cmds?|CMDS?|command|COMMAND|pipe|PIPE|hook|HOOK|eval|EVAL))$/;

/**
 * `name=` or libtool's `_LT_TAGVAR(name, $1)=`, then a value of quoted or plain
 * words. The value's plain characters are taken one at a time: with `[^…]+`
 * inside the repetition, a long unquoted word followed by a backslash or a
 * stray quote could be split in exponentially many ways before the match
 * failed (a fuzzed release held one line for minutes).
 */
const assignment = /^(?:export\s+)?(?:([A-Za-z_]\w*)|_LT_TAGVAR\((\w+),\s*\$1\))=((?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s;'"\\])*)(?:\s*;\s*|\s+|$)/;

/** Classify one added line (trimmed, not empty). */
export function classifyLine(text: string): Omit<AddedLine, 'line' | 'text'> {
  if ((text.startsWith('#') && !text.startsWith('#!')) || /^dnl\b/.test(text)) {
    // libtool.m4 writes its comments into the libtool script through an unquoted
    // here-document, where `…` and $(…) run: a "comment" can hold a command.
    return substitution.test(text) ? { kind: 'command', why: 'a comment with a command substitution, which runs inside an unquoted here-document' } : { kind: 'comment' };
  }
  if (definition.test(text)) return { kind: 'definition', why: 'defines a macro' };
  if (text.split(/\s+/).every((t) => structureToken.test(t))) return { kind: 'structure' };
  if (casePattern.test(text)) return { kind: 'branch', why: 'a new case pattern' };
  let rest = text;
  let assigned = false;
  for (let m = assignment.exec(rest); m && m[0].length > 0; m = assignment.exec(rest)) {
    const name = m[1] ?? m[2]!;
    if (substitution.test(m[3]!)) return { kind: 'command', why: `sets ${name} from a command substitution` };
    if (commandVariable.test(name)) return { kind: 'command', why: `sets ${name}, which names a program or holds commands` };
    assigned = true;
    rest = rest.slice(m[0].length);
  }
  // `VAR=x cmd` runs cmd; `VAR=x \` prefixes whatever the next line runs.
  if (assigned && rest === '') return { kind: 'assignment' };
  if (assigned && rest === '\\') return { kind: 'command', why: 'sets variables for the command on the next line' };
  const word = /^[^\s;|&()]+/.exec(rest)?.[0] ?? rest.slice(0, 20);
  return { kind: 'command', why: `runs \`${word}\`` };
}

/** The alternatives of a case pattern line (`a* | b)` gives a*, b), or undefined for another line. */
function alternatives(text: string): string[] | undefined {
  if (!casePattern.test(text)) return undefined;
  // `;;` and the blanks before it are cut by hand: `/\s*;;$/` takes time the square of a run of blanks.
  return (text.endsWith(';;') ? text.slice(0, -2).trimEnd() : text)
    .replace(/^\(/, '')
    .replace(/\)$/, '')
    .split('|')
    .map((a) => a.trim());
}

/** Bracket expressions of a glob (m4-quoted `[[912]]` or plain `[912]`), and the text around them. */
const bracket = /\[\[?([^[\]]*)\]\]?/g;

/**
 * Whether glob `narrow` matches nothing that `wide` does not: the same
 * text, or the same text with each bracket expression keeping only some of
 * the characters of the genuine one (`darwin[[91]]*` within `darwin[[912]]*`).
 * Ranges and negations are never compared: only plain character lists.
 */
function globWithin(narrow: string, wide: string): boolean {
  if (narrow === wide) return true;
  if (narrow.replace(bracket, '[]') !== wide.replace(bracket, '[]')) return false;
  const a = [...narrow.matchAll(bracket)].map((m) => m[1]!);
  const b = [...wide.matchAll(bracket)].map((m) => m[1]!);
  const plain = (set: string) => !/[-!^\\]/.test(set);
  return a.every((set, i) => plain(set) && plain(b[i]!) && [...set].every((c) => b[i]!.includes(c)));
}

/**
 * Whether a case pattern the release adds only narrows one the genuine file
 * has and the release lacks: each of its alternatives lies within one of the
 * genuine pattern's (Ubuntu's libtool.m4 2.4.6-14 matches `10.*` where
 * Debian's 2.4.6-15 matches `10.*|11.*`). Hosts it no longer sends down that
 * branch go down the file's other branches: no path is new.
 */
function narrowsOne(text: string, around: Neighbours, removed: readonly RemovedPattern[]): string | undefined {
  const mine = alternatives(text);
  if (!mine) return undefined;
  for (const theirs of removed) {
    // In the same place: a pattern moved into another case statement would be a new path there.
    if (theirs.around.before !== around.before && theirs.around.after !== around.after) continue;
    if (mine.every((a) => theirs.alternatives.some((b) => globWithin(a, b)))) return theirs.alternatives.join(' | ');
  }
  return undefined;
}

/** The trimmed lines just before and after a line. */
interface Neighbours {
  before: string | undefined;
  after: string | undefined;
}

interface RemovedPattern {
  alternatives: string[];
  around: Neighbours;
}

const neighbours = (lines: readonly string[], i: number): Neighbours => ({ before: lines[i - 1], after: lines[i + 1] });

/**
 * The lines of `release` that `genuine` lacks (by trimmed text, as
 * addedLines), each classified, and the signals found on them.
 */
export function addedCode(path: string, genuine: string, release: string): AddedCode {
  const numbers = addedLines(genuine, release);
  const all = release.split('\n');
  const lines: AddedLine[] = [];
  // The genuine file's case patterns the release lacks, read once and only when a pattern was added.
  let trimmed: string[] | undefined;
  let removed: RemovedPattern[] | undefined;
  const releaseLines = () => (trimmed ??= all.map((l) => l.trim()));
  const removedPatterns = (): RemovedPattern[] => {
    if (removed) return removed;
    const kept = new Set(releaseLines());
    const theirs = genuine.split('\n').map((l) => l.trim());
    removed = [];
    theirs.forEach((l, i) => {
      const alts = kept.has(l) ? undefined : alternatives(l);
      if (alts) removed!.push({ alternatives: alts, around: neighbours(theirs, i) });
    });
    return removed;
  };
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const text = all[n - 1]!.trim();
    if (text === '') continue;
    const kind = classifyLine(text);
    const within = kind.kind === 'branch' ? narrowsOne(text, neighbours(releaseLines(), n - 1), removedPatterns()) : undefined;
    lines.push(within ? { line: n, text, kind: 'narrowed', why: `narrows the genuine case pattern \`${within})\`` } : { line: n, text, ...kind });
  }
  return { lines, code: lines.filter((l) => !inertKinds.has(l.kind)), signals: scanBuildFile(path, release, numbers) };
}

/**
 * How many lines differ either way (by trimmed text), from one release text
 * to each genuine version in turn: the distance to pick the nearest genuine
 * version by. The release side is split once for every version compared.
 */
export function lineDistanceFrom(release: string): (genuine: string) => number {
  const releaseLines = release.split('\n').map((l) => l.trim());
  const releaseSet = new Set(releaseLines);
  return (genuine) => {
    const genuineLines = genuine.split('\n').map((l) => l.trim());
    const genuineSet = new Set(genuineLines);
    let distance = 0;
    for (const l of releaseLines) if (!genuineSet.has(l)) distance++;
    for (const l of genuineLines) if (!releaseSet.has(l)) distance++;
    return distance;
  };
}

/**
 * A latin1 text's trimmed lines for lineDistanceFromBytes: where each starts
 * and ends, its hash, and a hash table of its distinct lines (open addressing,
 * a line's index + 1 in each used slot).
 */
interface ByteLines {
  bytes: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  hashes: Int32Array;
  table: Int32Array;
}

/** The bytes String.prototype.trim removes from a latin1 text: tab, LF, VT, FF, CR, space, no-break space. */
const isTrimmed = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0xa0;

function sameBytes(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = aStart, j = bStart; i < aEnd; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/** The slot of `lines`' table that holds the line bytes[start, end) of the given hash, or the empty slot where it would go. */
function slotOf(lines: ByteLines, bytes: Buffer, start: number, end: number, hash: number): number {
  const { table } = lines;
  const mask = table.length - 1;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const at = table[slot]!;
    if (at === 0) return slot;
    const i = at - 1;
    if (lines.hashes[i] === hash && sameBytes(lines.bytes, lines.starts[i]!, lines.ends[i]!, bytes, start, end)) return slot;
  }
}

/**
 * The trimmed lines of `bytes`, indexed. With `other` given, the lines it
 * lacks are counted as they are read, and once more than `limit` are the
 * reading stops there: that count is returned instead of the lines.
 */
function byteLines(bytes: Buffer): ByteLines;
function byteLines(bytes: Buffer, other: ByteLines, limit: number): { lines: ByteLines; missing: number } | number;
function byteLines(bytes: Buffer, other?: ByteLines, limit = Infinity): ByteLines | { lines: ByteLines; missing: number } | number {
  let count = 1;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) count++;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const hashes = new Int32Array(count);
  let size = 16;
  while (size < count * 2) size *= 2;
  const lines: ByteLines = { bytes, starts, ends, hashes, table: new Int32Array(size) };
  let missing = 0;
  let lineStart = 0;
  for (let i = 0; i < count; i++) {
    const nl = bytes.indexOf(10, lineStart);
    let end = nl < 0 ? bytes.length : nl;
    let start = lineStart;
    lineStart = end + 1;
    while (start < end && isTrimmed(bytes[start]!)) start++;
    while (end > start && isTrimmed(bytes[end - 1]!)) end--;
    // FNV-1a, 32 bits.
    let hash = 0x811c9dc5 | 0;
    for (let k = start; k < end; k++) hash = Math.imul(hash ^ bytes[k]!, 0x01000193);
    if (other !== undefined && other.table[slotOf(other, bytes, start, end, hash)] === 0 && ++missing > limit) return missing;
    starts[i] = start;
    ends[i] = end;
    hashes[i] = hash;
    const slot = slotOf(lines, bytes, start, end, hash);
    if (lines.table[slot] === 0) lines.table[slot] = i + 1;
  }
  return other === undefined ? lines : { lines, missing };
}

/** How many lines of `a` (with repeats) `b` does not hold, counted up to one past `limit`. */
function missingFrom(a: ByteLines, b: ByteLines, limit = Infinity): number {
  let missing = 0;
  for (let i = 0; i < a.hashes.length; i++) {
    if (b.table[slotOf(b, a.bytes, a.starts[i]!, a.ends[i]!, a.hashes[i]!)] === 0 && ++missing > limit) break;
  }
  return missing;
}

/**
 * lineDistanceFrom on bytes read as latin1 (one character per byte): the same
 * count, without making a string of each text and each of its lines. Lines
 * are looked up by a hash of their trimmed bytes and compared byte for byte.
 *
 * With a `limit`, a distance past it is not counted to the end: the number
 * returned is then more than `limit` and at most the distance (a bound that
 * still holds, see variantBound), and a genuine text far from the release is
 * given up on after the lines that put it past the limit.
 */
export function lineDistanceFromBytes(release: Buffer): (genuine: Buffer, limit?: number) => number {
  const releaseLines = byteLines(release);
  return (genuine, limit = Infinity) => {
    const read = byteLines(genuine, releaseLines, limit);
    if (typeof read === 'number') return read;
    return read.missing + missingFrom(releaseLines, read.lines, limit - read.missing);
  };
}

/** lineDistanceFrom for one pair. */
export function lineDistance(genuine: string, release: string): number {
  return lineDistanceFrom(release)(genuine);
}
