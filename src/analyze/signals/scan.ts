import { buildRole } from '../places.js';
import { signals } from './detectors.js';
import type { Signal, SignalHit, Stage } from './signal.js';

export type { Signal, SignalHit } from './signal.js';
export { signals } from './detectors.js';

/** Longer lines are cut before matching, so one minified line cannot make the regexes slow. */
const maxLineLength = 4000;
const maxTextLength = 160;

const byName = new Map(signals.map((s) => [s.name, s]));

export function signalNamed(name: string): Signal | undefined {
  return byName.get(name);
}

/**
 * Comments never run. `#!` is not a comment; m4's `dnl` and C's `//` and
 * block-comment lines are. (An m4 `#` line is copied into configure as a
 * shell comment, so it is inert there too.)
 */
function isComment(trimmed: string): boolean {
  return (trimmed.startsWith('#') && !trimmed.startsWith('#!')) || /^dnl\b/.test(trimmed) || trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*');
}

/**
 * Whether every match of `need` holds a `|`: its pattern is one sequence (no
 * alternative at its top level) that opens with a `|` (not made optional) or
 * closes with one.
 */
export function alwaysPiped(need: RegExp): boolean {
  const s = need.source;
  const opens = s.startsWith('\\|') && !'*?{'.includes(s[2] ?? '');
  const closes = s.endsWith('\\|');
  if (!opens && !closes) return false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      for (i++; i < s.length && s[i] !== ']'; i++) if (s[i] === '\\') i++;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return false;
    }
  }
  return true;
}

/**
 * The needs of a set of signals as patterns: a line that matches none of
 * them cannot fire. Those that always hold a `|` are tested only on the lines
 * that have one (found with indexOf, much faster than a pattern), the rest
 * as one pattern over the whole text: one pattern of every need took about
 * a third longer (see docs/speed-history.md).
 */
interface Needs {
  /** The needs without a `|` as one pattern, global; undefined when there are none. */
  plain: RegExp | undefined;
  /** The needs that hold a `|` as one pattern; undefined when there are none. */
  piped: RegExp | undefined;
}

const needsOf = new Map<readonly Signal[], Needs>();
function anyNeed(active: readonly Signal[]): Needs {
  let needs = needsOf.get(active);
  if (!needs) {
    const one = (list: readonly Signal[], flags: string) => {
      const sources = [...new Set(list.map((s) => s.needs.source))];
      return sources.length > 0 ? new RegExp(sources.map((source) => `(?:${source})`).join('|'), flags) : undefined;
    };
    needs = { plain: one(active.filter((s) => !alwaysPiped(s.needs)), 'g'), piped: one(active.filter((s) => alwaysPiped(s.needs)), '') };
    needsOf.set(active, needs);
  }
  return needs;
}

/** Where each line of `text` that matches `needs` starts, in order. */
function neededLineStarts(text: string, needs: Needs): number[] {
  const starts: number[] = [];
  const { plain, piped } = needs;
  if (plain) {
    plain.lastIndex = 0;
    for (let m = plain.exec(text); m; m = plain.exec(text)) {
      starts.push(text.lastIndexOf('\n', m.index) + 1);
      const nl = text.indexOf('\n', m.index);
      if (nl === -1) break;
      plain.lastIndex = nl + 1;
    }
  }
  if (!piped) return starts;
  const pipedStarts: number[] = [];
  for (let bar = text.indexOf('|'); bar !== -1; ) {
    const start = text.lastIndexOf('\n', bar) + 1;
    let end = text.indexOf('\n', bar);
    if (end === -1) end = text.length;
    if (piped.test(text.slice(start, end))) pipedStarts.push(start);
    bar = text.indexOf('|', end);
  }
  if (pipedStarts.length === 0) return starts;
  // Both in order: merged, each line once.
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < starts.length || j < pipedStarts.length) {
    const next = j >= pipedStarts.length || (i < starts.length && starts[i]! <= pipedStarts[j]!) ? starts[i++]! : pipedStarts[j++]!;
    if (merged[merged.length - 1] !== next) merged.push(next);
  }
  return merged;
}

const forScripts = signals;
const forSources = signals.filter((s) => s.inSources);

