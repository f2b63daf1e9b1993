/**
 * `cuckoo batch --from-debian DIR…`: manifest entries from unpacked Debian
 * source packages. The release URL comes from debian/watch and the upstream
 * version of debian/changelog, the repository from debian/upstream/metadata
 * (`Repository:`), the keyring from debian/upstream/signing-key.asc and the
 * policy from debian/cuckoo.json (the packagers' file, not upstream's: it is
 * refused, as a found cuckoo.json is, when the release or the tag carries the
 * same bytes). A package that does not give all of it is listed with what is
 * missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { nameFromRelease } from './batch-manifest.js';
import { concreteUrl, parseWatch, wantsSignature } from './debian-watch.js';

export interface DebianEntry {
  name: string;
  release: string;
  repo: string;
  signature?: 'auto';
  /** Absolute path of debian/upstream/signing-key.asc. */
  keyring?: string;
  /** Absolute path of debian/cuckoo.json, the packagers' policy for this project. */
  policy?: string;
  /**
   * Set with `policy`: it was found, not named, so verify refuses it when the
   * release or the tag carries the same bytes (an upstream that ships debian/
   * must not supply its own waivers).
   */
  policyFound?: 'from-debian';
}

export interface FromDebianResult {
  entries: DebianEntry[];
  incomplete: Array<{ dir: string; missing: string[] }>;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Source name and upstream version from the first changelog line: `pkg (1:2.3-4) …` → 2.3. */
export function changelogVersion(text: string): { source: string; debianVersion: string } | undefined {
  const m = /^(\S+) \(([^)\s]+)\)/.exec(text);
  return m ? { source: m[1]!, debianVersion: m[2]! } : undefined;
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

/** The upstream version as upstream spells it: no epoch, no Debian revision, dversionmangle applied. */
function upstreamVersion(debianVersion: string, opts: Record<string, string>): { version: string } | { missing: string } {
  let v = debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  if (opts.dversionmangle) {
    const mangled = applyMangle(opts.dversionmangle, v);
    if (mangled === undefined) return { missing: `a dversionmangle cuckoo can apply (${opts.dversionmangle})` };
    v = mangled;
  }
  // uversionmangle maps upstream spellings onto Debian's (`-rc` → `~rc`); cuckoo cannot undo it.
  if (opts.uversionmangle && /~/.test(v)) return { missing: `the upstream spelling of ${v} (debian/watch has a uversionmangle)` };
  return { version: v };
}

/** A repacked .orig tarball's extension says nothing of upstream's, so it is not used then. */
/** `.tar.gz` of `<source>_<version>.orig.tar.gz` beside the unpacked package (where dpkg-source puts it). */
function origExtension(dir: string, source: string): string | undefined {
  const parent = dirname(resolve(dir));
  const prefix = `${source}_`;
  const orig = existsSync(parent) ? readdirSync(parent).find((f) => f.startsWith(prefix) && /\.orig\.tar\.[a-z0-9]+$/.test(f)) : undefined;
  return orig ? /(\.tar\.[a-z0-9]+)$/.exec(orig)![1] : undefined;
}

function githubRepo(url: string): string | undefined {
  const m = /^https:\/\/(?:api\.)?github\.com\/(?:repos\/)?([^/]+)\/([^/]+)\//.exec(url);
  return m ? `https://github.com/${m[1]}/${m[2]}` : undefined;
}

async function fromPackage(dir: string): Promise<DebianEntry | { missing: string[] }> {
  const debian = join(dir, 'debian');
  const missing: string[] = [];
  const changelog = changelogVersion((await readText(join(debian, 'changelog'))) ?? '');
  const watchText = await readText(join(debian, 'watch'));
  const metadata = await readText(join(debian, 'upstream', 'metadata'));
  if (!changelog) missing.push('debian/changelog (the upstream version)');
  if (watchText === undefined) missing.push('debian/watch (where releases are)');
  let repo: string | undefined;
  try {
    const doc = metadata === undefined ? undefined : (parseYaml(metadata) as Record<string, unknown> | null);
    if (doc && typeof doc.Repository === 'string') repo = doc.Repository;
  } catch {
    missing.push('debian/upstream/metadata that parses as YAML');
  }
  let release: string | undefined;
  let signature = false;
  if (changelog && watchText !== undefined) {
    const line = parseWatch(watchText, changelog.source)[0];
    if (!line) missing.push('a watch line in debian/watch');
    else {
      signature = wantsSignature(line);
      const version = upstreamVersion(changelog.debianVersion, line.opts);
      const url = 'version' in version ? concreteUrl(line, version.version, line.opts.repack !== undefined || line.opts.repacksuffix !== undefined ? undefined : origExtension(dir, changelog.source)) : version;
      if ('url' in url) release = url.url;
      else missing.push(url.missing);
      repo ??= githubRepo(line.pattern);
    }
  }
  if (repo === undefined) missing.push('the repository (Repository: in debian/upstream/metadata)');
  if (missing.length > 0 || !release || !repo || !changelog) return { missing };
  const keyring = join(debian, 'upstream', 'signing-key.asc');
  const hasKey = existsSync(keyring);
  const policy = join(debian, 'cuckoo.json');
  return {
    name: nameFromRelease(release).startsWith(changelog.source) ? nameFromRelease(release) : `${changelog.source}-${nameFromRelease(release)}`,
    release,
    repo,
    ...(signature || hasKey ? { signature: 'auto' as const } : {}),
    ...(hasKey ? { keyring: resolve(keyring) } : {}),
    ...(existsSync(policy) ? { policy: resolve(policy), policyFound: 'from-debian' as const } : {}),
  };
}

/** Entries for the packages that give all the parts; the others with what they lack. */
export async function fromDebian(dirs: readonly string[]): Promise<FromDebianResult> {
  const result: FromDebianResult = { entries: [], incomplete: [] };
  for (const dir of dirs) {
    const kind = await stat(dir).then((st) => (st.isDirectory() ? 'folder' : 'not a folder'), () => 'no such folder');
    if (kind !== 'folder') {
      result.incomplete.push({ dir, missing: [`the folder itself (${kind})`] });
      continue;
    }
    const got = await fromPackage(dir);
    if ('missing' in got) result.incomplete.push({ dir, missing: got.missing });
    else result.entries.push(got);
  }
  return result;
}

/** The entries as a YAML manifest; keyrings and policies relative to `manifestDir`; incomplete packages as comments. */
export function renderManifestYaml(result: FromDebianResult, manifestDir: string = process.cwd()): string {
  const head = result.incomplete.map((m) => `# ${basename(resolve(m.dir))}: not listed, missing ${m.missing.join('; ')}\n`).join('');
  const near = (file: string) => relative(manifestDir, file) || '.';
  const entries = result.entries.map((e) => ({ ...e, ...(e.keyring ? { keyring: near(e.keyring) } : {}), ...(e.policy ? { policy: near(e.policy) } : {}) }));
  return `# made by cuckoo batch --from-debian\n${head}${entries.length ? stringify(entries, { lineWidth: 0 }) : '[]\n'}`;
}
