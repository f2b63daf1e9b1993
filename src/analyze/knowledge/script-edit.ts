/**
 * A build tool's file that the tag's bootstrap script copies in and then
 * edits with sed. APR's `buildconf` runs libtoolize, then
 *
 *   mv build/libtool.m4 build/libtool.m4.$$
 *   sed -e 's/\(LIBTOOL=.*\)top_build/\1apr_build/' < build/libtool.m4.$$ > build/libtool.m4
 *
 * so the release's libtool.m4 is a genuine one with one line changed. The
 * edit is read from the script, never run: each `s` command of the line
 * that writes the file (`> FILE`, or `sed -i … FILE`) is applied here to the
 * genuine text, and the file is explained only when the result is the
 * release's bytes. Only what can be applied exactly is taken: single-quoted
 * `s/RE/REPLACEMENT/` commands with no flag but `g`, written in the plain
 * subset of POSIX basic regular expressions (literals, `.`, `*`, `^`, `$`,
 * bracket lists without classes, `\(…\)` groups, `\{m,n\}`), and
 * replacements made of text, `&` and `\1` to `\9`. Anything else leaves the
 * file to the other rules.
 */
import { wholeScripts } from '../../reproduce/bootstrap/whole-script.js';
import { escapeRegExp } from '../regexp.js';
import type { AnalysisContext } from '../rule.js';

/** Most bytes of a script read. */
const maxScript = 256 * 1024;

export interface SedSubstitution {
  /** As written in the script, between its quotes. */
  text: string;
  pattern: RegExp;
  replacement: string;
}

export interface ScriptEdit {
  /** The script's path in the tag. */
  script: string;
  /** The script's line that writes the file. */
  line: string;
  substitutions: SedSubstitution[];
}

/**
 * A basic regular expression as a JavaScript one, or undefined when it uses
 * anything outside the subset this module applies exactly.
 */
export function basicRegExp(re: string): string | undefined {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      const n = re[++i];
      if (n === undefined) return undefined;
      if (n === '(' || n === ')' || n === '{' || n === '}') out += n;
      else if ('.*[]\\/^$'.includes(n)) out += `\\${n}`;
      else return undefined;
    } else if (c === '[') {
      const close = bracketEnd(re, i);
      if (close === undefined) return undefined;
      const list = re.slice(i + 1, close);
      if (list.includes('[') || list.includes('\\')) return undefined;
      out += `[${list.replace(/^(\^?)\]/, '$1\\]')}]`;
      i = close;
    } else if (c === '^') {
      out += i === 0 ? '^' : '\\^';
    } else if (c === '$') {
      out += i === re.length - 1 ? '$' : '\\$';
    } else if (c === '*') {
      // A leading star (or one after `\(` or `^`) is a literal one in a basic expression.
      out += i === 0 || re.slice(0, i).endsWith('\\(') || (i === 1 && re[0] === '^') ? '\\*' : '*';
    } else if (c === '.') {
      out += '.';
    } else {
      out += escapeRegExp(c);
    }
  }
  try {
    new RegExp(out);
  } catch {
    return undefined;
  }
  return out;
}

/** Where the bracket list opening at `at` closes (a `]` first in the list is one of its characters). */
function bracketEnd(re: string, at: number): number | undefined {
  let i = at + 1;
  if (re[i] === '^') i++;
  if (re[i] === ']') i++;
  const close = re.indexOf(']', i);
  return close < 0 ? undefined : close;
}

/** A sed replacement as a String.prototype.replace one, or undefined outside `&`, `\1`-`\9` and plain text. */
export function sedReplacement(rep: string): string | undefined {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '\\') {
      const n = rep[++i];
      if (n === undefined) return undefined;
      if (/[1-9]/.test(n)) out += `$${n}`;
      else if (n === '&' || n === '\\' || n === '/') out += n;
      else return undefined;
    } else if (c === '&') {
      out += '$&';
    } else if (c === '$') {
      out += '$$';
    } else {
      out += c;
    }
  }
  return out;
}

