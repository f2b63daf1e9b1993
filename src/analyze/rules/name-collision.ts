import { foldedPath } from '../../compare/collisions.js';
import type { Rule } from '../rule.js';

/**
 * A release path that lands on another release path when unpacked (the same
 * name on case-insensitive or normalising file systems, or below a file of
 * the archive), and that the tag does not have. Which one a user gets
 * depends on their machine, their extractor and archive order: critical when
 * the contents differ, worth a look when they are the same.
 */
export const nameCollision: Rule = {
  name: 'name-collision',
  changes: ['unsafe-entry'],
  judge(change) {
    const others = change.collidesWith;
    const release = change.release;
    if (others === undefined || release === undefined) return undefined;
    // Only names that are one file can give the same result whichever copy wins.
    const key = foldedPath(change.path);
    const same = others.every((o) => foldedPath(o.path) === key && o.entry.type === release.type && o.entry.blobId === release.blobId);
    return {
      category: 'extractor-dependent',
      severity: same ? 'medium' : 'critical',
      reasons: [
        change.problem ?? 'name collision',
        same
          ? 'the contents are identical, so either copy gives the same file'
          : 'the contents differ, so what is unpacked depends on the machine or the extractor',
        'the tag has no such path; the entry was not compared with the tag',
      ],
      evidence: { archivePath: release.path },
    };
  },
};
