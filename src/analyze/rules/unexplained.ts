import { genuineDiff } from '../knowledge/genuine-diff.js';
import { laterCommitReason } from '../later-commit.js';
import { nearestGenuine } from '../knowledge/nearest.js';
import { describeKnown, describeOrigin, sortedByPreference } from '../knowledge/origin.js';
import { buildRole, isBinary, roleText, splitPath } from '../places.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import type { ReleaseEntry } from '../../release/entry.js';

/** Extensions of code that configure, make or a build script sources or runs. */
const scriptExtensions = /\.(sh|bash|m4|am|mk|cmake|py|pl)$/i;

/**
 * A release-only script in a build role: code the build may run that git does
 * not have. Generated lists and makefiles (`POTFILES.in`, a docs Makefile)
 * are left medium: a script has a shebang, the executable bit, or a script
 * extension.
 */
function isScript(path: string, release: ReleaseEntry, content: Buffer | undefined): boolean {
  if ((release.mode & 0o111) !== 0) return true;
  if (scriptExtensions.test(path)) return true;
  return content !== undefined && content.subarray(0, 2).toString('latin1') === '#!';
}

/** What the library knows of a file name: the tools that ship a file of that name, if any. */
function knownName(name: string, ctx: AnalysisContext): string | undefined {
  const known = ctx.knowledge?.byName(name) ?? [];
  if (known.length === 0) return undefined;
  const packages = [...new Set(known.map((f) => f.origin.package).filter((p) => !p.startsWith('host:')))];
  const versions = new Set(known.map((f) => f.blobId)).size;
  return `not any of the ${versions} known version${versions === 1 ? '' : 's'} of ${name}${packages.length > 0 ? ` (from ${packages.slice(0, 3).join(', ')})` : ''}: a version the library lacks, or a look-alike`;
}

/** Versions compared for the nearest: those closest in size (hundreds of texinfo.tex versions would cost seconds). */
const compared = 24;

/**
 * A tool file no known version matches (an ltmain.sh of a libtool the library
 * lacks, a patched config.sub), diffed against its nearest genuine version:
 * the reader sees the patch instead of a name.
 */
async function diffWithNearest(path: string, content: Buffer, ctx: AnalysisContext): Promise<{ reason: string; evidence: Judgement['evidence'] } | undefined> {
  const known = sortedByPreference(ctx.knowledge?.byName(splitPath(path).name) ?? []);
  if (known.length === 0) return undefined;
  const genuine = await nearestGenuine(known, content, ctx.knowledge!, { closestInSize: compared });
  if (!genuine.bytes) return undefined;
  return {
    reason: `diff against the nearest genuine ${describeKnown(genuine.file)}`,
    evidence: genuineDiff(genuine.bytes, content, `a/${genuine.file.name} (${describeOrigin(genuine.file)})`, path),
  };
}

/** The last rule: whatever no rule explained. Where the build runs, the stakes are highest. */
export const unexplained: Rule = {
  name: 'unexplained',
  changes: ['only-in-release', 'modified'],
  async judge(change, ctx) {
    const role = buildRole(change.path);
    const release = change.release;
    if (change.kind === 'modified') {
      const reasons = ['the release content differs from the tag, and no rule explains the change'];
      if (change.modeDiffers) reasons.push('the executable bit differs too');
      if (role) reasons.push(roleText[role]);
      const later = await laterCommitReason(change, ctx);
      if (later) reasons.push(later);
      return { category: 'unexplained', severity: role ? 'critical' : 'high', reasons };
    }
    const reasons = ['not in the tag, and no rule explains it'];
    if (role) reasons.push(roleText[role]);
    if (release?.type === 'symlink') reasons.push(`a symlink to ${JSON.stringify(release.linkTarget ?? '')}`);
    if (release && (release.mode & 0o111) !== 0 && release.type === 'file') reasons.push('executable');
    const content = release ? await ctx.releaseContent(release) : undefined;
    if (content && isBinary(content)) reasons.push('binary content');
    const tool = release?.type === 'file' ? knownName(splitPath(change.path).name, ctx) : undefined;
    if (tool) reasons.push(tool);
    const nearest = tool && content && !isBinary(content) ? await diffWithNearest(change.path, content, ctx) : undefined;
    if (nearest) reasons.push(nearest.reason);
    // An unknown version of a tool's file (ltmain.sh of a libtool the library
    // lacks) is common and worth a look; a script nobody ships is not.
    const unknownScript = role === 'build-script' && release?.type === 'file' && !tool && !(content && isBinary(content)) && isScript(change.path, release, content);
    if (unknownScript) reasons.push('a script no tool ships: code the build may run that git does not have');
    return { category: 'unexplained', severity: unknownScript ? 'high' : 'medium', reasons, ...(nearest ? { evidence: nearest.evidence } : {}) };
  },
};
