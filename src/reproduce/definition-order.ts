/**
 * A generator that walks a hash table writes its entries in the table's
 * order: libxml2's python/generator.py writes the enum blocks of
 * `libxml2.py` in the order of a dict, which Python 2 kept by hash and
 * Python 3 keeps as filled. Re-run here, it writes the same blocks in
 * another order than the maintainer's.
 *
 * Only blocks of constant definitions are forgiven: the texts must agree
 * but for a run of blank-line separated blocks, the same blocks on both
 * sides (as a multiset), each made of comment lines and `NAME = literal`
 * lines (a number or a quoted string without escapes), with every name
 * defined once in the run. Executing either text then defines the same
 * names with the same values; any other line keeps the texts different.
 */

const comment = /^#[^\n]*$/;
const definition = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(?:-?\d+|0[xX][0-9a-fA-F]+|'[^'\\\n]*'|"[^"\\\n]*")[ \t]*$/;

export interface Reordered {
  /** Blocks in the run that differs. */
  blocks: number;
  /** Names they define. */
  names: number;
}

/** Split lines into blocks at blank lines, each block its lines joined. */
function blocksOf(lines: readonly string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      if (current.length > 0) out.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

/** The two texts as the same constant definitions in another block order; undefined otherwise. */
export function reorderedDefinitions(release: string, regenerated: string): Reordered | undefined {
  if (release === regenerated) return undefined;
  const a = release.split('\n');
  const b = regenerated.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  // Widen the run to whole blocks: back to the blank line before it, on to the blank line after.
  while (head > 0 && a[head - 1]!.trim() !== '') head--;
  while (tail > 0 && a[a.length - tail]!.trim() !== '') tail--;
  const ours = blocksOf(a.slice(head, a.length - tail));
  const theirs = blocksOf(b.slice(head, b.length - tail));
  if (ours.length < 2 || ours.length !== theirs.length) return undefined;
  if ([...ours].sort().join('\n\n') !== [...theirs].sort().join('\n\n')) return undefined;
  const names = new Set<string>();
  for (const block of ours) {
    let defines = false;
    for (const line of block.split('\n')) {
      if (comment.test(line)) continue;
      const name = definition.exec(line)?.[1];
      if (!name || names.has(name)) return undefined;
      names.add(name);
      defines = true;
    }
    if (!defines) return undefined;
  }
  return { blocks: ours.length, names: names.size };
}
