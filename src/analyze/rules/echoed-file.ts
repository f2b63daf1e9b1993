import { splitPath } from '../places.js';
import type { Rule } from '../rule.js';
import { templateValues } from './configured-template.js';

/**
 * A file a Makefile.am rule of the tag writes with `echo '…'` lines, each
 * `@NAME@` filled in with configure's value: autotest's package.m4, as the
 * autoconf manual has a test suite's Makefile.am write it (gdbm 1.23's
 * tests/package.m4: AT_PACKAGE_NAME, _VERSION, _STRING, _BUGREPORT), shipped
 * by `make dist`. Explained when its lines are the echoed ones, in order, one
 * value per name, each value plain text: m4 reads such a file, and brackets,
 * parentheses, quotes or `$` in a value could carry code. A value whose name
 * ends in VERSION is the release's version.
 */

const maxBytes = 16 * 1024;
const plainValue = /^[A-Za-z0-9 .@+_:/<>,~-]*$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The `echo '…'` texts of the recipe whose target is `name` (or
 * `$(srcdir)/name`) and which writes it with a redirect, in order; undefined
 * when the Makefile.am has no such recipe.
 */
export function echoedLines(makefileAm: string, name: string): string[] | undefined {
  const lines = makefileAm.split('\n');
  const target = new RegExp(`^(?:\\$\\(srcdir\\)/)?${escape(name)}\\s*:(?!=)`);
  const at = lines.findIndex((l) => target.test(l));
  if (at < 0) return undefined;
  const recipe: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith('\t'); i++) recipe.push(lines[i]!);
  const text = recipe.join('\n');
  if (!new RegExp(`>\\s*(?:\\$@|\\$\\(srcdir\\)/${escape(name)}|${escape(name)})(?:\\s|;|$)`, 'm').test(text)) return undefined;
  const echoed = [...text.matchAll(/\becho '([^'\n]*)'/g)].map((m) => m[1]!);
  return echoed.length > 0 ? echoed : undefined;
}

export const echoedFile: Rule = {
  name: 'echoed-file',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || release.size > maxBytes) return undefined;
    const { dir, name } = splitPath(change.path);
    const makefileAm = dir ? `${dir}/Makefile.am` : 'Makefile.am';
    const am = ctx.tagByPath.get(makefileAm);
    if (am?.type !== 'file' || am.size > 1024 * 1024) return undefined;
    const echoed = echoedLines((await ctx.tagContent(am)).toString('utf8'), name);
    if (!echoed) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content) return undefined;
    const values = templateValues(`${echoed.join('\n')}\n`, content.toString('utf8'));
    if (!values || values.size === 0) return undefined;
    for (const [key, value] of values) {
      if (!plainValue.test(value)) return undefined;
      if (/VERSION$/.test(key) && ctx.releaseVersion !== undefined && value !== ctx.releaseVersion) return undefined;
    }
    const shown = [...values].slice(0, 3).map(([k, v]) => `@${k}@ = ${JSON.stringify(v)}`).join(', ');
    return {
      category: 'configured-file',
      severity: 'low',
      reasons: [
        `the ${echoed.length} lines the rule for ${name} in ${makefileAm} echoes, each @NAME@ filled in with one plain value: ${shown}${values.size > 3 ? `, and ${values.size - 3} more` : ''}`,
      ],
    };
  },
};
