import type { Rule } from '../rule.js';

/**
 * A release path that is the same file as another on case-insensitive or
 * normalising file systems, and that the tag does not have. Which copy a
 * user gets depends on their machine and on archive order: critical when the
 * contents differ, worth a look when they are the same.
 */
export const nameCollision: Rule = {
  name: 'name-collision',
  changes: ['unsafe-entry'],
  judge(change) {
    const others = change.collidesWith;
    const release = change.release;
    if (others === undefined || release === undefined) return undefined;
    const same = others.every((o) => o.entry.type === release.type && o.entry.blobId === release.blobId);
    return {
      category: 'extractor-dependent',
      severity: same ? 'medium' : 'critical',
      reasons: [
        change.problem ?? 'name collision',
        same
          ? 'the contents are identical, so either copy gives the same file'
          : 'the contents differ: on macOS or Windows one overwrites the other, so what is unpacked depends on the machine',
        'the tag has no such path; the entry was not compared with the tag',
      ],
      evidence: { archivePath: release.path },
    };
  },
};
