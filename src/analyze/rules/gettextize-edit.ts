import { isBinary } from '../places.js';
import { isTreeFile, type AnalysisContext, type Rule } from '../rule.js';
import { plural } from '../../plural.js';

/**
 * A Makefile.am that gettextize edited when the release was made: it copies
 * gettext's macros (and `config.rpath`) into the tree and writes their names
 * in front of the `EXTRA_DIST =` list, with sed, each time it runs. avahi
 * 0.8's `common/Makefile.am` carries gettext's eight macros three times over,
 * its top `Makefile.am` `config.rpath`; alsa-utils 1.2.8's `m4/Makefile.am`
 * ten macros before the tag's `gettext.m4`.
 *
 * Explained when the project uses gettext (`AM_GNU_GETTEXT` in the tag's
 * configure.ac), every other line is the tag's, and each changed line is an
 * `EXTRA_DIST =` line of the tag with names put in front of its own, each a
 * file name gettext ships (the known-good index says which) and a file of
 * the tag or the release there. EXTRA_DIST only names files `make dist`
 * copies: no command, no variable.
 */

const maxBytes = 256 * 1024;
const extraDist = /^(EXTRA_DIST[ \t]*=)(.*)$/;

/** The names an EXTRA_DIST line lists, its continuation mark as one of them. */
const namesOf = (list: string) => list.split(/[ \t]+/).filter((n) => n !== '');

/** Whether the tag's configure script asks for gettext. */
async function usesGettext(ctx: AnalysisContext): Promise<boolean> {
  for (const name of ['configure.ac', 'configure.in']) {
    const entry = ctx.tagByPath.get(name);
    if (entry?.type === 'file') return /^[ \t]*AM_GNU_GETTEXT\(/m.test((await ctx.tagContent(entry)).toString('latin1'));
  }
  return false;
}

export const gettextizeEdit: Rule = {
  name: 'gettextize-edit',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    const knowledge = ctx.knowledge;
    if (!knowledge || release?.type !== 'file' || tag?.type !== 'file' || release.size > maxBytes || !/(?:^|\/)Makefile\.am$/.test(change.path)) return undefined;
    const after = await ctx.releaseContent(release);
    if (!after || isBinary(after)) return undefined;
    const before = await ctx.tagContent(tag);
    const theirs = before.toString('latin1').split('\n');
    const mine = after.toString('latin1').split('\n');
    if (theirs.length !== mine.length) return undefined;
    const dir = change.path.slice(0, change.path.lastIndexOf('/') + 1);
    const isGettextFile = (name: string) => knowledge.byName(name.slice(name.lastIndexOf('/') + 1)).some((f) => f.origin.package === 'gettext');
    const inserted: string[] = [];
    let lines = 0;
    for (let i = 0; i < theirs.length; i++) {
      if (theirs[i] === mine[i]) continue;
      const a = extraDist.exec(theirs[i]!);
      const b = extraDist.exec(mine[i]!);
      if (!a || !b || a[1] !== b[1]) return undefined;
      const kept = namesOf(a[2]!);
      const names = namesOf(b[2]!);
      const front = names.length - kept.length;
      if (front <= 0 || kept.some((n, k) => names[front + k] !== n)) return undefined;
      const added = names.slice(0, front);
      if (!added.every((n) => isGettextFile(n) && isTreeFile(ctx, `${dir}${n}`))) return undefined;
      inserted.push(...added);
      lines++;
    }
    if (lines === 0 || !(await usesGettext(ctx))) return undefined;
    const distinct = [...new Set(inserted)];
    return {
      category: 'gettextize-edit',
      severity: 'low',
      reasons: [
        `the tag's Makefile.am with ${plural(inserted.length, 'name')} put in front of ${lines === 1 ? 'its `EXTRA_DIST =` list' : `${lines} \`EXTRA_DIST =\` lists`} (${distinct.slice(0, 6).join(', ')}${distinct.length > 6 ? `, and ${distinct.length - 6} more` : ''}), as gettextize's sed writes the files it copies: each a file gettext ships and a file of the tag or the release, every other line the tag's`,
        "the tag's configure.ac calls AM_GNU_GETTEXT; EXTRA_DIST only names files make dist copies",
      ],
    };
  },
};
