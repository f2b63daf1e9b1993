import { join } from 'node:path';
import { splitPath } from '../../analyze/places.js';
import type { GeneratorStep, RootPlan } from './step.js';

/**
 * Parsers and scanners made for automake's `.y.c` and `.l.c` rules, which run
 * the release's own ylwrap around the tool:
 *   bison: `ylwrap GRAMMAR y.tab.c OUT.c y.tab.h OUT.h y.output OUT.output -- bison -y AM_YFLAGS`
 *   flex:  `ylwrap SCANNER lex.yy.c OUT.c -- flex AM_LFLAGS`
 * from where make ran it. Where that was is read from the output's own
 * `#line` naming its source (the source as the tool was given it:
 * `sys-utils/x.y` from the project folder in a non-recursive build, `x.y` in
 * its own folder); a path that leaves the project (a VPATH build) is not
 * tried. ylwrap runs in the sandbox, as everything does.
 */
export type ParserTool = 'bison' | 'flex';

interface ParserKind {
  sources: readonly string[];
  flagsVariable: string;
  /** The ylwrap arguments between the source and `--`, for output OUT (no extension) with extension ext. */
  outputs(out: string, ext: string): string[];
  /** Arguments after the program. */
  toolArgs: readonly string[];
}

const kinds: Record<ParserTool, ParserKind> = {
  bison: {
    sources: ['.y', '.yy'],
    flagsVariable: 'AM_YFLAGS',
    outputs: (out, ext) => ['y.tab.c', `${out}.${ext}`, 'y.tab.h', parserHeader(`${out}.${ext}`)!, 'y.output', `${out}.output`],
    toolArgs: ['-y'],
  },
  flex: {
    sources: ['.l', '.ll'],
    flagsVariable: 'AM_LFLAGS',
    outputs: (out, ext) => ['lex.yy.c', `${out}.${ext}`],
    toolArgs: [],
  },
};

/** The source an output was made from: `parse.y` (or `.yy`) beside `parse.c`, `scan.l` beside `scan.c`. */
export function sourceOf(tool: ParserTool, path: string, has: (path: string) => boolean): string | undefined {
  const stem = path.replace(/\.(c|cc|cpp)$/, '');
  if (stem === path) return undefined;
  return kinds[tool].sources.map((ext) => stem + ext).find(has);
}

/** The header `bison -d` writes beside a parser: `parse.h` for `parse.c`, `parse.hh` for `parse.cc` or `parse.cpp`. */
export function parserHeader(path: string): string | undefined {
  const m = /^(.*)\.(c|cc|cpp)$/.exec(path);
  return m ? `${m[1]}.${m[2] === 'c' ? 'h' : 'hh'}` : undefined;
}

/** The grammar of a bison parser. */
export const grammarOf = (path: string, has: (path: string) => boolean) => sourceOf('bison', path, has);

/** The tool flags (AM_YFLAGS, AM_LFLAGS) of the project's Makefile.am files: one value, nothing make or the shell would expand. */
export function toolFlags(variable: string, texts: readonly string[]): string[] | { why: string } {
  const values = new Set<string>();
  const assignment = new RegExp(`^${variable}\\s*[+:]?=\\s*(.*)$`, 'gm');
  for (const text of texts) for (const m of text.matchAll(assignment)) values.add(m[1]!.trim());
  if (values.size > 1) return { why: `the Makefile.am files set ${variable} ${values.size} ways` };
  const words = [...values].join(' ').split(/\s+/).filter(Boolean);
  const bad = words.find((w) => !/^-[A-Za-z]$|^-[A-Za-z][A-Za-z0-9_=,.:-]+$|^--[a-z][a-z-]*(=[A-Za-z0-9_,.:-]+)?$/.test(w));
  return bad ? { why: `${variable} has ${JSON.stringify(bad)}, which cuckoo does not pass on` } : words;
}

export const yaccFlags = (texts: readonly string[]) => toolFlags('AM_YFLAGS', texts);

export const bison: GeneratorStep = {
  generator: 'bison',
  tool: 'bison',
  program: 'bison',
  header: /^\/\* A Bison parser, made by GNU Bison ([\d.]+)\.\s+\*\//m,
  writes: (path, _plan, has) => (has ? sourceOf('bison', path, has) !== undefined : /\.(c|cc|cpp)$/.test(path)),
  names: /\.(c|cc|cpp)$/,
  inPlace: true,
  perFile: true,
  argv: () => [],
  output: (path, _plan, tree) => join(tree, ...path.split('/')),
};

/** flex states its version in three defines, not in a comment. */
export const flex: GeneratorStep = {
  generator: 'flex',
  tool: 'flex',
  program: 'flex',
  header: /^#define FLEX_SCANNER\n#define YY_FLEX_MAJOR_VERSION (\d+)\n#define YY_FLEX_MINOR_VERSION (\d+)\n#define YY_FLEX_SUBMINOR_VERSION (\d+)$/m,
  versionOf: (m) => `${m[1]}.${m[2]}.${m[3]}`,
  writes: (path, _plan, has) => (has ? sourceOf('flex', path, has) !== undefined : /\.(c|cc|cpp)$/.test(path)),
  names: /\.(c|cc|cpp)$/,
  inPlace: true,
  perFile: true,
  argv: () => [],
  output: (path, _plan, tree) => join(tree, ...path.split('/')),
};

export interface ParserCommand {
  /** Folder to run in, relative to the release's top. */
  cwd: string;
  argv: string[];
}

/** The command for one parser or scanner, or why it cannot be formed. */
export function parserCommand(
  tool: ParserTool,
  path: string,
  text: string,
  plan: Pick<RootPlan, 'root'>,
  program: string,
  ylwrap: string | undefined,
  flags: string[] | { why: string },
  has: (path: string) => boolean,
): ParserCommand | { why: string } {
  const kind = kinds[tool];
  const source = sourceOf(tool, path, has);
  if (!source) return { why: `no ${kind.sources.join(' or ')} source beside it` };
  if (!ylwrap) return { why: "the release has no ylwrap, so the project's own rule made it (not automake's)" };
  if (!Array.isArray(flags)) return flags;
  const lines = [...text.matchAll(/^#line \d+ "([^"\n]+)"/gm)].map((m) => m[1]!);
  const given = lines.find((l) => kind.sources.some((ext) => l.endsWith(ext)));
  if (!given) return { why: `it has no #line naming its ${kind.sources[0]} source` };
  if (given.startsWith('/') || given.split('/').includes('..') || !source.endsWith(given)) {
    return { why: `${tool} was given its source as ${JSON.stringify(given)}: made outside the source tree (a VPATH build)` };
  }
  const cwd = source.slice(0, source.length - given.length).replace(/\/$/, '');
  if (plan.root && !(cwd === plan.root || cwd.startsWith(`${plan.root}/`))) return { why: `made in ${cwd || 'the top folder'}, outside its project folder` };
  const out = cwd ? path.slice(cwd.length + 1) : path;
  const ext = splitPath(path).name.replace(/^.*\./, '');
  const wrap = cwd ? `${cwd.split('/').map(() => '..').join('/')}/${ylwrap}` : ylwrap;
  return { cwd, argv: ['/bin/sh', wrap, given, ...kind.outputs(out.replace(/\.(c|cc|cpp)$/, ''), ext), '--', program, ...kind.toolArgs, ...flags] };
}
