/**
 * Which tag a release archive claims to come from, guessed from its file name
 * (`xz-5.6.1.tar.gz` → `v5.6.1`) by the spellings real projects use.
 */
import { basename } from 'node:path';
import { CuckooError } from '../errors.js';
import { nearestTags } from './nearest.js';
import { fromTag, listTags } from './refs.js';
import type { RepoHandle, ResolvedRef, TagRef } from './types.js';

export interface ReleaseName {
  name: string;
  version: string;
  /** The file name without archive suffix and Debian's `.orig`: `jq-jq-1.6`. */
  stem: string;
}

// Longest first, so `.tar.gz` wins over `.gz`.
const archiveSuffixes = [
  '.tar.gz', '.tar.xz', '.tar.bz2', '.tar.zst', '.tar.zstd', '.tar.lz', '.tar.lzma', '.tar.z',
  '.tgz', '.txz', '.tbz2', '.tbz', '.tzst', '.tlz', '.taz', '.tar', '.zip', '.gz', '.xz', '.bz2', '.zst',
];

/**
 * Splits a release file name into project name and version: the version starts
 * at the first `-` or `_` followed by a digit (or `v` and a digit). Debian
 * source names (`foo_1.2.orig.tar.gz`, `foo_1.2.orig-docs.tar.xz`) lose their
 * `.orig` part. Undefined when no version can be seen.
 */
export function parseReleaseName(fileName: string): ReleaseName | undefined {
  let stem = basename(fileName.replace(/\\/g, '/'));
  const lower = stem.toLowerCase();
  const suffix = archiveSuffixes.find((s) => lower.endsWith(s));
  if (suffix) stem = stem.slice(0, -suffix.length);
  const debian = /\.orig(-[A-Za-z0-9][A-Za-z0-9-]*)?$/.test(stem);
  stem = stem.replace(/\.orig(-[A-Za-z0-9][A-Za-z0-9-]*)?$/, '');
  // A Debian source name has no `_`: the version starts after the first (libusb-1.0_1.0.26).
  const match = (debian ? /^([a-z0-9][a-z0-9+.-]+)_(\d.*)$/.exec(stem) : null) ?? /^(.+?)[-_][vV]?(\d.*)$/.exec(stem);
  if (!match) return undefined;
  return { name: match[1]!, version: match[2]!, stem };
}

/**
 * GitHub's archive names are `<repository>-<tag>` (`jq-jq-1.6`,
 * `libexpat-R_2_5_0`): the text after any `-` may be the tag as written.
 */
export function stemTails(stem: string): string[] {
  const tails: string[] = [];
  for (let i = stem.indexOf('-'); i !== -1; i = stem.indexOf('-', i + 1)) {
    const tail = stem.slice(i + 1);
    if (/\d/.test(tail)) tails.push(tail);
  }
  return tails;
}

/** The tag spellings to try for a name and version, most common first, without duplicates. */
export function tagCandidates(name: string, version: string): string[] {
  const out: string[] = [];
  for (const v of versionVariants(version)) {
    const under = v.replace(/[^A-Za-z0-9]+/g, '_');
    // openssh: 9.2p1 → V_9_2_P1 (a break between a digit and the letter after it).
    const openssh = v.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/(\d)(?=[A-Z])/g, '$1_');
    out.push(
      `v${v}`,
      v,
      `${name}-${v}`,
      `${name}-v${v}`,
      `${name}_${v}`,
      `release-${v}`,
      `release_${v}`,
      `version-${v}`,
      `${name}-${under}`,
      `${name}_${under}`,
      `${name.toUpperCase()}_${under}`,
      // expat (R_2_5_0), many CVS-era projects (RELEASE_1_2)
      `R_${under}`,
      `RELEASE_${under}`,
      `${name}-${v.replace(/[^A-Za-z0-9]+/g, '-')}`,
      `V_${openssh}`,
      `V${v}`,
      // gcc (releases/gcc-13.2.0), changesets (pkg@1.0.0), Go modules in subfolders (pkg/v1.0.0).
      `releases/${name}-${v}`,
      `${name}@${v}`,
      `${name}/v${v}`,
      // libsodium (1.0.18-RELEASE), popt (popt-1.19-release), file (FILE5_44).
      `${v}-release`,
      `${name}-${v}-release`,
      `${name.toUpperCase()}${under}`,
    );
    for (const n of otherNames(name)) out.push(`${n}-${v}`, `${n}-${under}`, `${n}_${under}`, `${n}${under}`, `${n}${v}`);
  }
  return [...new Set(out)];
}

/**
 * The project's name as its tags may spell it: without its `-` (c-ares tags
 * cares-1_18_1), or without the ABI number a Debian source name adds
 * (libnl3 → libnl, tagged libnl3_7_0; lcms2 → lcms, tagged lcms2.14;
 * libusb-1.0 → libusb; libuv1 → libuv).
 */
function otherNames(name: string): string[] {
  const names = [name.replace(/[^A-Za-z0-9]+/g, ''), name.replace(/-?\d+(?:\.\d+)*$/, '')];
  return [...new Set(names)].filter((n) => n !== name && /[A-Za-z]/.test(n));
}

/**
 * The version as written, then spellings mapped back to upstream: Debian's
 * repack and tilde (`1.2+dfsg` and `1.2+dfsg.1` → `1.2`, `1.0~rc1` → `1.0-rc1`, `1.0rc1`),
 * its `+really` for a version older than one it shipped (`3.4+really3.3`:
 * upstream 3.3),
 * source-package suffixes (`-src`), underscores for dots (`1_84_0` → `1.84.0`).
 */
