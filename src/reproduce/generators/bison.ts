import { join } from 'node:path';
import { splitPath } from '../../analyze/places.js';
import type { GeneratorStep, RootPlan } from './step.js';

/** The grammar a parser was made from: `parse.y` (or `.yy`) beside `parse.c`. */
export function grammarOf(path: string, has: (path: string) => boolean): string | undefined {
  const stem = path.replace(/\.(c|cc|cpp)$/, '');
  if (stem === path) return undefined;
  return ['.y', '.yy'].map((ext) => stem + ext).find(has);
}

/** The yacc flags of the project's Makefile.am files: one value, with nothing make or the shell would expand. */
export function yaccFlags(texts: readonly string[]): string[] | { why: string } {
  const values = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(/^AM_YFLAGS\s*[+:]?=\s*(.*)$/gm)) values.add(m[1]!.trim());
  if (values.size > 1) return { why: `the Makefile.am files set AM_YFLAGS ${values.size} ways` };
  const words = [...values].join(' ').split(/\s+/).filter(Boolean);
  const bad = words.find((w) => !/^-[A-Za-z]$|^-[A-Za-z][A-Za-z0-9_=,.:-]+$|^--[a-z][a-z-]*(=[A-Za-z0-9_,.:-]+)?$/.test(w));
  return bad ? { why: `AM_YFLAGS has ${JSON.stringify(bad)}, which cuckoo does not pass on` } : words;
}

/**
 * Parsers bison wrote for automake's `.y.c` rule: `ylwrap GRAMMAR y.tab.c
 * OUT.c y.tab.h OUT.h y.output OUT.output -- bison -y AM_YFLAGS`, run where
 * make ran it. Where that was is read from the parser's own first `#line`
 * (the grammar as bison was given it: `sys-utils/x.y` from the project
 * folder in a non-recursive build, `x.y` in the grammar's folder); a path
 * that leaves the project (a VPATH build) is not tried. ylwrap is the
 * release's own (it runs in the sandbox, as everything does).
 */
export const bison: GeneratorStep = {
  generator: 'bison',
  tool: 'bison',
  program: 'bison',
  header: /^\/\* A Bison parser, made by GNU Bison ([\d.]+)\.\s+\*\//m,
  writes: (path, _plan, has) => (has ? grammarOf(path, has) !== undefined : /\.(c|cc|cpp)$/.test(path)),
  inPlace: true,
  perFile: true,
  argv: () => [],
  output: (path, _plan, tree) => join(tree, ...path.split('/')),
};

export interface BisonCommand {
  /** Folder to run in, relative to the release's top. */
  cwd: string;
  argv: string[];
}

/** The command for one parser, or why it cannot be formed. */
export function bisonCommand(
  path: string,
  head: string,
  plan: Pick<RootPlan, 'root'>,
  bisonProgram: string,
  ylwrap: string | undefined,
  flags: string[] | { why: string },
  has: (path: string) => boolean,
): BisonCommand | { why: string } {
  const grammar = grammarOf(path, has);
  if (!grammar) return { why: 'no grammar beside it' };
  if (!ylwrap) return { why: "the release has no ylwrap, so the project's own rule made it (not automake's)" };
  if (!Array.isArray(flags)) return flags;
  const given = /^#line \d+ "([^"\n]+)"/m.exec(head)?.[1];
  if (!given) return { why: 'it has no #line naming its grammar' };
  if (given.startsWith('/') || given.split('/').includes('..') || !grammar.endsWith(given)) {
    return { why: `bison was given its grammar as ${JSON.stringify(given)}: made outside the source tree (a VPATH build)` };
  }
  const cwd = grammar.slice(0, grammar.length - given.length).replace(/\/$/, '');
  if (plan.root && !(cwd === plan.root || cwd.startsWith(`${plan.root}/`))) return { why: `made in ${cwd || 'the top folder'}, outside its project folder` };
  const rel = (p: string) => (cwd ? p.slice(cwd.length + 1) : p);
  const out = rel(path);
  const outStem = out.replace(/\.(c|cc|cpp)$/, '');
  const ext = splitPath(path).name.endsWith('.c') ? 'h' : 'hh';
  const wrap = cwd ? relativeTo(cwd, ylwrap) : ylwrap;
  return { cwd, argv: ['/bin/sh', wrap, given, 'y.tab.c', out, 'y.tab.h', `${outStem}.${ext}`, 'y.output', `${outStem}.output`, '--', bisonProgram, '-y', ...flags] };
}

/** `a/b` and `x/ylwrap` → `../../x/ylwrap`. */
function relativeTo(from: string, to: string): string {
  return `${from.split('/').map(() => '..').join('/')}/${to}`;
}
