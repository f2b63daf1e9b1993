/**
 * The words of one line of a Makefile.am recipe, as far as cuckoo re-runs
 * recipes (dist-hook.ts, make-rule.ts): plain words, text in single quotes,
 * text in double quotes when the shell would expand nothing in it, make's
 * `$<` and `$@`, and the operators `;`, `&&`, `||`, `|`, `<` and `>` as words
 * of their own. Anything else the shell would read (a backslash, a backtick,
 * a glob, braces, `&`, a comment) makes the line not plain: undefined.
 */

export interface ShellWord {
  word: string;
  /** Some of it was quoted: never an operator. */
  quoted: boolean;
}

/** A word in single quotes, as a shell reads it back. */
export const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

const operator = /^(?:&&|\|\||[;|<>])/;

export function shellWords(command: string): ShellWord[] | undefined {
  const out: ShellWord[] = [];
  let i = 0;
  while (i < command.length) {
    if (/\s/.test(command[i]!)) {
      i++;
      continue;
    }
    const op = operator.exec(command.slice(i, i + 2));
    if (op) {
      out.push({ word: op[0], quoted: false });
      i += op[0].length;
      continue;
    }
    let word = '';
    let quoted = false;
    while (i < command.length && !/[\s;|&<>]/.test(command[i]!)) {
      const c = command[i]!;
      if (c === '$' && /[<@]/.test(command[i + 1] ?? '')) {
        // make's automatic variables `$<` and `$@`.
        word += command.slice(i, i + 2);
        i += 2;
      } else if (c === "'" || c === '"') {
        const end = command.indexOf(c, i + 1);
        if (end < 0) return undefined;
        const inner = command.slice(i + 1, end);
        if (c === '"' && /[$`\\!]/.test(inner)) return undefined;
        word += inner;
        quoted = true;
        i = end + 1;
      } else if (/[`\\{}*?[\]~#]/.test(c)) return undefined;
      else word += command[i++];
    }
    // A lone `&` (a background job) is not plain.
    if (word === '' && !quoted) return undefined;
    out.push({ word, quoted });
  }
  return out;
}
