import type { Change } from '../../compare/change.js';
import type { ContentMatch } from '../../report/finding.js';
import type { KnownFile } from '../knowledge/types.js';
import { isTrackedName } from '../knowledge/names.js';
import { describeKnown, describeName, describeOrigin, sortedByPreference } from '../knowledge/origin.js';
import { composedOfKnown, compositionSummary, hasDistributionCopies } from '../knowledge/composition.js';
import { genuineDiff } from '../knowledge/genuine-diff.js';
import { findVersionVariant } from '../knowledge/version-neutral.js';
import { isBinary } from '../places.js';
import { parseSerial } from '../m4.js';
import { unmangledShebangs } from '../knowledge/shebang.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';

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
    const name = change.path.slice(change.path.lastIndexOf('/') + 1);
    const matches = [...new Set(ids.flatMap((id) => ctx.knowledge!.byHash(id, name)))];
    if (matches.length === 0) return nearlyKnown(change, name, ctx);
    // Same name first, so the reason reads "identical to install-sh of …".
    const ordered = sortedByPreference(matches, (f) => Number(f.name !== name));
    const first = ordered[0]!;
    const alike = ordered.filter((f) => f.name === first.name && f.serial === first.serial);
    // Two Debian revisions of one version (0.21-4, 0.21-12) read alike: each origin is named once.
    const labels = [...new Set(alike.map(describeOrigin))];
    const more = Math.max(0, labels.length - shown) + (ordered.length - alike.length);
    const origins = labels.slice(0, shown).join(', ');
    const reasons = [`identical to ${describeName(first)} of ${origins}${more > 0 ? ` and ${more} more` : ''}`];
    // A tracked file replaced by a tool file of another name changed what the
    // path does, whatever the bytes' pedigree: left to the rules below.
    if (first.name !== name && change.kind === 'modified') return undefined;
    if (first.name !== name) reasons.push(`known under another name (${first.name})`);
    if (change.kind === 'modified') reasons.push('the tag has another version; the release carries the genuine tool file');
    return { category: 'known-good', severity: 'low', reasons, evidence: { matches: alike.slice(0, shown).map(libraryMatch) } };
  },
};

/** No exact match: a known file all the same, apart from a line a packager's tools rewrite? */
async function nearlyKnown(change: Change, name: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  return (await mangledShebang(change, name, ctx)) ?? (await versionVariant(change, name, ctx)) ?? composedVariant(change, name, ctx);
}

/**
 * A tool file that matches a known one except for its interpreter line, as
 * rpm's brp-mangle-shebangs rewrites it when a Fedora-family package installs
 * the file (shebang.ts): `#!/usr/bin/sh` where the genuine config.guess says
 * `#! /bin/sh`. The same program, the same code: explained.
 */
async function mangledShebang(change: Change, name: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const release = change.release;
  // rpm rewrites executable files only.
  if (release?.type !== 'file' || (release.mode & 0o111) === 0 || !isTrackedName(name)) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content) return undefined;
  for (const candidate of unmangledShebangs(content)) {
    const found = sortedByPreference(ctx.knowledge!.byHash(candidate.blobId, name).filter((f) => f.name === name));
    if (found.length === 0) continue;
    return {
      category: 'known-good',
      severity: 'low',
      evidence: { matches: found.slice(0, shown).map(libraryMatch) },
      reasons: [
        `identical to ${describeKnown(found[0]!)} apart from its first line, \`${candidate.mangled}\` for \`${candidate.original}\``,
        "rpm's brp-mangle-shebangs rewrites the interpreter line of the executable files a Fedora-family package installs (the same program, under /usr/bin)",
      ],
    };
  }
  return undefined;
}

/**
 * A tool file that matches a known one except for the tool's version string
 * it states: libtool run from its own git checkout writes `2.4.7-dirty` into
 * ltmain.sh and ltversion.m4, a distribution's package `2.4.7 Debian-2.4.7-5`.
 * The code is the genuine code, so this is explained; a changed byte anywhere
 * else, or a changed m4 serial, is not.
 */
