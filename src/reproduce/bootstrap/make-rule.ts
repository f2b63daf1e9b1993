/**
 * The recipe a Makefile.am of the tag gives for a file the release ships and
 * the tag does not (libgpg-error's `$(srcdir)/err-codes.h:`, gnupg's
 * `status-codes.h:`), when it is one command line cuckoo can re-run on the
 * tag's files in the sandbox: awk, sed or perl (or `$(AWK)`, `$(SED)`,
 * `$(PERL)`), piped into one another, the output redirected to the target.
 * Words are literal text (make's `$$` made `$`), `$(srcdir)/PATH`,
 * `$(top_srcdir)/PATH`, `$<` or `$@`; any other make variable, a shell
 * expansion, or a second command line is not re-run, and said so. The
 * command is rebuilt from those words, each single-quoted, so nothing of the
 * Makefile.am is read by a shell.
 */

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote as quote, shellWords } from './shell-words.js';

export interface RecipeCommand {
  /** The first program it runs (awk, sed, perl). */
  program: string;
  /** The shell command run in the sandbox from the tree's top (`cd DIR && …`), output not included. */
  script: string;
  /** The command as the report shows it. */
  shown: string;
  /** `src/Makefile.am:232`. */
  source: string;
}

const programs: Record<string, string> = { '$(AWK)': 'awk', awk: 'awk', gawk: 'gawk', '$(SED)': 'sed', sed: 'sed', '$(PERL)': 'perl', perl: 'perl' };

/** Stands for `<` in a command's words: a word of the Makefile.am is never taken for it. */
const inputRedirect = '\0<';

export type Recipe = RecipeCommand | { why: string; source: string };

/** A rule of a Makefile.am: the index of its line, and its recipe's command lines, continuation lines joined. */
export interface RuleLines {
  at: number;
  recipe: string[];
}

/**
 * The rules of a Makefile.am, read once: for a file's path from its folder
 * (`err-codes.h`, or `src/err-codes.h` in a non-recursive top Makefile.am;
 * `$(srcdir)/` dropped, a variable that names targets expanded), the first
 * rule that makes it; undefined when none does.
 */
