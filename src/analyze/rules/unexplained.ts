import { buildRole, isBinary, roleText } from '../places.js';
import type { Rule } from '../rule.js';

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
      return { category: 'unexplained', severity: role ? 'critical' : 'high', reasons };
    }
    const reasons = ['not in the tag, and no rule explains it'];
    if (role) reasons.push(roleText[role]);
    if (release?.type === 'symlink') reasons.push(`a symlink to ${JSON.stringify(release.linkTarget ?? '')}`);
    if (release && (release.mode & 0o111) !== 0 && release.type === 'file') reasons.push('executable');
    const content = release ? await ctx.releaseContent(release) : undefined;
    if (content && isBinary(content)) reasons.push('binary content');
    return { category: 'unexplained', severity: 'medium', reasons };
  },
};