async function versionVariant(change: Change, name: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const release = change.release;
  if (release?.type !== 'file' || !isTrackedName(name)) return undefined;
  const candidates = sortedByPreference(ctx.knowledge!.byName(name).filter((f) => f.versionHash));
  if (candidates.length === 0) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content) return undefined;
  const text = content.toString('latin1');
  const found = findVersionVariant(candidates, text, name.endsWith('.m4') ? parseSerial(text) : undefined);
  if (!found) return undefined;
  const stated = found.stated.filter((v) => v !== found.version);
  // Only comment lines differ (an m4 macro's copyright years): m4-serial says so.
  if (stated.length === 0 && found.homePages.length === 0) return undefined;
  const pages = found.homePages.length > 0 ? `${stated.length > 0 ? ' and' : ','} GNU's home page as ${found.homePages.map((u) => `\`${u}\``).join(', ')}` : '';
  const versions = stated.length > 0 ? `, with ${stated.map((v) => `\`${v}\``).join(', ')} where it states \`${found.version}\`` : '';
  return {
    category: 'known-good',
    severity: 'low',
    evidence: { matches: [{ ...libraryMatch(found.file), versionNeutral: true }] },
    reasons: [
      `the code of ${describeKnown(found.file)}${versions}${pages}`,
      ...(stated.length > 0 ? ['the tool stamps its own version into this file: a build from its git checkout (`-dirty`) or a distribution\'s package states another'] : []),
      ...(found.commits !== undefined
        ? [
            `serial ${found.file.serial! + found.commits} where ${found.version}'s is ${found.file.serial}: libtool's build writes the count of its commits as the serial, and the version stated is ${found.commits} commit${found.commits === 1 ? '' : 's'} past ${found.version}`,
          ]
        : []),
      ...(pages ? ["GNU's home page in another form a tool's build writes it (libtool's configure.ac falls back to `http://www.gnu.org/s/libtool/` when autoconf gives no package URL; autoconf 2.70 and later give `https://`): the same address, and no code differs"] : []),
    ],
  };
}

/**
 * A tool file made of its upstream file and changes that known copies of the
 * tool make (composition.ts): the libtool of a distribution's revision the
 * library lacks (Debian's 2.4.7-5, where it knows 2.4.7-7 and its one more
 * patch), or with some of the patches another distribution applies. No line
 * is new; the diff from the upstream file shows each change.
 */
async function composedVariant(change: Change, name: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const release = change.release;
  if (release?.type !== 'file' || !isTrackedName(name)) return undefined;
  const candidates = ctx.knowledge!.byName(name).filter((f) => f.name === name);
  if (!hasDistributionCopies(candidates)) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content || isBinary(content)) return undefined;
  const found = await composedOfKnown(candidates, content, ctx.knowledge!);
  if (!found) return undefined;
  // A raised or lowered serial decides which copy aclocal keeps: m4-serial judges it.
  if (name.endsWith('.m4') && parseSerial(content.toString('latin1')) !== parseSerial(found.baseBytes.toString('latin1'))) return undefined;
  return {
    category: 'known-good',
    severity: 'low',
    evidence: {
      matches: [libraryMatch(found.base), ...found.sources.slice(0, shown).map((s) => libraryMatch(s.file))],
      ...genuineDiff(found.baseBytes, content, `a/${name} (${describeOrigin(found.base)})`, change.path),
    },
    reasons: [
      // A variant by its distribution's package; its patches are in the evidence.
      compositionSummary(found),
      "a distribution's package the library lacks (another revision, or some of the patches a distribution applies): no line is new, and the diff from the upstream file shows each change",
    ],
  };
}

/** A known file as structured evidence: where it comes from, by package and version. */
function libraryMatch(file: KnownFile): ContentMatch {
  const match: ContentMatch = { source: 'library', path: file.path, blobId: file.blobId, package: file.origin.package, version: file.origin.version };
  if (!file.variant) return match;
  const { distribution, release, patches, source } = file.variant;
  return { ...match, variant: { distribution, release, patches, source } };
}
