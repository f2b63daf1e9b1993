/**
 * The commands a project's bootstrap runs to write a file with one of its own
 * scripts: `build-aux/gen-lists-of-programs.sh --autoconf > m4/cu-progs.m4`
 * in bootstrap.conf, autogen.sh or bootstrap. Only simple commands are taken:
 * a script of the tag, literal arguments and one plain redirect, written to
 * the path itself or to a temporary name a later `mv` puts there (coreutils'
 * bootstrap.conf: `tmp=cu-progs.tmp … >$tmp-1 … mv -f $tmp-1 $m4f`).
 * Variables count only when the same file assigns them a literal value; a
 * command needing any other expansion (`$(…)`, a glob, a quote, a pipe, a
 * variable set elsewhere) is not run, and says why.
 *
 * Reading the shell this way can be wrong about what bootstrap runs (a
 * here-document, a branch never taken): that costs nothing, since a command
 * is only believed when the tag's script, run in the sandbox, writes the
 * release's bytes.
 */

/** Files a bootstrap reads its steps from, at the top of the tag. */
export const bootstrapFiles = ['bootstrap.conf', 'autogen.sh', 'bootstrap'] as const;

export interface ScriptCommand {
  /** The script, a path of the tag from its top. */
  script: string;
  /** The system's program that runs it (`sh`, `perl`), when the command names one. */
  interpreter?: string;
  args: string[];
  /** The path its output ends up at. */
  output: string;
  /** Where the command is written: `bootstrap.conf:379`. */
  source: string;
  /** The command as it runs: script, arguments, redirect. */
  text: string;
}

/** A command that names a script of the tag but is not simple enough to run. */
export interface UnrunCommand {
  script: string;
  source: string;
  why: string;
  /** The redirect's target as written (`src/extra.mk`, `$OUT`), when there is one. */
  writes?: string;
}

/** Interpreters a command may run a script with: the system's, found on the sandbox's PATH. */
const interpreters = ['sh', 'bash', 'perl', 'python3'];

const plainWord = /^[A-Za-z0-9_.,/=+:@%-]+$/;
const variable = /\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g;
const assignment = /^([A-Za-z_]\w*)=(.*)$/;

