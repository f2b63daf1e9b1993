/**
 * The parts of an unpacked Debian source package that say what upstream
 * released: debian/changelog (source name, version), debian/watch (where),
 * debian/upstream/metadata (the repository), debian/gbp.conf (how upstream
 * tags are spelled), the keyring, and the `.orig` tarball that `apt-get
 * source`, `uscan` or `gbp export-orig` left next to the package.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { yaml } from '../yaml.js';
import { parseWatch, type WatchLine } from './debian-watch.js';
import { escapeRegExp } from '../analyze/regexp.js';

export interface OrigTarball {
  path: string;
  /** The upstream signature dpkg-source keeps beside it (`.orig.tar.xz.asc`). */
  signature?: string;
}

export interface DebianPackage {
  dir: string;
  source: string;
  debianVersion: string;
  /** The upstream version as Debian writes it (no epoch, no revision): the .orig tarball's. */
  origVersion: string;
  /** The first watch line; undefined without debian/watch (or without a line in it). */
  watch?: WatchLine;
  hasWatch: boolean;
  /** Repository: and Name: of debian/upstream/metadata; `invalid` when it does not parse. */
  metadata: { repository?: string; name?: string } | 'invalid' | undefined;
  /** gbp.conf's `upstream-vcs-tag` template (`v%(version)s`). */
  gbpTag?: string;
  orig?: OrigTarball;
  keyring?: string;
  policy?: string;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Source name and version from the first changelog line: `pkg (1:2.3-4) …`. */
export function changelogVersion(text: string): { source: string; debianVersion: string } | undefined {
  const m = /^(\S+) \(([^)\s]+)\)/.exec(text);
  return m ? { source: m[1]!, debianVersion: m[2]! } : undefined;
}

/** `1:2.3+dfsg-4` → `2.3+dfsg`: what the .orig tarball is named with (deb-version(7)). */
export function origVersionOf(debianVersion: string): string {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

function readMetadata(text: string | undefined): DebianPackage['metadata'] {
  if (text === undefined) return undefined;
  try {
    const doc = yaml().parse(text) as Record<string, unknown> | null;
    if (!doc || typeof doc !== 'object') return {};
    return {
      ...(typeof doc.Repository === 'string' && doc.Repository.trim() ? { repository: doc.Repository.trim() } : {}),
      ...(typeof doc.Name === 'string' && doc.Name.trim() ? { name: doc.Name.trim() } : {}),
    };
  } catch {
    return 'invalid';
  }
}

/** `upstream-vcs-tag = v%(version)s` in any section of gbp.conf (gbp.conf(5)). */
export function gbpUpstreamTag(text: string | undefined): string | undefined {
  const m = /^\s*upstream-vcs-tag\s*=\s*(\S+)\s*$/m.exec(text ?? '');
  return m?.[1];
}

/**
 * Where the .orig tarball sits: beside the package (`apt-get source`,
 * `uscan`, `gbp export-orig`), in gbp's `../tarballs` or `../build-area`, or
 * inside the folder given.
 */
export function findOrig(dir: string, source: string, origVersion: string): OrigTarball | undefined {
  const parent = dirname(resolve(dir));
  const name = new RegExp(`^${escapeRegExp(`${source}_${origVersion}.orig.tar.`)}(gz|xz|bz2|lzma|zst)$`);
  for (const folder of [parent, join(parent, 'tarballs'), join(parent, 'build-area'), resolve(dir)]) {
    if (!existsSync(folder)) continue;
    const files = readdirSync(folder);
    const found = files.find((f) => name.test(f));
    if (!found) continue;
    const path = join(folder, found);
    return { path, ...(files.includes(`${found}.asc`) ? { signature: `${path}.asc` } : {}) };
  }
  return undefined;
}

/** The package's parts; undefined without a readable debian/changelog. */
export async function readDebianPackage(dir: string): Promise<DebianPackage | undefined> {
  const debian = join(dir, 'debian');
  const changelog = changelogVersion((await readText(join(debian, 'changelog'))) ?? '');
  if (!changelog) return undefined;
  const watchText = await readText(join(debian, 'watch'));
  const watch = watchText === undefined ? undefined : parseWatch(watchText, changelog.source)[0];
  const origVersion = origVersionOf(changelog.debianVersion);
  const orig = findOrig(dir, changelog.source, origVersion);
  const gbpTag = gbpUpstreamTag(await readText(join(debian, 'gbp.conf')));
  // debian/upstream/signing-key.asc is the usual place; .pgp and the older top-level name are read by uscan too.
  const keyring = ['upstream/signing-key.asc', 'upstream/signing-key.pgp', 'upstream-signing-key.pgp'].map((p) => join(debian, p)).find((p) => existsSync(p));
  const policy = join(debian, 'cuckoo.json');
  return {
    dir,
    source: changelog.source,
    debianVersion: changelog.debianVersion,
    origVersion,
    hasWatch: watchText !== undefined,
    metadata: readMetadata(await readText(join(debian, 'upstream', 'metadata'))),
    ...(watch ? { watch } : {}),
    ...(gbpTag ? { gbpTag } : {}),
    ...(orig ? { orig } : {}),
    ...(keyring ? { keyring: resolve(keyring) } : {}),
    ...(existsSync(policy) ? { policy: resolve(policy) } : {}),
  };
}
