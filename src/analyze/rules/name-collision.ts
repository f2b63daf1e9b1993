import { foldedPath } from '../../compare/collisions.js';
import type { Rule } from '../rule.js';
import { atLeast } from '../../report/severity.js';

/**
 * A release path that lands on another release path when unpacked (the same
 * name on case-insensitive or normalising file systems, or below a file of
 * the archive), and that the tag does not have. Which one a user gets
 * depends on their machine, their extractor and archive order: critical when
 * the contents differ, worth a look when they are the same. A file of the
 * same name whose content the rules explain when judged as a file only the
 * release has (Linux-PAM 1.5.2's `doc/man/PAM.8`, a page rendered beside
 * its `.so` alias `pam.8`) is worth a look too: the copy it would give is
 * one the rules explain, and the other copy has its own finding.
 */
export const nameCollision: Rule = {
  name: 'name-collision',
  changes: ['unsafe-entry'],
  async judge(change, ctx) {
    const others = change.collidesWith;
    const release = change.release;
    if (others === undefined || release === undefined) return undefined;
    // Only names that are one file can give the same result whichever copy wins.
    const key = foldedPath(change.path);
    const oneFile = others.every((o) => foldedPath(o.path) === key);
    const same = oneFile && others.every((o) => o.entry.type === release.type && o.entry.blobId === release.blobId);
    const alone = !same && oneFile && release.type === 'file' && ctx.judgeAlone ? await ctx.judgeAlone({ kind: 'only-in-release', path: change.path, release }) : undefined;
    const explained = alone !== undefined && !atLeast(alone.severity, 'medium');
    const severity = same || explained ? 'medium' : 'critical';
    return {
      category: 'extractor-dependent',
      severity,
      reasons: [
        change.problem ?? 'name collision',
        same
          ? 'the contents are identical, so either copy gives the same file'
          : 'the contents differ, so what is unpacked depends on the machine or the extractor',
        ...(explained
          ? [`the tag has no such path; judged as a file only the release has, its content is explained (${alone.category}, ${alone.severity}):`, ...alone.reasons]
          : ['the tag has no such path; the entry was not compared with the tag']),
      ],
      evidence: { ...(explained ? alone.evidence : {}), archivePath: release.path },
    };
  },
};
