import { createHash } from 'node:crypto';
import { m4Code } from '../m4.js';
import { hostPackagePrefix } from './library.js';
import type { KnownFile } from './types.js';
import { escapeRegExp } from '../regexp.js';

/**
 * Tools stamp their own version into the files they copy: ltmain.sh says
 * `VERSION=2.4.7`, ltversion.m4 `macro_version='2.4.7'`. A maintainer who
 * runs libtool built from its git checkout ships `2.4.7-dirty`, a
 * distribution's package `2.4.7 Debian-2.4.7-5`; the code is the genuine
 * code all the same. The version-neutral hash replaces the tool's own version
 * (and any suffix glued to it) by a placeholder, so such copies match their
 * genuine file while a single changed code byte still does not.
 *
 * Only the tool's version is neutralised, never every dotted number: an IP
 * address or another program's version in the code keeps its meaning.
 */

/** The upstream version of an origin: `2.4.7` for Debian's `2.4.7-7~deb12u1`; undefined for host copies and commits. */
export function toolVersion(origin: KnownFile['origin']): string | undefined {
  if (origin.package.startsWith(hostPackagePrefix)) return undefined;
  // Debian revisions start with a digit (`-7~deb12u1`, `-1.3`); epochs end in a colon.
  // Tags of a user's library: `v2.4.7`, `release-2.4.7`, `libtool-2.4.7`.
  const upstream = origin.version
    .replace(/^\d+:/, '')
    .replace(/-\d[^-]*$/, '')
    .replace(/^[A-Za-z][A-Za-z_-]*?[-_]?(?=\d)/, '');
  // At least "1.2": a bare number would neutralise serials and counts.
  return /^\d+\.\d+[0-9A-Za-z.+~]*$/.test(upstream) ? upstream : undefined;
}

/** Characters a version suffix may hold: none that can quote, expand or separate shell words. */
const suffix = '(?:[-~+.][0-9A-Za-z]+)*';

function versionPattern(version: string): RegExp {
  return new RegExp(`(?<![0-9A-Za-z.])${escapeRegExp(version)}${suffix}(?![0-9A-Za-z])`, 'g');
}

/** The text with every occurrence of `version` (and a suffix glued to it) replaced by a placeholder. */
export function neutralVersion(text: string, version: string): string {
  return text.replace(versionPattern(version), '\u0000V\u0000');
}

/** The text the hash covers: m4 macros without comment lines (as m4CodeHash), other files whole. */
function body(text: string, m4: boolean): string {
  return m4 ? m4Code(text) : text;
}

/**
 * sha256 of the text with every occurrence of `version` (and a suffix glued to
 * it) replaced by a placeholder; undefined when the text never mentions that
 * version, since the hash would then say nothing the plain hash does not.
 */
export function versionNeutralHash(text: string, version: string, m4: boolean): string | undefined {
  const pattern = versionPattern(version);
  const code = body(text, m4);
  if (!pattern.test(code)) return undefined;
  pattern.lastIndex = 0;
  return createHash('sha256').update(code.replace(pattern, '\u0000V\u0000')).digest('hex');
}

/**
 * GNU's home page address for a package, in either of the forms tools write
 * into help texts (`https://www.gnu.org/software/libtool/`,
 * `http://www.gnu.org/s/libtool/`). Only letters, digits and dashes may name
 * the package: the address can hold nothing a shell would expand.
 */
const gnuHomePage = /\bhttps?:\/\/www\.gnu\.org\/(?:s|software)\/[a-z0-9][a-z0-9-]*\/?(?![0-9A-Za-z/])/g;

/**
 * versionNeutralHash with GNU's home page addresses also replaced by a
 * placeholder; undefined when the text states no such address or not the
 * version, since it would then say nothing the version-neutral hash does not.
 */
export function stampNeutralHash(text: string, version: string, m4: boolean): string | undefined {
  const pattern = versionPattern(version);
  const code = body(text, m4);
  if (!pattern.test(code)) return undefined;
  pattern.lastIndex = 0;
  gnuHomePage.lastIndex = 0;
  if (!gnuHomePage.test(code)) return undefined;
  gnuHomePage.lastIndex = 0;
  return createHash('sha256').update(code.replace(pattern, '\u0000V\u0000').replace(gnuHomePage, '\u0000U\u0000')).digest('hex');
}

