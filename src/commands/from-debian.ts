/**
 * `cuckoo batch --from-debian DIR…`: manifest entries from unpacked Debian
 * source packages. The release is the `.orig` tarball beside the package
 * (with its `.asc`), the very file the packager imports; debian/watch gives
 * upstream's URL as a record (or the release itself when no .orig is there).
 * The repository comes from debian/upstream/metadata (`Repository:`), else
 * from the packager's --repo-map; the tag is the upstream version found among
 * the repository's tags. The keyring is debian/upstream/signing-key.asc and
 * the policy debian/cuckoo.json (the packagers' file, not upstream's: it is
 * refused, as a found cuckoo.json is, when the release or the tag carries the
 * same bytes). A package that does not give all of it is listed with what to
 * add where.
 */
import { stat } from 'node:fs/promises';
import { findOnPath } from '../release/decompress.js';
import { nameFromRelease, namePattern } from './batch-manifest.js';
import { readDebianPackage, type DebianPackage } from './debian-package.js';
import { concreteUrl, versionGroup, wantsSignature, type WatchLine } from './debian-watch.js';
import type { RecipeEntry, RecipeResult } from './recipe.js';
import { tagFromTemplate, type RepoMap } from './repo-map.js';
import { recipeTag } from './recipe-tag.js';
import { repoTagLister, tailSpellings, type TagLister } from './upstream-tag.js';
import { uscanRunner, type UscanRunner } from './uscan.js';

export { renderManifestYaml } from './recipe.js';
export { changelogVersion } from './debian-package.js';

export interface RecipeOptions {
  /** Package (or project) name → repository, from --repo-map. */
  repoMap?: RepoMap;
  /** Where the tags of each repository come from (default: the repository itself). */
  listTags?: TagLister;
  /** cuckoo's cache folder: bundles are unbundled there to list their tags. */
  cacheDir?: string;
}

export interface FromDebianOptions extends RecipeOptions {
  /** uscan for the record URL: default the one on PATH, if any; false: never. */
  uscan?: UscanRunner | false;
}

/**
 * Apply a watch file's perl `s/…/…/flags` (dversionmangle), `;`-separated, in
 * JavaScript; undefined when one is not a plain substitution JS can run.
 */
export function applyMangle(rules: string, value: string): string | undefined {
  let out = value;
  for (const rule of rules.split(/;(?=s)/)) {
    const m = /^s(.)(.*?)\1(.*?)\1([gix]*)$/.exec(rule.trim());
    if (!m) return undefined;
    try {
      out = out.replace(new RegExp(m[2]!, m[4]!.replace('x', '')), m[3]!.replace(/\\?\$(\d)/g, '$$$1'));
    } catch {
      return undefined;
    }
  }
  return out;
}

/** uscan's `dversionmangle=auto` (uscan(1)): a repack suffix dropped. */
const autoMangle = 's/[\\+~](debian|dfsg|ds|deb)(\\.)?(\\d+)?$//';

/** The upstream version: the .orig's with dversionmangle applied (`1.2+dfsg` → `1.2`) when JS can apply it. */
function upstreamVersion(pkg: DebianPackage): string {
  const rules = pkg.watch?.opts.dversionmangle;
  return (rules && applyMangle(rules === 'auto' ? autoMangle : rules, pkg.origVersion)) || pkg.origVersion;
}

/**
 * For a git tags page or `mode=git`: whether a tag is `version` as uscan
 * would see it: the file pattern (without its archive extension) matches the
 * tag, and the version it captures, uversionmangled, is `version`
 * (json-c's `json-c-0.16-20220414` is 0.16).
 */