function versionVariants(version: string): string[] {
  const variants = [version];
  const add = (v: string) => {
    if (v !== '' && !variants.includes(v)) variants.push(v);
  };
  const really = /\+really(.+)$/i.exec(version)?.[1];
  if (really) add(really);
  for (const v of [...variants]) add(v.replace(/[+~.](dfsg|ds|repack)(?:\.?\d+)*$/i, ''));
  // apache-ant-1.10.14-src, foo-1.0-source
  for (const v of [...variants]) add(v.replace(/[-.](src|source|sources|dist|full)$/i, ''));
  for (const v of [...variants]) {
    if (v.includes('~')) {
      add(v.replace(/~/g, '-'));
      add(v.replace(/~/g, ''));
    }
  }
  // boost_1_84_0 is tagged boost-1.84.0
  for (const v of [...variants]) if (/^\d+(_\d+)+$/.test(v)) add(v.replace(/_/g, '.'));
  return variants;
}

/** Words around a version that mark a tag as made before the release: 1.0-rc1, 2.1_beta, 3.0pre2. */
const preRelease = /(?:^|[^a-z])(?:rc|alpha|beta|pre|preview|dev|test|snapshot)(?:[^a-z]|$)|\d(?:rc|a|b|alpha|beta|pre)\d/i;

/**
 * Whether a tag name holds one of the version's spellings whole: its parts
 * in order, with `.`, `_` or `-` between them, no digit or further number
 * next to them, and no pre-release word anywhere in the name.
 */
export function holdsVersion(tag: string, versions: readonly string[]): boolean {
  if (preRelease.test(tag)) return false;
  return versions.some((v) => {
    const parts = v.split(/[._-]/);
    if (parts.length < 2 || parts.some((p) => !/^[0-9A-Za-z]+$/.test(p))) return false;
    const escaped = parts.join('[._-]');
    // Not the end of a longer version (1.1.20.1, v1_2_03_16), but after a name ending in a digit (krb5-1.20.1).
    return new RegExp(`(?<![0-9])(?<!(?:^|[._vV-])[0-9]+[._-])${escaped}(?![._-]?[0-9])`).test(tag);
  });
}

/**
 * The one tag the release name points to. Exact spellings win over
 * case-insensitive ones, and those over a spelling with a date or a first
 * release number after it (`-20220414`, `-1`); several tags that peel to
 * one commit count as one.
 */
export async function inferTag(repo: RepoHandle, releaseName: string): Promise<ResolvedRef> {
  return chooseTag(await listTags(repo), releaseName, repo.source);
}

/** inferTag over a given tag list (local for-each-ref, or a remote's ls-remote). */
export function chooseTag(tags: TagRef[], releaseName: string, source: string): ResolvedRef {
  const parsed = parseReleaseName(releaseName);
  if (!parsed) {
    throw new CuckooError('input', `cannot tell the version from the release name ${basename(releaseName)}`, {
      hint: 'pass --tag or --commit',
    });
  }
  const candidates = [...new Set([...tagCandidates(parsed.name, parsed.version), ...stemTails(parsed.stem)])];
  const byName = new Map(tags.map((t) => [t.name, t]));
  let matches = candidates.map((c) => byName.get(c)).filter((t): t is TagRef => t !== undefined);
  if (matches.length === 0) {
    const wanted = new Map(candidates.map((c, i) => [c.toLowerCase(), i]));
    matches = tags
      .filter((t) => wanted.has(t.name.toLowerCase()))
      .sort((a, b) => wanted.get(a.name.toLowerCase())! - wanted.get(b.name.toLowerCase())!);
  }
  if (matches.length === 0) {
    // A spelling with the release date after it (json-c-0.16-20220414), or a
    // package's first release number (libblockdev 2.28-1, as rpm's
    // version-release names a build).
    const wanted = new Set(candidates.map((c) => c.toLowerCase()));
    matches = tags.filter((t) => {
      const suffixed = /^(.+)-(?:(?:19|20)\d{6}|1)$/.exec(t.name);
      return suffixed !== null && wanted.has(suffixed[1]!.toLowerCase());
    });
  }
  // Last, a tag that holds the version whole among other words (krb5-1.20.1-final, nettle_3.8.1_release_20220727, lvm2's v2_03_16);
  // of several, those that name the project (krb5-1.20.1-final, not kfw-1.20.1).
  if (matches.length === 0) {
    matches = tags.filter((t) => holdsVersion(t.name, versionVariants(parsed.version)));
    const names = [parsed.name, ...otherNames(parsed.name)].map((n) => n.toLowerCase());
    const named = matches.filter((t) => names.some((n) => t.name.toLowerCase().includes(n)));
    if (named.length > 0) matches = named;
  }
  if (matches.length === 0) {
    const near = nearestTags(tags.map((t) => t.name), parsed.version);
    throw new CuckooError('input', `no tag for ${parsed.name} ${parsed.version} in ${source}: tried ${candidates.join(', ')}`, {
      hint: near.length > 0 ? `nearest tags: ${near.join(', ')}; pass --tag or --commit` : 'the repository has no tags; pass --tag or --commit',
    });
  }
  const commits = new Set(matches.map((t) => t.commit ?? t.object));
  if (commits.size > 1) {
    throw new CuckooError('input', `several tags match ${parsed.name} ${parsed.version} in ${source}: ${matches.map((t) => t.name).join(', ')}`, {
      hint: 'they point to different commits; pass --tag with the one the release was made from',
    });
  }
  return { ...fromTag({ source }, matches[0]!), inferredFrom: candidates };
}
