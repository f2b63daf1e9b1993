/**
 * `tr SET1 SET2` where SET2 is a reordering of SET1: a substitution cipher.
 * The xz backdoor swapped tabs, spaces, dashes and underscores
 * (`tr "\t \-_" " \t_\-"`) to turn a "corrupt" test file back into an xz
 * stream, and its second stage used a full byte permutation written with octal
 * ranges. Honest uses of tr map one class onto another (case conversion,
 * `tr ' ' _`) or delete (`tr -d`), and none of those is a permutation.
 */

/** Argument pairs of `tr` invocations with two quoted sets and no options. */
const trCall = /(?:^|[\s|;&(`'"])tr\s+(["'])((?:\\.|(?!\1).)*)\1\s+(["'])((?:\\.|(?!\3).)*)\3/g;

/** The characters of a tr set (escapes, octal escapes and ranges expanded), or undefined when it uses classes. */
export function expandSet(set: string): number[] | undefined {
  if (/\[:\w+:\]|\[=.=\]|\[.\*\d*\]/.test(set)) return undefined;
  const chars: number[] = [];
  let i = 0;
  const next = (): number => {
    const c = set[i++]!;
    if (c !== '\\' || i >= set.length) return c.charCodeAt(0);
    const octal = /^[0-7]{1,3}/.exec(set.slice(i));
    if (octal) {
      i += octal[0].length;
      return parseInt(octal[0], 8) & 0xff;
    }
    const e = set[i++]!;
    const named: Record<string, number> = { t: 9, n: 10, r: 13, v: 11, f: 12, a: 7, b: 8, '\\': 92 };
    return named[e] ?? e.charCodeAt(0);
  };
  while (i < set.length) {
    const start = next();
    // A range needs an unescaped '-' between two characters (`a-z`, `\0-\377`).
    if (set[i] === '-' && i + 1 < set.length) {
      i++;
      const end = next();
      if (end < start || end - start > 255) return undefined;
      for (let c = start; c <= end; c++) chars.push(c);
    } else chars.push(start);
  }
  return chars;
}

function isPermutation(a: number[], b: number[]): boolean {
  if (a.length < 2 || a.length !== b.length) return false;
  if (a.every((c, k) => c === b[k])) return false;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  return sa.every((c, k) => c === sb[k]);
}

export function hasCharacterMap(line: string): boolean {
  for (const m of line.matchAll(trCall)) {
    const a = expandSet(m[2]!);
    const b = expandSet(m[4]!);
    if (a && b && isPermutation(a, b)) return true;
  }
  return false;
}
