/**
 * What a generated file carries that its generator did not write: the lines
 * of the release's copy that the regenerated one lacks, and how bad they are.
 *
 * Every such line is in a file the build runs or reads, so it is high at the
 * least. It is critical when it adds something that runs, assigns a result or
 * changes a flag: any shell or m4 line that is not a comment in configure and
 * aclocal.m4, and in a Makefile.in a recipe line or an assignment (a compiler
 * define, a flag, a library), and any line of a parser that is not a comment
 * (it is compiled into the program). A generator other than these names the
 * syntax of its output: make (a Makefile fragment) or shell (m4 and the rest).
 */
import { diffLines } from 'diff';
import type { Severity } from '../report/severity.js';

export interface Residual {
  /** Lines only the release's copy has (its own lines, in order). */
  added: string[];
  /** Lines only the regenerated copy has. */
  removed: string[];
  severity: Extract<Severity, 'high' | 'critical'>;
  /** Why this severity, for the reasons. */
  why: string;
}

const comment = (line: string) => /^\s*(#|dnl\b)/.test(line) || line.trim() === '';

/** A line that does something when configure or aclocal.m4 is run or expanded. */
function shellCommand(line: string): boolean {
  return !comment(line);
}

/** A line of C that is compiled: anything but blank lines and comments (a directive included). */
function cRole(line: string): 'runs' | 'comment' {
  const t = line.trim();
  return t === '' || t.startsWith('//') || t.startsWith('/*') || t.startsWith('*') ? 'comment' : 'runs';
}

/** Variables whose value changes what is compiled, linked or run. */
const flagVariable = /(?:FLAGS|DEFS|DEFINES|LIBS|LDADD|LIBADD|SOURCES|DEPENDENCIES|^CC|^CXX|^CPP|^LD|^AR|^SHELL|^MAKE\w*|^PATH|_SCRIPTS|_PROGRAMS|_LTLIBRARIES|_LIBRARIES)$/;

/**
 * How a Makefile line acts, by the logical line it belongs to (continuations
 * ending in a backslash go with the line they continue): a recipe runs, an
 * assignment to a flag, source or program variable changes the build, other
 * assignments (DIST_COMMON, am__ lists) change what is listed.
 */
function makeRole(lines: readonly string[], index: number): 'runs' | 'sets' | 'lists' | 'comment' {
  let start = index;
  while (start > 0 && lines[start - 1]!.endsWith('\\')) start--;
  const first = lines[start]!;
  if (first.startsWith('\t')) return 'runs';
  if (comment(first)) return 'comment';
  if (/^\s*(?:-?include|sinclude|export|override|vpath|\.SHELLFLAGS|\.ONESHELL)\b/.test(first)) return 'runs';
  const assignment = /^\s*([A-Za-z0-9_.$(){}@-]+)\s*(?:[:+?!]?=)/.exec(first);
  if (assignment) return flagVariable.test(assignment[1]!) ? 'sets' : 'lists';
  // A rule's target line: what it depends on decides what runs.
  return 'runs';
}

/**
 * A line-level comparison of the two texts, bounded: the generator's own
 * output is close to the release's when the file is genuine.
 */
export function residualOf(release: string, regenerated: string, generator: string, path: string, maxEdits = 20_000, syntax?: 'make' | 'shell'): Residual {
  const added: string[] = [];
  const removed: string[] = [];
  const releaseLines = release.split('\n');
  const acting: string[] = [];
  let at = 0;
  const parts = diffLines(regenerated, release, { maxEditLength: maxEdits });
  if (!parts) {
    return { added: [], removed: [], severity: 'critical', why: `the release's ${path} differs from what ${generator} writes in more than ${maxEdits} lines` };
  }
  for (const part of parts) {
    const lines = part.value.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (part.removed) {
      removed.push(...lines);
      continue;
    }
    if (part.added) {
      added.push(...lines);
      lines.forEach((line, i) => {
        const role =
          generator === 'automake' || syntax === 'make' ? makeRole(releaseLines, at + i) : generator === 'autoheader' ? 'lists' : generator === 'bison' || generator === 'flex' ? cRole(line) : shellCommand(line) ? 'runs' : 'comment';
        if (role === 'runs' || role === 'sets') acting.push(line);
      });
    }
    at += lines.length;
  }
  if (acting.length > 0) {
    return { added, removed, severity: 'critical', why: `the release's ${path} has ${acting.length} line(s) ${generator} did not write that run or set something, first: ${acting[0]!.trim().slice(0, 120)}` };
  }
  if (added.length > 0) {
    return { added, removed, severity: 'high', why: `the release's ${path} has ${added.length} line(s) ${generator} did not write` };
  }
  return {
    added,
    removed,
    severity: 'high',
    why: `the release's ${path} lacks ${removed.length} line(s) that ${generator} writes from the release's own inputs: lines were cut, or an input was changed after this file was made`,
  };
}
