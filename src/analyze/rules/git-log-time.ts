import { posix } from 'node:path';
import { makeVariables, ruleLines } from '../../reproduce/bootstrap/make-rule.js';
import type { Rule } from '../rule.js';

/** `git log -1 --format=%ct -- FILES` in a recipe (quoted or not, `--pretty=format:` too), with the words after `--`. */
const logTime = /\bgit\s+log\s+-1\s+--(?:format|pretty)=(?:format:)?(['"]?)%ct\1\s+--\s+([^)|;&<>]*)/;
/** A plain path of the tree, as a Makefile.am lists its files. */
const plainPath = /^[\w.+-]+(?:\/[\w.+-]+)*$/;

/**
 * A file a rule of the Makefile.am beside it writes with the time git gives
 * the last commit of some files (GnuPG's projects: `doc/defsincdate`, whose
 * rule runs `git log -1 --format='%ct' -- $(info_TEXINFOS) $(gnupg_TEXINFOS)`
 * into it at `make dist`, for the manual's date): one number, the committer
 * time of the last commit the tag reaches that changed those files, as git
 * gives it here. The files are read from the rule, with the Makefile.am's
 * variables, from its folder; nothing of the rule runs.
 */
export const gitLogTime: Rule = {
  name: 'git-log-time',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || release.size > 32 || !ctx.history?.lastChangeTime) return undefined;
    const text = (await ctx.releaseContent(release))?.toString('latin1');
    const stated = text === undefined ? undefined : /^(\d{9,11})\n?$/.exec(text)?.[1];
    if (stated === undefined) return undefined;
    const dir = posix.dirname(change.path) === '.' ? '' : posix.dirname(change.path);
    const am = ctx.tagByPath.get(dir ? `${dir}/Makefile.am` : 'Makefile.am');
    if (am?.type !== 'file') return undefined;
    const makefileAm = (await ctx.tagContent(am)).toString('utf8');
    const name = posix.basename(change.path);
    const rule = ruleLines(makefileAm)(name);
    const recipe = rule === undefined ? undefined : makeVariables(makefileAm)(rule.recipe.join(' '));
    const found = recipe === undefined ? undefined : logTime.exec(recipe);
    if (!found) return undefined;
    // What git prints goes into the target (`… 2>/dev/null) >>defsincdate`), its errors nowhere else.
    const rest = recipe!.slice(found.index + found[0].length);
    if (!new RegExp(`^(?:>\\s*/dev/null\\s*)?\\)?\\s*>>?\\s*(?:\\$@|${name.replace(/[.+]/g, '\\$&')})(?:\\s|;|$)`).test(rest)) return undefined;
    const words = found[2]!.trim().split(/\s+/).filter(Boolean);
    // The descriptor of the redirect after them (`2>/dev/null`).
    if (words.length > 0 && /^\d$/.test(words.at(-1)!) && rest.startsWith('>')) words.pop();
    if (words.length === 0 || !words.every((f) => plainPath.test(f))) return undefined;
    const paths = words.map((f) => posix.normalize(dir ? `${dir}/${f}` : f));
    const time = await ctx.history.lastChangeTime(paths);
    if (time !== Number(stated)) return undefined;
    return {
      category: 'version-stamp',
      severity: 'low',
      reasons: [
        `the committer time of the last commit the tag reaches that changed ${paths.slice(0, 4).join(', ')}${paths.length > 4 ? ` and ${paths.length - 4} more` : ''} (${new Date(time * 1000).toISOString().slice(0, 10)}), as git gives it here`,
        `the rule of ${am.path}:${rule!.at + 1} in the tag writes it with \`git log -1 --format=%ct\`: nothing else is in the file`,
      ],
    };
  },
};