/**
 * Every signal hit in a build file, in line order. `only`, when given, limits
 * the scan to those 1-based line numbers (the lines a release added). The
 * signals' needs find the lines worth testing (neededLineStarts); the tests
 * run on those alone. `unmark`, when given, is taken off
 * the start of each line before it is tested: a translation catalog's comment
 * marks (`#`, `#:`, `#,` …), so its comments are read as text, not skipped.
 * Taking it off a line instead of the text spares a copy of the whole text;
 * the needs, none of which looks behind its first character, match the
 * marked line wherever they match the unmarked one.
 */
export function scanBuildFile(path: string, text: string, only?: ReadonlySet<number>, unmark?: RegExp): SignalHit[] {
  const active = buildRole(path) === 'compiled-source' ? forSources : forScripts;
  const hits: SignalHit[] = [];
  // A pattern with `[^\n]*` costs up to the square of a line's length: on a
  // file with a line longer than the cut, every line is cut and tested, as
  // the detectors only ever see a cut line.
  if (hasLongLine(text)) {
    for (const [k, raw] of text.split('\n').entries()) if (!only || only.has(k + 1)) scanLine(unmark ? raw.replace(unmark, '') : raw, k + 1, active, hits);
    return hits;
  }
  let line = 0;
  let start = 0;
  for (const lineStart of neededLineStarts(text, anyNeed(active))) {
    // Move to the line, counting the ones passed.
    for (let nl = text.indexOf('\n', start); nl !== -1 && nl < lineStart; nl = text.indexOf('\n', start)) {
      start = nl + 1;
      line++;
    }
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    if (!only || only.has(line + 1)) scanLine(unmark ? text.slice(start, end).replace(unmark, '') : text.slice(start, end), line + 1, active, hits);
  }
  return hits;
}

/**
 * Whether a line of `text` is longer than the cut. The last line is measured
 * in the loop, as every other: a check after it, never run before V8 had
 * compiled the loop, threw that code away at the end of each file (17 times
 * in a coreutils 9.1 run).
 */
function hasLongLine(text: string): boolean {
  for (let start = 0; ; ) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    if (nl - start > maxLineLength) return true;
    if (nl === text.length) return false;
    start = nl + 1;
  }
}

/**
 * The signals of one line. On a line no longer than the cut, each signal's
 * test runs only where its own `needs` matches the raw line, a necessary
 * condition of the test (see Signal.needs) and a cheaper one: most lines
 * come here for one signal's `needs`. A longer line is tested whole, as the
 * needs of a long line cost up to the square of its length (see
 * scanBuildFile).
 */
function scanLine(raw: string, number: number, active: readonly Signal[], hits: SignalHit[]): void {
  const trimmed = raw.trim();
  if (trimmed === '' || isComment(trimmed)) return;
  const line = trimmed.length > maxLineLength ? trimmed.slice(0, maxLineLength) : trimmed;
  const gated = raw.length <= maxLineLength;
  for (const signal of active) {
    if ((!gated || signal.needs.test(raw)) && signal.test(line)) hits.push({ signal: signal.name, line: number, text: line.length > maxTextLength ? `${line.slice(0, maxTextLength)}…` : line });
  }
}

export type Assessment = { severity: 'critical' | 'high'; why: string } | undefined;

/**
 * How much the hits weigh together. One strong signal is `high`; hits from two
 * stages of the xz chain (locate a payload, decode it, execute it), one of them
 * strong, are `critical`. Two different medium signals are `high`. Weak hits
 * never judge a file on their own.
 */
export function assess(hits: readonly SignalHit[]): Assessment {
  const found = [...new Set(hits.map((h) => h.signal))].map((n) => byName.get(n)).filter((s): s is Signal => s !== undefined);
  const strong = found.filter((s) => s.strength === 'strong');
  const medium = found.filter((s) => s.strength === 'medium');
  const stages = new Set<Stage>([...strong, ...medium].map((s) => s.stage).filter((s) => s !== 'other'));
  if (strong.length > 0 && stages.size >= 2) {
    return { severity: 'critical', why: `signals of ${[...stages].join(', ')} together, as in the xz backdoor's build-to-host.m4` };
  }
  if (strong.length > 0) return { severity: 'high', why: 'a strong signal' };
  if (medium.length >= 2) return { severity: 'high', why: 'several signals together' };
  return undefined;
}
