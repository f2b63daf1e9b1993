import { byPreference, describeName, describeOrigin } from '../knowledge/origin.js';
import type { Rule } from '../rule.js';

const shown = 3;

/**
 * A release file byte-identical to a file the build tools ship (config.guess,
 * install-sh, an m4 macro of gettext or gnulib, …). Only exact content is
 * explained: a one-byte look-alike matches nothing here and is left to
 * m4-serial and the rules after it.
 */
export const knownGood: Rule = {
  name: 'known-good',
  changes: ['only-in-release', 'modified'],
  judge(change, ctx) {
    const release = change.release;
    if (!ctx.knowledge || release?.type !== 'file') return undefined;
    const ids = [release.blobId, release.sha256].filter((id): id is string => Boolean(id));
    const matches = [...new Set(ids.flatMap((id) => ctx.knowledge!.byHash(id)))];
    if (matches.length === 0) return undefined;
    const name = change.path.slice(change.path.lastIndexOf('/') + 1);
    // Same name first, so the reason reads "identical to install-sh of …".
    const ordered = [...matches].sort((a, b) => Number(a.name !== name) - Number(b.name !== name) || byPreference(a, b));
    const first = ordered[0]!;
    const alike = ordered.filter((f) => f.name === first.name && f.serial === first.serial);
    const more = ordered.length - Math.min(alike.length, shown);
    const origins = alike.slice(0, shown).map(describeOrigin).join(', ');
    const reasons = [`identical to ${describeName(first)} of ${origins}${more > 0 ? ` and ${more} more` : ''}`];
    // A tracked file replaced by a tool file of another name changed what the
    // path does, whatever the bytes' pedigree: left to the rules below.
    if (first.name !== name && change.kind === 'modified') return undefined;
    if (first.name !== name) reasons.push(`known under another name (${first.name})`);
    if (change.kind === 'modified') reasons.push('the tag has another version; the release carries the genuine tool file');
    return { category: 'known-good', severity: 'low', reasons };
  },
};