/** Logical lines: continuations joined, comments cut, each with the number of its first line. */
function logicalLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let joined = lines[i]!;
    while (joined.endsWith('\\') && i + 1 < lines.length) joined = `${joined.slice(0, -1)} ${lines[++i]!}`;
    // A comment starts at a '#' that begins a word.
    out.push({ line: start + 1, text: joined.replace(/(^|\s)#.*$/, '$1') });
  }
  return out;
}

/**
 * The word with the file's literal variables filled in, or why it cannot be.
 * Double quotes go (`"$tmp"-1`): what they hold expands to a plain word, with
 * no space to keep together, so they change nothing.
 */
function expand(word: string, vars: ReadonlyMap<string, string>): string | { why: string } {
  let missing: string | undefined;
  const unquoted = /^(?:[^"]*"[^"]*")*[^"]*$/.test(word) ? word.replace(/"/g, '') : word;
  const value = unquoted.replace(variable, (_, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const known = vars.get(name);
    if (known === undefined) missing ??= name;
    return known ?? '';
  });
  if (missing !== undefined) return { why: `$${missing} is not set to a literal value in the same file` };
  if (!plainWord.test(value)) return { why: `${JSON.stringify(word)} needs a shell expansion or quoting cuckoo does not follow` };
  return value;
}

const normal = (path: string) => path.replace(/^(\.\/)+/, '');

/**
 * Every simple command of a bootstrap file that writes a file with a script
 * of the tag (`isScript`), and the commands naming such a script that are
 * not simple, with why.
 */
export function scriptCommands(file: string, text: string, isScript: (path: string) => boolean): { commands: ScriptCommand[]; unrun: UnrunCommand[] } {
  const vars = new Map<string, string>();
  const commands: ScriptCommand[] = [];
  const unrun: UnrunCommand[] = [];
  for (const { line, text: logical } of logicalLines(text)) {
    for (const raw of logical.split(/&&|\|\||;/)) {
      // A group's brackets and a leading keyword (`if cmd >out; then`) are not part of the command.
      // The closing bracket is cut by hand: `/\s*[)}]$/` takes time the square of a run of blanks inside the statement.
      const opened = raw.trim().replace(/^[({]\s*/, '');
      const closed = opened.endsWith(')') || opened.endsWith('}') ? opened.slice(0, -1).trimEnd() : opened;
      const statement = closed.replace(/^(?:(?:if|then|else|elif|do|while|until|!)\s+)+/, '').trim();
      if (!statement) continue;
      const words = statement.replace(/>\s+/g, '>').split(/\s+/);
      const source = `${file}:${line}`;
      // Assignments alone on a statement (a subshell's `tmp=cu-progs.tmp`).
      if (words.every((w) => assignment.test(w))) {
        for (const w of words) {
          const [, name, value] = assignment.exec(w)!;
          const expanded = expand(value!, vars);
          if (typeof expanded === 'string') vars.set(name!, expanded);
          else vars.delete(name!);
        }
        continue;
      }
      const first = expand(words[0]!, vars);
      if (typeof first === 'string' && /^mv$/.test(first)) {
        moved(words.slice(1), vars, commands);
        continue;
      }
      // `sh build-aux/gen.sh …`: the script run by an interpreter of the system.
      const interpreter = typeof first === 'string' && interpreters.includes(first) ? first : undefined;
      const named = interpreter ? expand(words[1] ?? '', vars) : first;
      const script = typeof named === 'string' ? normal(named) : undefined;
      if (script === undefined || !isScript(script)) continue;
      const simple = simpleCommand(words.slice(interpreter ? 2 : 1), vars, statement);
      if ('why' in simple) {
        const target = />\s*(\S+)\s*$/.exec(statement)?.[1];
        unrun.push({ script, source, why: simple.why, ...(target ? { writes: normal(target.replace(/"/g, '')) } : {}) });
        continue;
      }
      const run = interpreter ? [interpreter, script] : [script];
      commands.push({ script, ...(interpreter ? { interpreter } : {}), args: simple.args, output: simple.output, source, text: [...run, ...simple.args, `> ${simple.output}`].join(' ') });
    }
  }
  return { commands, unrun };
}

/** A script's literal arguments and its one plain redirect. */
function simpleCommand(words: string[], vars: ReadonlyMap<string, string>, statement: string): { args: string[]; output: string } | { why: string } {
  if (/[|<`]|\$\(|>>|&>|>&|\d>/.test(statement)) return { why: 'a pipe, an input redirect, a command substitution or an appending or descriptor redirect' };
  const args: string[] = [];
  let output: string | undefined;
  for (const word of words) {
    const redirect = word.startsWith('>');
    const value = expand(redirect ? word.slice(1) : word, vars);
    if (typeof value !== 'string') return value;
    if (!redirect) {
      args.push(value);
      continue;
    }
    if (output !== undefined) return { why: 'more than one redirect' };
    output = normal(value);
  }
  if (output === undefined) return { why: 'its output is not redirected to a file' };
  if (output.split('/').some((s) => s === '..' || s === '') || output.startsWith('/')) return { why: `it writes outside the tree (${output})` };
  return { args, output };
}

/** `mv [-f] FROM TO`: a command that wrote FROM has its output at TO. */
function moved(words: string[], vars: ReadonlyMap<string, string>, commands: ScriptCommand[]): void {
  const operands = words.filter((w) => w !== '-f');
  if (operands.length !== 2) return;
  const [from, to] = operands.map((w) => expand(w, vars));
  if (typeof from !== 'string' || typeof to !== 'string') return;
  for (const c of commands) {
    if (c.output === normal(from)) {
      c.output = normal(to);
      c.text = `${c.text} && mv ${normal(from)} ${c.output}`;
    }
  }
}
