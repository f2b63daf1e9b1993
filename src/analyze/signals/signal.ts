/**
 * Content heuristics for files the build runs. Each signal is a named value in
 * one list (see detectors.ts), like oss-rebuild's stabilizers: adding a
 * detector is adding an entry, and every hit names the detector that made it.
 */

/**
 * What part of an attack a signal stands for. The xz backdoor (CVE-2024-3094)
 * needed all three: find the payload among test files, decode it, run it.
 * Hits from two different stages are what make a file critical.
 */
export type Stage = 'locate' | 'decode' | 'execute' | 'other';

/** strong = rare in genuine build files; medium = rare but has honest uses; weak = context only. */
export type Strength = 'strong' | 'medium' | 'weak';

export interface Signal {
  /** Stable name, used in evidence: `tr-charmap`. */
  name: string;
  /** Human text for reasons: "tr character-map decoding". */
  title: string;
  stage: Stage;
  strength: Strength;
  /** Also applies to compiled sources (.c, .h, …); most signals only make sense in scripts. */
  inSources?: boolean;
  /** True when the line (comments and blank lines never reach here) shows the signal. */
  test(line: string): boolean;
  /**
   * What every line `test` accepts contains: a cheap necessary condition, so
   * that the scan runs the tests only on the few lines of a 30,000-line
   * configure that have it. It must hold on the raw line (before trimming
   * and cutting) and must not match across a newline (no `\s`, no `.`):
   * a line it misses is a signal missed. test/analyze/signals.test.ts
   * checks it against every test on real build files.
   */
  needs: RegExp;
}

export interface SignalHit {
  signal: string;
  /** 1-based line number in the scanned file. */
  line: number;
  /** The line, trimmed and cut to a readable length. */
  text: string;
  /** The line is this line of a source in the tag (Makefile.am for Makefile.in): git's code, not counted. */
  fromTag?: { path: string; line: number };
}

export const strengthWeight: Record<Strength, number> = { strong: 3, medium: 2, weak: 1 };
