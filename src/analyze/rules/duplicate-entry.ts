import type { Rule } from '../rule.js';

/** The same path stored twice: which copy you get depends on the extractor. */
export const duplicateEntry: Rule = {
  name: 'duplicate-entry',
  changes: ['duplicate-entry'],
  judge(change) {
    const copies = change.copies ?? [];
    const ids = new Set(copies.map((c) => `${c.type}:${c.blobId ?? ''}:${c.mode & 0o111}`));
    const kept = change.release;
    const vsTag = change.tag
      ? kept?.blobId === (change.expectedOid ?? change.tag.oid)
        ? 'the kept copy matches the tag'
        : 'the kept copy differs from the tag'
      : 'the tag has no such path';
    const where = `stored ${copies.length} times; extractors such as GNU tar and bsdtar keep the last copy (entry ${kept ? kept.index + 1 : '?'})`;
    if (ids.size === 1) {
      return { category: 'duplicate-path', severity: 'low', reasons: [where, 'all copies are identical', vsTag] };
    }
    // Extractor-dependent: another tool (or `tar --keep-old-files`) keeps
    // another copy, so a clean first copy can stand in front of a planted one.
    return {
      category: 'duplicate-path',
      severity: 'critical',
      reasons: [where, 'the copies differ, so what is unpacked depends on the extractor and its options', vsTag],
    };
  },
};
