import { buildRole, roleText } from '../places.js';
import type { Rule } from '../rule.js';

/**
 * A release file whose exact bytes are a blob of the tag's own history: a
 * file removed from git before the tag, or an older version of a tracked
 * file. That names where the content came from, but does not make it right:
 * a release that ships yesterday's version of a source file may undo a fix,
 * so a modified file stays high. A release-only file the build runs is worth
 * a look (medium); any other one is explained by the match (low).
 */
export const fromHistory: Rule = {
  name: 'from-history',
  changes: ['only-in-release', 'modified'],
  async judge(change, ctx) {
    const release = change.release;
    if (!ctx.history || release?.type !== 'file' || !release.blobId) return undefined;
    const found = await ctx.history.blobInHistory(release.blobId).catch(() => undefined);
    if (!found) return undefined;
    const role = buildRole(change.path);
    const at = `${found.path === change.path ? 'this path' : found.path} at commit ${found.commit.slice(0, 12)} in the tag's history`;
    const matches = [{ source: 'history' as const, path: found.path, blobId: release.blobId, commit: found.commit }];
    if (change.kind === 'modified') {
      return {
        category: 'from-history',
        severity: 'high',
        reasons: [
          `the release has the content of ${at}, not the tag's version`,
          'an earlier version in a release can undo a later fix: read the diff',
          ...(role ? [roleText[role]] : []),
        ],
        evidence: { matches },
      };
    }
    return {
      category: 'from-history',
      severity: role ? 'medium' : 'low',
      reasons: [
        `identical to ${at}${found.path === change.path ? ', removed from git before the tag' : ''}`,
        ...(role ? [roleText[role]] : []),
      ],
      evidence: { matches },
    };
  },
};
