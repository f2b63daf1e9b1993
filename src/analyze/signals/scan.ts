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
 * Every signal hit in a build file, in line order. `only`, when given, limits
 * the scan to those 1-based line numbers (the lines a release added).
 */
export function scanBuildFile(path: string, text: string, only?: ReadonlySet<number>): SignalHit[] {
  const role = buildRole(path);
  const active = signals.filter((s) => role !== 'compiled-source' || s.inSources);
  const hits: SignalHit[] = [];
  const lines = text.split('\n');
  for (const [k, raw] of lines.entries()) {
    if (only && !only.has(k + 1)) continue;
    const trimmed = raw.trim();
    if (trimmed === '' || isComment(trimmed)) continue;
    const line = trimmed.length > maxLineLength ? trimmed.slice(0, maxLineLength) : trimmed;
    for (const signal of active) {
      if (signal.test(line)) hits.push({ signal: signal.name, line: k + 1, text: line.length > maxTextLength ? `${line.slice(0, maxTextLength)}…` : line });
    }
  }
  return hits;
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