/** One `s/RE/REPLACEMENT/FLAGS` command (slash-delimited), or undefined outside the subset. */
export function sedSubstitution(text: string): SedSubstitution | undefined {
  const m = /^s\/((?:[^\\/]|\\.)*)\/((?:[^\\/]|\\.)*)\/(g?)$/.exec(text);
  // An empty expression is sed's last one used: not taken.
  if (!m || m[1] === '') return undefined;
  const source = basicRegExp(m[1]!);
  const replacement = sedReplacement(m[2]!);
  if (source === undefined || replacement === undefined) return undefined;
  return { text, pattern: new RegExp(source, m[3] === 'g' ? 'g' : ''), replacement };
}

/** The text with each substitution applied to each line, in order, as sed does. */
export function applySubstitutions(text: string, substitutions: readonly SedSubstitution[]): string {
  const lines = text.split('\n');
  // The text after the last newline is a line only when it is not empty.
  const last = lines.length - (lines.at(-1) === '' ? 1 : 0);
  for (let i = 0; i < last; i++) lines[i] = substitutions.reduce((l, s) => l.replace(s.pattern, s.replacement), lines[i]!);
  return lines.join('\n');
}

/**
 * The sed line of `scriptText` that writes `file` (a path relative to the
 * script's folder), with its substitutions; undefined when no line does, or
 * when the one that does holds anything this module does not apply.
 */
export function sedEditOf(scriptText: string, file: string): Omit<ScriptEdit, 'script'> | undefined {
  const target = escapeRegExp(file);
  const writes = new RegExp(`(?:>\\s*|\\s-i\\s+(?:'[^']*'\\s+|-e\\s+'[^']*'\\s+)*)["']?(?:\\./)?${target}["']?\\s*(?:$|[;&|)])`);
  for (const raw of scriptText.split('\n')) {
    const line = raw.trim();
    if (!/^sed\s/.test(line) || !writes.test(line)) continue;
    // With -e, the expressions are the -e arguments (any other is a file); without, the first argument.
    const given = [...line.matchAll(/\s-e\s+'([^']*)'/g)].map((m) => m[1]!);
    const first = /^sed(?:\s+-i)?\s+'([^']*)'/.exec(line)?.[1];
    const quoted = given.length > 0 ? given : first !== undefined ? [first] : [];
    // Every argument that is an expression must be one taken: a double-quoted or unquoted one is not.
    if (quoted.length === 0 || /\s-e\s+[^'\s]/.test(line) || /\s-[^ie\s]/.test(line.replace(/'[^']*'/g, "''"))) return undefined;
    const substitutions = quoted.map(sedSubstitution);
    if (substitutions.some((s) => s === undefined)) return undefined;
    return { line, substitutions: substitutions as SedSubstitution[] };
  }
  return undefined;
}

/**
 * The edit a bootstrap script of the tag makes to the file at `path`: the
 * first script, from the file's folder up to the top, whose sed line
 * writes it.
 */
export async function scriptEditOf(path: string, ctx: AnalysisContext): Promise<ScriptEdit | undefined> {
  const parts = path.split('/');
  for (let depth = parts.length - 1; depth >= 0; depth--) {
    const dir = parts.slice(0, depth).join('/');
    const file = parts.slice(depth).join('/');
    // The bootstrap scripts reproduction runs, in the file's folder and each folder above it.
    for (const name of wholeScripts) {
      const script = dir ? `${dir}/${name}` : name;
      const entry = ctx.tagByPath.get(script);
      if (entry?.type !== 'file') continue;
      const text = (await ctx.tagContent(entry).catch(() => undefined))?.subarray(0, maxScript).toString('latin1');
      if (text === undefined || !text.includes(file)) continue;
      const edit = sedEditOf(text, file);
      if (edit) return { script, ...edit };
    }
  }
  return undefined;
}
