import { isBinary } from '../places.js';
import type { Rule } from '../rule.js';
import { templateValues } from './configured-template.js';

/**
 * A file configure writes that the tag commits, configured again for the
 * release with maintainer mode switched the other way: Little-CMS 2.16's
 * plugins/Makefile, `MAINT = ` in the tag and `MAINT = #` in the release.
 * AM_MAINTAINER_MODE sets @MAINT@ and @MAINTAINER_MODE_TRUE@ to `#` and
 * @MAINTAINER_MODE_FALSE@ to nothing when it is off (the rules that remake
 * Makefile.in, configure and aclocal.m4 are commented out), and the other
 * way round when it is on. Explained when the tag's copy and the release's
 * both fill the FILE.in beside it in the tag, with the same value for every
 * placeholder but those three, which take one setting on each side.
 */

const maxBytes = 4 * 1024 * 1024;

/** A side's maintainer mode: on or off, as its three values say together; undefined when they disagree. */
function mode(values: ReadonlyMap<string, string>): 'on' | 'off' | undefined {
  const maint = values.get('MAINT') ?? values.get('MAINTAINER_MODE_TRUE');
  const on = maint === '' && [values.get('MAINTAINER_MODE_TRUE') ?? '', values.get('MAINTAINER_MODE_FALSE') ?? '#'].join('|') === '|#';
  const off = maint === '#' && [values.get('MAINTAINER_MODE_TRUE') ?? '#', values.get('MAINTAINER_MODE_FALSE') ?? ''].join('|') === '#|';
  return on ? 'on' : off ? 'off' : undefined;
}

const switches = new Set(['MAINT', 'MAINTAINER_MODE_TRUE', 'MAINTAINER_MODE_FALSE']);

export const maintainerMode: Rule = {
  name: 'maintainer-mode',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    const templatePath = `${change.path}.in`;
    const template = ctx.tagByPath.get(templatePath);
    if (release?.type !== 'file' || tag?.type !== 'file' || template?.type !== 'file' || template.size > maxBytes || release.size > maxBytes) return undefined;
    const [t, before, after] = await Promise.all([ctx.tagContent(template), ctx.tagContent(tag), ctx.releaseContent(release)]);
    if (!after || isBinary(t) || isBinary(before) || isBinary(after)) return undefined;
    const was = templateValues(t.toString('utf8'), before.toString('utf8'));
    const now = templateValues(t.toString('utf8'), after.toString('utf8'));
    if (!was || !now) return undefined;
    for (const [name, value] of now) if (!switches.has(name) && was.get(name) !== value) return undefined;
    const [from, to] = [mode(was), mode(now)];
    if (!from || !to || from === to) return undefined;
    const named = [...switches].filter((n) => now.has(n)).map((n) => `@${n}@`);
    return {
      category: 'configured-file',
      severity: 'low',
      reasons: [
        `the tag's copy and the release's both fill ${templatePath} of the tag, with the same value for every placeholder but maintainer mode's (${named.join(', ')}): ${from} in the tag, ${to} in the release`,
        'AM_MAINTAINER_MODE switches the rules that remake Makefile.in, configure and aclocal.m4 on or off (commented out with `#`); no other line differs',
      ],
    };
  },
};