function watchMatcher(line: WatchLine, before: string, group: [number, number], version: string): ((tag: string) => boolean) | undefined {
  const head = before.replace(/^.*refs\/tags\//, '').replace(/^.*\/(?=[^/]*$)/, '').replace(/^\.\*/, '');
  const tail = line.pattern.slice(group[1]).replace(/\\\.(?:\(\?:)?(?:tar|tgz|tbz|txz|zip)[\s\S]*$/, '');
  let re: RegExp;
  try {
    re = new RegExp(`^${head}${line.pattern.slice(group[0], group[1])}${tail}$`);
  } catch {
    return undefined;
  }
  const mangle = line.opts.uversionmangle;
  return (tag) => {
    const m = re.exec(tag);
    if (!m || m[1] === undefined) return false;
    return (mangle ? applyMangle(mangle, m[1]) : m[1]) === version;
  };
}

function githubRepo(url: string): string | undefined {
  const m = /^https:\/\/(?:api\.)?github\.com\/(?:repos\/)?([^/]+)\/([^/]+)\//.exec(url);
  return m ? `https://github.com/${m[1]}/${m[2]}` : undefined;
}

/** The watch line's URL for `version`, for the record; undefined when the pattern is not concrete. */
function watchUrl(line: WatchLine | undefined, version: string, origPath: string | undefined): ReturnType<typeof concreteUrl> | undefined {
  if (!line) return undefined;
  // A repacked .orig tarball's extension says nothing of upstream's.
  const repacked = line.opts.repack !== undefined || line.opts.repacksuffix !== undefined;
  const ext = !repacked && origPath ? /(\.tar\.[a-z0-9]+)$/.exec(origPath)?.[1] : undefined;
  return concreteUrl(line, version, ext);
}

/**
 * Tag spellings the watch line states, for a git tags page or `mode=git`
 * (`refs/tags/v?(…)` gives `v1.2` and `1.2`), and the project name its file
 * pattern starts with (`xz-@ANY_VERSION@` gives `xz`).
 */
function fromWatch(line: WatchLine | undefined, version: string): { spellings: string[]; name?: string; matches?: (tag: string) => boolean } {
  const group = line ? versionGroup(line.pattern) : undefined;
  if (!line || !group) return { spellings: [] };
  const before = line.pattern.slice(0, group[0]);
  const file = before.slice(before.lastIndexOf('/') + 1);
  const name = /^[A-Za-z][\w+]*(?:-[A-Za-z][\w+]*)*/.exec(file)?.[0];
  const git = line.opts.mode === 'git' || /\/(tags|releases)(\/|$)/.test(before);
  const spellings = git ? tailSpellings(before.replace(/^.*refs\/tags\//, '')).map((p) => `${p}${version}`) : [];
  const matches = git ? watchMatcher(line, before, group, version) : undefined;
  return { spellings, ...(name ? { name } : {}), ...(matches ? { matches } : {}) };
}

async function fromPackage(dir: string, options: FromDebianOptions, listTags: TagLister, uscan: UscanRunner | undefined): Promise<RecipeEntry | { missing: string[] }> {
  const pkg = await readDebianPackage(dir);
  if (!pkg) return { missing: ['debian/changelog: a first entry "SOURCE (VERSION-REVISION) …" (the upstream version)'] };
  const missing: string[] = [];
  const version = upstreamVersion(pkg);
  const watched = watchUrl(pkg.watch, version, pkg.orig?.path);
  const recorded = (uscan ? await uscan(dir) : undefined) ?? (watched && 'url' in watched ? watched.url : undefined);
  let release = pkg.orig?.path;
  if (!release) {
    if (recorded) release = recorded;
    else {
      const why = !pkg.hasWatch ? 'no debian/watch to find it with' : !pkg.watch ? 'debian/watch has no watch line' : watched && 'missing' in watched ? `debian/watch lacks ${watched.missing}` : 'debian/watch gives no URL';
      missing.push(`the release: put ${pkg.source}_${pkg.origVersion}.orig.tar.* beside the package (apt-get source --download-only ${pkg.source}, or uscan --download-current-version; ${why})`);
    }
  }
  if (pkg.metadata === 'invalid') missing.push('debian/upstream/metadata: fix its YAML');
  const metadata = pkg.metadata === 'invalid' ? undefined : pkg.metadata;
  const mapped = options.repoMap?.get(pkg.source);
  const repo = metadata?.repository ?? mapped?.repo ?? (pkg.watch ? githubRepo(pkg.watch.pattern) : undefined);
  if (repo === undefined) missing.push(`the repository: add "Repository: URL" to debian/upstream/metadata, or "${pkg.source}: URL" to a --repo-map file`);
  let tag: string | undefined;
  const watch = fromWatch(pkg.watch, version);
  if (repo !== undefined) {
    const got = await recipeTag({
      repo,
      version,
      preferred: [...(pkg.gbpTag ? [tagFromTemplate(pkg.gbpTag, version)] : []), ...watch.spellings],
      names: [...new Set([metadata?.name, watch.name, pkg.source].filter((n): n is string => !!n))],
      ...(mapped ? { mapped } : {}),
      ...(watch.matches ? { matches: watch.matches } : {}),
      fix: `"upstream-vcs-tag = TAG%(version)s" to debian/gbp.conf, or "${pkg.source}: {repo: ${repo}, tag: TAG%(version)s}" to a --repo-map file`,
    }, listTags);
    if ('tag' in got) tag = got.tag;
    else missing.push(got.missing);
  }
  if (missing.length > 0 || !release || !repo) return { missing };
  const wanted = `${pkg.source}-${version}`.replace(/[^A-Za-z0-9._-]+/g, '-');
  const signature = pkg.orig ? pkg.orig.signature ?? (pkg.keyring ? 'auto' : undefined) : pkg.watch && wantsSignature(pkg.watch) || pkg.keyring ? 'auto' : undefined;
  return {
    name: namePattern.test(wanted) ? wanted : nameFromRelease(release),
    release,
    repo,
    ...(tag ? { tag } : {}),
    ...(recorded && recorded !== release ? { upstream: recorded } : {}),
    ...(signature ? { signature } : {}),
    ...(pkg.keyring ? { keyring: pkg.keyring } : {}),
    ...(pkg.policy ? { policy: pkg.policy, policyFound: 'from-debian' as const } : {}),
  };
}

/** Entries for the packages that give all the parts; the others with what to add where. */
export async function fromDebian(dirs: readonly string[], options: FromDebianOptions = {}): Promise<RecipeResult> {
  const result: RecipeResult = { entries: [], incomplete: [] };
  const listTags = options.listTags ?? repoTagLister(options.cacheDir ?? process.cwd());
  const uscanPath = options.uscan === undefined ? await findOnPath('uscan') : undefined;
  const uscan = options.uscan === false ? undefined : options.uscan ?? (uscanPath ? uscanRunner(uscanPath) : undefined);
  for (const dir of dirs) {
    const kind = await stat(dir).then((st) => (st.isDirectory() ? 'folder' : 'not a folder'), () => 'no such folder');
    if (kind !== 'folder') {
      result.incomplete.push({ dir, missing: [`the folder itself (${kind})`] });
      continue;
    }
    const got = await fromPackage(dir, options, listTags, uscan);
    if ('missing' in got) result.incomplete.push({ dir, missing: got.missing });
    else result.entries.push(got);
  }
  return result;
}
