import { buildRole, foldersAbove, splitPath } from '../places.js';
import type { ReleaseEntry } from '../../release/entry.js';
import { sharedWork, type AnalysisContext, type Judgement, type Rule } from '../rule.js';
import { templateValues } from './configured-template.js';
import { escapeRegExp } from '../regexp.js';

/**
 * An m4 file a Makefile.am rule of the tag writes with `echo '…'` lines, each
 * `@NAME@` filled in with configure's value: autotest's package.m4, as the
 * autoconf manual has a test suite's Makefile.am write it (gdbm 1.23's
 * tests/package.m4: AT_PACKAGE_NAME, _VERSION, _STRING, _BUGREPORT), shipped
 * by `make dist`. Explained when its lines are the echoed ones, in order, one
 * value per name; every placeholder of those lines sits alone in m4's quotes
 * (`[@PACKAGE_NAME@]`), and each value is plain text with no bracket to end
 * them, so a value is text m4 never runs. A value whose name ends in VERSION
 * is the release's version. Other files (a script an echo writes) are not
 * judged: there a value with a space or a redirect could change a command.
 * Echoed text with no placeholder and nothing the shell expands is the
 * Makefile.am's own text, whatever the file: libssh2's `echo "see NEWS" >
 * ./ChangeLog`. A dist-hook's `echo $(VAR) > $(distdir)/PATH` explains a
 * file of one plain word, and its `date +%s > $(distdir)/PATH` a file of
 * one number of seconds (see distHookValue).
 */

const maxBytes = 16 * 1024;
const plainValue = /^[A-Za-z0-9 .@+_:/,~-]*$/;

/**
 * The `echo '…'` texts of each recipe that writes its target with a
 * redirect, by the target's name (`package.m4` for `$(srcdir)/package.m4:`),
 * in order; `echo "…"` too where the shell would expand nothing in it. Read
 * once for a Makefile.am, whatever the number of files asked about.
 */