/** GNU home page addresses a text states, for reasons. */
export function statedHomePages(text: string): string[] {
  return [...new Set(text.match(gnuHomePage) ?? [])];
}

/** The versions a release file states in place of the tool's (`2.4.7-dirty`), for reasons. */
export function statedVersions(text: string, version: string): string[] {
  return [...new Set(text.match(versionPattern(version)) ?? [])];
}

/** The index field for a known file: its version-neutral hash under its own tool version. */
export function versionHashOf(name: string, text: string, origin: KnownFile['origin']): { versionHash?: string; stampHash?: string } {
  const version = toolVersion(origin);
  const m4 = name.endsWith('.m4');
  const hash = version ? versionNeutralHash(text, version, m4) : undefined;
  const stamp = version && hash ? stampNeutralHash(text, version, m4) : undefined;
  return { ...(hash ? { versionHash: hash } : {}), ...(stamp ? { stampHash: stamp } : {}) };
}

export interface VersionVariant {
  file: KnownFile;
  /** The tool version the genuine file states. */
  version: string;
  /** What the release states instead. */
  stated: string[];
  /** GNU home page addresses the release states where the genuine file states others; empty for a version-only match. */
  homePages: string[];
  /** ltversion.m4 of libtool built from its git checkout: the commits past the release that raise its serial. */
  commits?: number;
}

/**
 * libtool's build writes the count of its commits as ltversion.m4's serial,
 * and git-version-gen's version as its version: built one commit past 2.5.4,
 * it says `2.5.4.1-baa1-dirty` and serial 4442 where 2.5.4's says 4441. The
 * commits past the release when the release file's serial is raised by
 * exactly the number its stated versions count; undefined otherwise.
 */
function commitsPastRelease(file: KnownFile, text: string, serial: number | undefined): number | undefined {
  const version = toolVersion(file.origin);
  if (file.name !== 'ltversion.m4' || !version || serial === undefined || file.serial === undefined) return undefined;
  const commits = serial - file.serial;
  if (commits <= 0) return undefined;
  const gitVersion = new RegExp(`^${escapeRegExp(version)}\\.${commits}(?:-[0-9a-f]{4,40}(?:-dirty)?)?$`);
  const stated = statedVersions(text, version).filter((v) => v !== version);
  return stated.length > 0 && stated.every((v) => gitVersion.test(v)) ? commits : undefined;
}

/**
 * A known file of the same name whose code the release file shares, apart
 * from the tool's version string. m4 macros must also keep the serial: a
 * raised serial changes which copy aclocal keeps, and is judged by m4-serial;
 * but for libtool's ltversion.m4 raised by the commits its version states
 * (commitsPastRelease).
 */
export function findVersionVariant(candidates: readonly KnownFile[], text: string, serial: number | undefined): VersionVariant | undefined {
  const hashes = new Map<string, string | undefined>();
  const stamps = new Map<string, string | undefined>();
  const commits = new Map<KnownFile, number | undefined>();
  const serialAccounted = (file: KnownFile) => {
    if (!file.name.endsWith('.m4') || file.serial === serial) return true;
    if (!commits.has(file)) commits.set(file, commitsPastRelease(file, text, serial));
    return commits.get(file) !== undefined;
  };
  const usable = candidates.filter((file) => file.versionHash && toolVersion(file.origin) && serialAccounted(file));
  const past = (file: KnownFile) => (commits.get(file) !== undefined ? { commits: commits.get(file)! } : {});
  for (const file of usable) {
    const version = toolVersion(file.origin)!;
    if (!hashes.has(version)) hashes.set(version, versionNeutralHash(text, version, file.name.endsWith('.m4')));
    if (hashes.get(version) === file.versionHash) return { file, version, stated: statedVersions(text, version), homePages: [], ...past(file) };
  }
  // Only then the looser match: the version and GNU's home page address.
  for (const file of usable) {
    if (!file.stampHash) continue;
    const version = toolVersion(file.origin)!;
    if (!stamps.has(version)) stamps.set(version, stampNeutralHash(text, version, file.name.endsWith('.m4')));
    if (stamps.get(version) === file.stampHash) return { file, version, stated: statedVersions(text, version), homePages: statedHomePages(text), ...past(file) };
  }
  return undefined;
}