export function ruleLines(makefileAm: string): (name: string) => RuleLines | undefined {
  const lines = makefileAm.split('\n');
  const vars = assignments(lines);
  const targets = new Map<string, number>();
  for (const [k, line] of lines.entries()) {
    // A rule's line: its targets (several, or a variable that names them: libxml2's `$(GENERATED):`), a colon.
    const m = /^([^\s:=#][^:=#]*?)\s*:(?![=:])/.exec(line);
    if (!m) continue;
    for (const word of expand(m[1]!, vars).split(/\s+/)) {
      const name = word.replace(/^\$[({]srcdir[)}]\//, '');
      if (/^[\w.+-]+(?:\/[\w.+-]+)*$/.test(name) && !targets.has(name)) targets.set(name, k);
    }
  }
  return (name) => {
    const at = targets.get(name);
    if (at === undefined) return undefined;
    const recipe: string[] = [];
    for (let i = at + 1; i < lines.length && lines[i]!.startsWith('\t'); i++) {
      let text = lines[i]!.slice(1);
      while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.replace(/^\t/, '')}`;
      recipe.push(text.trim());
    }
    return { at, recipe };
  };
}

/**
 * The rules of a Makefile.am (`file`, its path in the tag), read once: for a
 * file's path from the Makefile.am's folder (see ruleLines), the recipe that
 * makes it as a command to re-run; `{ why }` when there is a rule but not
 * one cuckoo re-runs; undefined when no rule makes it.
 */
export function makeRules(makefileAm: string, file: string, origin: (line: number) => string = (k) => `${file}:${k + 1}`): (name: string) => Recipe | undefined {
  const lines = makefileAm.split('\n');
  const rules = ruleLines(makefileAm);
  return (name) => {
    const rule = rules(name);
    return rule === undefined ? undefined : recipeAt(lines[rule.at]!, rule.recipe, file, name, origin(rule.at));
  };
}

/** Most levels of `include` followed. */
const includeDepth = 8;
/** Most lines a Makefile.am and its fragments may come to: fragments past it keep their `include` line. */
const includedLines = 200_000;

/**
 * A Makefile.am with the fragments it includes put in place of their
 * `include` lines, as automake puts them into Makefile.in (util-linux's
 * rules live in `libsmartcols/src/Makemodule.am`). A path is read from the
 * Makefile.am's folder, `$(top_srcdir)/` from the top; one the tag lacks,
 * one that would include itself (automake refuses it), and any past
 * `includedLines` keep their line. `origin` names the file and line each
 * line came from.
 */
export async function withIncludes(
  makefileAm: string,
  file: string,
  read: (path: string) => Promise<string | undefined>,
): Promise<{ text: string; origin: (line: number) => string }> {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const lines: string[] = [];
  const origins: string[] = [];
  const inline = async (text: string, from: string, chain: readonly string[]) => {
    for (const [k, line] of text.split('\n').entries()) {
      const m = /^include\s+(\S+)\s*(?:#.*)?$/.exec(line);
      const path = m && normalized(m[1]!.startsWith('$(top_srcdir)/') ? m[1]!.slice('$(top_srcdir)/'.length) : `${dir}${m[1]!.replace(/^\$\(srcdir\)\//, '')}`);
      const followed = path && chain.length <= includeDepth && !chain.includes(path) && lines.length < includedLines;
      const included = followed ? await read(path) : undefined;
      if (included === undefined) {
        lines.push(line);
        origins.push(`${from}:${k + 1}`);
      } else await inline(included, path!, [...chain, path!]);
    }
  };
  await inline(makefileAm, file, [file]);
  return { text: lines.join('\n'), origin: (line) => origins[line] ?? `${file}:${line + 1}` };
}

/** A path inside the tree with `.` and `..` resolved; undefined when it leaves the tree or names a variable. */
export function normalized(path: string): string | undefined {
  if (path.includes('$')) return undefined;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length > 0 ? parts.join('/') : undefined;
}

/** The variables a Makefile.am sets (`NAME = …`, `NAME += …`), every branch of its conditionals taken. */
function assignments(lines: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Za-z_]\w*)\s*(\+?=|:=)\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    let value = m[3]!;
    while (value.endsWith('\\') && i + 1 < lines.length) value = `${value.slice(0, -1)} ${lines[++i]!.trim()}`;
    value = value.replace(/#.*/, '').trim();
    vars.set(m[1]!, m[2] === '+=' && vars.has(m[1]!) ? `${vars.get(m[1]!)} ${value}` : value);
  }
  return vars;
}

/** A Makefile.am's text with `$(NAME)` and `${NAME}` replaced by what it sets them to (see expand). */
export function makeVariables(makefileAm: string): (text: string) => string {
  const vars = assignments(makefileAm.split('\n'));
  return (text) => expand(text, vars);
}

/** `$(NAME)` and `${NAME}` replaced by what the Makefile.am sets them to; other references left as they are. */
function expand(text: string, vars: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 8) return text;
  return text.replace(/\$[({]([A-Za-z_]\w*)[)}]/g, (whole, name: string) => {
    const value = vars.get(name);
    return value === undefined ? whole : expand(value, vars, depth + 1);
  });
}

/**
 * automake's ylwrap as this machine installs it (`/usr/share/automake-1.16/ylwrap`,
 * the newest there): a Makefile.am's own rule runs it as `$(YLWRAP)`, which
 * automake defines in the Makefile.in it writes (pcsc-lite 1.9.9's
 * `$(SHELL) $(YLWRAP) $< lex.tp.c $@ -- "$(LEX)" -Ptp`). The sandbox reads
 * the system where it lies.
 */
export function installedYlwrap(share = '/usr/share'): string | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync(share).filter((d) => /^automake-\d+\.\d+$/.test(d));
  } catch {
    return undefined;
  }
  const minor = (d: string) => Number(d.split('.')[1]);
  for (const dir of dirs.sort((a, b) => minor(b) - minor(a))) {
    const path = join(share, dir, 'ylwrap');
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * A makefile for GNU make with the rules of a Makefile.am (`file`, its path
 * in the tag), for files whose recipe is more than the one plain command
 * recipeAt re-runs (two commands, a script of the tag, python, a shell
 * loop), its fragments already in place (withIncludes): automake's
 * conditionals taken on every branch (their lines, and a line that is one
 * configure substitution, made comments), an `include` left made optional,
 * and in front the variables automake and configure would set, as configure
 * would for a plain system (`srcdir = .`, `$(AWK)` gawk where there is one,
 * `$(PYTHON)` python3, `$(BISON)` and `$(FLEX)` the programs of those names,
 * `$(YLWRAP)` automake's as installed here, the silent-rule prefixes empty).
 * What configure computes is unset, so a recipe that needs it writes other
 * bytes, and proves nothing. A prerequisite that is neither a file nor a
 * target is made by nothing (`.DEFAULT`). Run with `make -r -R` in the Makefile.am's folder, in the
 * sandbox: the recipes are the tag's code.
 */
export function makefileFor(makefileAm: string, file: string, ylwrap: string | null = installedYlwrap() ?? null): string {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const up = dir ? dir.split('/').map(() => '..').join('/') : '.';
  const defaults = [
    'srcdir = .',
    `top_srcdir = ${up}`,
    'builddir = .',
    `top_builddir = ${up}`,
    'abs_srcdir = $(CURDIR)',
    'abs_builddir = $(CURDIR)',
    'abs_top_srcdir = $(abspath $(top_srcdir))',
    'abs_top_builddir = $(abspath $(top_builddir))',
    'SHELL = /bin/sh',
    'AM_V_GEN =',
    'AM_V_at =',
    'AM_V_P = :',
    'MKDIR_P = mkdir -p',
    'mkdir_p = mkdir -p',
    'LN_S = ln -s',
    // One name per `command -v`: dash, the sandbox's sh on Debian, prints nothing for the names after a missing one.
    'AWK := $(firstword $(foreach awk,gawk mawk awk,$(shell command -v $(awk))))',
    'SED = sed',
    'GREP = grep',
    'EGREP = grep -E',
    'FGREP = grep -F',
    'PERL = perl',
    'PYTHON = python3',
    'M4 = m4',
    'GPERF = gperf',
    'BISON = bison',
    'YACC = bison -y',
    'FLEX = flex',
    'LEX = flex',
    'EXEEXT =',
    'OBJEXT = o',
    ...(ylwrap ? [`YLWRAP = ${ylwrap}`] : []),
  ];
  const body = makefileAm
    .split('\n')
    // A line configure replaces whole (`@verbatim_extra_dependency@`) is no make syntax: a comment too.
    .map((line) => (/^(?:(?:if\s+!?\w+|else|endif)\b|@\w+@\s*$)/.test(line) ? `# ${line}` : /^include\s/.test(line) ? `-${line}` : line));
  return [...defaults, ...body, '.DEFAULT:', '\t@:', ''].join('\n');
}

/** The recipe for one file, when a single Makefile.am is asked once. */
export function recipeFor(makefileAm: string, file: string, name: string): Recipe | undefined {
  return makeRules(makefileAm, file)(name);
}

function recipeAt(ruleLine: string, recipe: readonly string[], file: string, name: string, source: string): Recipe {
  const prerequisites = ruleLine.slice(ruleLine.indexOf(':') + 1).replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
  if (recipe.length !== 1) return { why: `its recipe has ${recipe.length} command lines, not one`, source };
  const text = recipe[0]!.replace(/^[@+-]+/, '').replace(/^\$\(AM_V_(?:GEN|at)\)\s*/, '');
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const up = dir ? dir.split('/').map(() => '..').join('/') : '.';
  const all = shellWords(text);
  if (!all) return { why: 'its quoting or shell syntax is more than plain words', source };
  // The output: `> $@`, `> $(srcdir)/NAME` or `> NAME`, last.
  const out = all.at(-1);
  if (all.at(-2)?.word !== '>' || all.at(-2)!.quoted || !out || out.quoted || !['$@', `$(srcdir)/${name}`, name].includes(out.word)) {
    return { why: 'it does not end with its output redirected to the file', source };
  }
  // Make turns `$$` into `$`; any other `$` names a variable.
  const literal = (word: string) => (/\$/.test(word.replace(/\$\$/g, '')) ? undefined : word.replace(/\$\$/g, '$'));
  const path = (word: string): string | undefined => {
    if (word === '$<') return prerequisites[0] === undefined ? undefined : path(prerequisites[0]);
    if (word.startsWith('$(srcdir)/')) return literal(`./${word.slice('$(srcdir)/'.length)}`);
    if (word.startsWith('$(top_srcdir)/')) return literal(`${up}/${word.slice('$(top_srcdir)/'.length)}`);
    return literal(word);
  };
  const commands: string[][] = [[]];
  for (const [k, { word, quoted }] of all.slice(0, -2).entries()) {
    if (!quoted && word === '|') {
      commands.push([]);
      continue;
    }
    const command = commands.at(-1)!;
    if (command.length === 0) {
      const program = quoted ? undefined : programs[word];
      if (!program) return { why: `it runs ${JSON.stringify(word)}, not awk, sed or perl`, source };
      command.push(program);
    } else if (!quoted && word === '<') {
      if (k !== all.length - 4 || commands.length !== 1) return { why: 'it redirects input other than of its one command', source };
      command.push(inputRedirect);
    } else if (!quoted && word === '>') return { why: 'it writes more than one file', source };
    else if (!quoted && /^(?:;|&&|\|\|)$/.test(word)) return { why: 'it runs more than one command', source };
    else {
      const resolved = quoted ? literal(word) : path(word);
      if (resolved === undefined) return { why: `its word ${JSON.stringify(word)} names a make variable`, source };
      command.push(resolved);
    }
  }
  if (commands.some((c) => c.length === 0)) return { why: 'it has an empty command', source };
  const render = (c: string[]) => c.map((w) => (w === inputRedirect ? '<' : quote(w))).join(' ');
  const pipeline = commands.map(render).join(' | ');
  const plain = commands.map((c) => c.map((w) => (w === inputRedirect ? '<' : w)).join(' ')).join(' | ');
  return {
    program: commands[0]![0]!,
    script: dir ? `cd ${quote(dir)} && ${pipeline}` : pipeline,
    shown: `${dir ? `(cd ${dir} && ` : ''}${plain}${dir ? ')' : ''} > ${dir ? `${dir}/` : ''}${name}`,
    source,
  };
}
