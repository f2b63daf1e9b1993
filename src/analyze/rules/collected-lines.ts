import { isBinary } from '../places.js';
import type { Rule } from '../rule.js';

/**
 * A file a build rule collects from the tag's sources: libarchive's
 * Makefile.am writes each `test/list.h` with
 * `cat $(top_srcdir)/libarchive/test/test_*.c | grep '^DEFINE_TEST'`, and
 * ships it. The shape: every line starts with one name and `(`. The proof:
 * the lines that start so in the tag's C and C++ files of the same folder,
 * taken file by file in name order, are the release file's lines, byte for
 * byte. A line the tag's files lack, or one in another order, is not this.
 */

const maxBytes = 1024 * 1024;
/** How many of the folder's files are read at most: a larger folder is not worth recomputing. */
const maxSources = 2000;
const maxSourceBytes = 1024 * 1024;
const sourceName = /\.(?:c|cc|cpp|cxx|h|hh|hpp)$/;
const leading = /^([A-Za-z_][A-Za-z0-9_]*)\(/;

const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const collectedLines: Rule = {
  name: 'collected-lines',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || release.size > maxBytes || release.size === 0) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content || isBinary(content)) return undefined;
    // The first line decides for most files: the rest is cut into lines only when it has the shape.
    const firstEnd = content.indexOf(0x0a);
    const name = leading.exec(content.toString('latin1', 0, firstEnd < 0 ? content.length : firstEnd))?.[1];
    if (name === undefined) return undefined;
    const lines = content.toString('latin1').replace(/\n$/, '').split('\n');
    if (!lines.every((l) => l.startsWith(`${name}(`))) return undefined;
    const dir = change.path.slice(0, change.path.lastIndexOf('/') + 1);
    const sources = [...ctx.tagByPath.values()]
      .filter((e) => e.type === 'file' && e.path.startsWith(dir) && !e.path.slice(dir.length).includes('/') && sourceName.test(e.path) && e.path !== change.path)
      .sort((a, b) => byBytes(a.path, b.path));
    if (sources.length === 0 || sources.length > maxSources || sources.some((e) => (e.size ?? 0) > maxSourceBytes)) return undefined;
    const collected: string[] = [];
    let from = 0;
    for (const source of sources) {
      const before = collected.length;
      for (const line of (await ctx.tagContent(source)).toString('latin1').split('\n')) if (line.startsWith(`${name}(`)) collected.push(line);
      if (collected.length > before) from++;
      // Already longer, or already different: not this file.
      if (collected.length > lines.length) return undefined;
      for (let i = before; i < collected.length; i++) if (collected[i] !== lines[i]) return undefined;
    }
    if (collected.length !== lines.length) return undefined;
    return {
      category: 'collected-lines',
      severity: 'low',
      reasons: [
        `the ${lines.length} line${lines.length === 1 ? '' : 's'} starting with \`${name}(\` in the tag's ${from} source file${from === 1 ? '' : 's'} of ${dir || 'the top folder'}, file by file in name order, as \`cat *.c | grep '^${name}'\` writes them: recomputed from the tag, byte for byte`,
      ],
    };
  },
};