export function echoedRecipes(makefileAm: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const lines = makefileAm.split('\n');
  for (let at = 0; at < lines.length; at++) {
    const target = /^(?:\$\(srcdir\)\/)?([A-Za-z0-9_.+-]+)\s*:(?!=)/.exec(lines[at]!);
    if (!target) continue;
    const name = target[1]!;
    const recipe: string[] = [];
    for (let i = at + 1; i < lines.length && lines[i]!.startsWith('\t'); i++) recipe.push(lines[i]!);
    const text = recipe.join('\n');
    if (!new RegExp(`>\\s*(?:\\$@|(?:\\$\\(srcdir\\)/|\\./)?${escapeRegExp(name)})(?:\\s|;|$)`, 'm').test(text)) continue;
    const echoed = [...text.matchAll(/\becho (?:'([^'\n]*)'|"([^"\n$`\\!]*)")/g)].map((m) => m[1] ?? m[2]!);
    if (echoed.length > 0 && !out.has(name)) out.set(name, echoed);
  }
  return out;
}

/** A value configure computes, as a dist-hook may echo it: one word with no character a shell or make would act on. */
const tokenValue = /^[A-Za-z0-9][A-Za-z0-9.+~:_-]{0,63}$/;

/**
 * The `echo $(VAR) > $(distdir)/PATH` lines of a Makefile.am's dist-hook:
 * for each PATH (from the Makefile.am's folder), the variable echoed and the
 * line. strace 6.1 writes `.year` and the dates of its manual pages so. A
 * `date +%s > $(distdir)/PATH` line writes the time `make dist` ran
 * (coreutils 9.1's `.timestamp`): its variable is `date +%s`.
 */
export function distHookEchoes(makefileAm: string): Map<string, { variable: string; line: number; clock?: true }> {
  const out = new Map<string, { variable: string; line: number; clock?: true }>();
  const lines = makefileAm.split('\n');
  const at = lines.findIndex((l) => /^dist-hook\s*:/.test(l));
  if (at < 0) return out;
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith('\t'); i++) {
    const start = i;
    let text = lines[i]!;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!}`;
    const m = /^\s*[@+-]*(?:\$[({]AM_V_(?:GEN|at)[)}])?\s*echo\s+\$[({]([A-Za-z_]\w*)[)}]\s*>\s*\$[({]distdir[)}]\/([\w.+/-]+)\s*$/.exec(text);
    if (m && !out.has(m[2]!)) out.set(m[2]!, { variable: m[1]!, line: start + 1 });
    const clock = /^\s*[@+-]*(?:\$[({]AM_V_(?:GEN|at)[)}])?\s*date\s+\+%s\s*>\s*\$[({]distdir[)}]\/([\w.+/-]+)\s*$/.exec(text);
    if (clock && !out.has(clock[1]!)) out.set(clock[1]!, { variable: 'date +%s', line: start + 1, clock: true });
  }
  return out;
}

/**
 * A file a dist-hook of the Makefile.am beside it or above it writes with
 * `echo $(VAR)`: one word, a value configure sets that cuckoo cannot see (a
 * year, a date), so `low`; a variable named *VERSION must be the release's
 * version. Not for a file the build runs or compiles, where a word is a
 * command.
 */
async function distHookValue(path: string, release: ReleaseEntry, ctx: AnalysisContext): Promise<Judgement | undefined> {
  // A word is a command where the build runs the file: a script, a makefile, an m4 file, compiled source.
  if (buildRole(path) !== undefined || (release.mode & 0o111) !== 0) return undefined;
  for (const prefix of foldersAbove(path)) {
    const makefileAm = `${prefix}Makefile.am`;
    const am = ctx.tagByPath.get(makefileAm);
    if (am?.type !== 'file' || am.size > 1024 * 1024) continue;
    const echoes = await sharedWork(ctx, `dist-hook-echoes:${am.oid}`, async () => distHookEchoes((await ctx.tagContent(am)).toString('utf8')));
    const hit = echoes.get(path.slice(prefix.length));
    if (!hit) continue;
    const value = /^([^\n]*)\n$/.exec((await ctx.releaseContent(release))?.toString('utf8') ?? '')?.[1];
    if (value === undefined || !tokenValue.test(value)) return undefined;
    if (hit.clock) {
      // Seconds since 1970, as date prints them: from 2001 to 2286, ten digits.
      if (!/^[1-9]\d{9}$/.test(value)) return undefined;
      const when = new Date(Number(value) * 1000).toISOString().slice(0, 16).replace('T', ' ');
      return {
        category: 'configured-file',
        severity: 'low',
        reasons: [`the time make dist ran, as the dist-hook of ${makefileAm} writes it with \`date +%s\` (${makefileAm}:${hit.line}): ${value}, ${when} UTC`],
      };
    }
    if (/VERSION$/.test(hit.variable) && value !== ctx.releaseVersion) return undefined;
    return {
      category: 'configured-file',
      severity: 'low',
      reasons: [`the value of $(${hit.variable}), which configure sets, as the dist-hook of ${makefileAm} echoes it (${makefileAm}:${hit.line}): ${JSON.stringify(value)}, one word`],
    };
  }
  return undefined;
}

/** A file whose text is the echoed lines as they stand. */
async function constantText(echoed: string[], release: ReleaseEntry, name: string, makefileAm: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const content = await ctx.releaseContent(release);
  if (content?.toString('utf8') !== `${echoed.join('\n')}\n`) return undefined;
  return {
    category: 'configured-file',
    severity: 'low',
    reasons: [`the ${echoed.length === 1 ? 'line' : `${echoed.length} lines`} the rule for ${name} in ${makefileAm} echoes, as they stand: ${JSON.stringify(echoed[0]!.slice(0, 60))}`],
  };
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
    if (am?.type !== 'file' || am.size > 1024 * 1024) return distHookValue(change.path, release, ctx);
    // Read once for the folder: its files are judged one after another.
    const recipes = await sharedWork(ctx, `echoed-recipes:${am.oid}`, async () => echoedRecipes((await ctx.tagContent(am)).toString('utf8')));
    const echoed = recipes.get(name);
    if (!echoed) return distHookValue(change.path, release, ctx);
    // make expands `$` in either quotes.
    if (!echoed.some((line) => /[@$]/.test(line))) return constantText(echoed, release, name, makefileAm, ctx);
    if (!name.endsWith('.m4') || !echoed.every((line) => line.replace(/\[@[A-Za-z_][A-Za-z0-9_]*@\]/g, '').indexOf('@') < 0)) return undefined;
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
