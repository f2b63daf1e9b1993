import type { Rule } from '../rule.js';

/** Absolute paths, `..`, hard links to nothing and extractor-dependent entries: never resolved, always loud. */
export const unsafeEntry: Rule = {
  name: 'unsafe-entry',
  changes: ['unsafe-entry'],
  judge(change) {
    const problem = change.problem ?? 'unsafe entry';
    if (change.release?.ambiguity !== undefined) {
      return {
        category: 'extractor-dependent',
        severity: 'critical',
        reasons: [problem, 'different extractors unpack different content here, so what was reviewed need not be what gets built', 'the entry was not compared with the tag'],
        evidence: { archivePath: change.release.path },
      };
    }
    if (problem.startsWith('hard link')) {
      return { category: 'broken-link', severity: 'high', reasons: [problem, 'extractors fail here or link to a file outside the release'] };
    }
    return {
      category: 'unsafe-path',
      severity: 'critical',
      reasons: [`${problem}: extracting it could write outside the target folder`, 'the entry was not compared with the tag'],
      evidence: { archivePath: change.path },
    };
  },
};
