import { buildRole, isBinary } from '../places.js';
import type { Rule } from '../rule.js';

/**
 * A release exported from Subversion or CVS has their keywords expanded
 * (`$Id$` → `$Id: atacmds.h 5166 2021-01-15 18:02:19Z chrfranke $`), where
 * the repository's git conversion keeps them as committed (smartmontools
 * 7.3: 107 files; libtheora 1.1.1: 51). A modified file is explained when
 * the two sides are equal once every keyword is put back to its bare form,
 * on both sides.
 *
 * Kept narrow: only the keywords those systems expand, and a value of the
 * characters their expansions use (names, numbers, dates, times, paths and
 * URLs): no quote, backslash, `$`, `;` or line break, so that an expansion
 * cannot end the comment or string literal it stands in. In a file the
 * build runs (a script, a Makefile, m4; a template `X.in` by what X is),
 * where even such words could be a command (`X=$Id$` unquoted in a shell
 * script runs the word after the expanded `$Id:`), an expanded keyword
 * counts only on a comment line or quoted on its own (`'$Id: … $'`, as
 * smartmontools' configure.ac has it: the value holds no quote to end it).
 */

const keywords = ['Id', 'Header', 'Revision', 'Rev', 'LastChangedRevision', 'Date', 'LastChangedDate', 'Author', 'LastChangedBy', 'HeadURL', 'URL', 'Source', 'RCSfile', 'Name', 'Locker', 'State'];
const keyword = new RegExp(`\\$(${keywords.join('|')})(?::[A-Za-z0-9 ._,:/@+~=#-]{0,200})?\\$`, 'g');
/** One expanded keyword (a value after the name), without the global flag's state. */
const expandedKeyword = new RegExp(`\\$(?:${keywords.join('|')}):[A-Za-z0-9 ._,:/@+~=#-]{0,200}\\$`);

/** A line that is all comment in the languages the build runs: shell and make `#`, m4's `dnl`, C's `//`, `/*` and ` *`. */
const commentLine = /^\s*(?:#|dnl\b|\/\/|\/\*|\*)/;

/** Whether the line has an expanded keyword that is not a quoted string of its own. */
function unquoted(line: string): boolean {
  for (const m of line.matchAll(new RegExp(expandedKeyword.source, 'g'))) {
    const before = line[m.index - 1];
    const after = line[m.index + m[0].length];
    if (!(before === after && (before === "'" || before === '"'))) return true;
  }
  return false;
}

/** The text with every keyword bare, and how many were expanded. */
function bare(text: string): { text: string; expanded: number; names: Set<string> } {
  let expanded = 0;
  const names = new Set<string>();
  const out = text.replace(keyword, (whole, name: string) => {
    if (whole.length > name.length + 2) {
      expanded++;
      names.add(name);
    }
    return `$${name}$`;
  });
  return { text: out, expanded, names };
}

export const vcsKeywords: Rule = {
  name: 'vcs-keywords',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    if (release?.type !== 'file' || tag?.type !== 'file') return undefined;
    // Most changed files have no expanded keyword: the tag's bytes are read only for one that has.
    const after = await ctx.releaseContent(release);
    if (!after || !expandedKeyword.test(after.toString('latin1'))) return undefined;
    const before = await ctx.tagContent(tag);
    if (isBinary(before) || isBinary(after)) return undefined;
    const theirs = before.toString('latin1');
    const mine = after.toString('latin1');
    if (theirs === mine) return undefined;
    const a = bare(theirs);
    const b = bare(mine);
    if (a.text !== b.text || b.expanded === 0) return undefined;
    if (buildRole(change.path.replace(/\.in$/, '')) === 'build-script' && mine.split('\n').some((line) => !commentLine.test(line) && unquoted(line))) return undefined;
    const names = [...b.names].map((n) => `$${n}$`).join(', ');
    return {
      category: 'version-stamp',
      severity: 'low',
      reasons: [
        `only version-control keywords differ: the release has ${b.expanded} expanded (${names}), as Subversion or CVS writes them at export, where the tag has ${a.expanded === 0 ? 'them bare' : 'other expansions'}; with every keyword bare, the two are byte for byte the same`,
      ],
    };
  },
};
