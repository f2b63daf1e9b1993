/**
 * `cuckoo batch --from-srcinfo FILE…`: manifest entries from Arch Linux
 * `.SRCINFO` files (makepkg --printsrcinfo: every variable already
 * expanded). The release is the first archive among `source` (a `name::url`
 * keeps its url), its signature the source that is the same URL with `.sig`
 * (`.asc`, `.sign`), its sha256 the matching `sha256sums` (not SKIP), and
 * its keyring `keys/pgp/FINGERPRINT.asc` beside the file for a key of
 * `validpgpkeys`, where Arch's packaging repositories keep them. The
 * repository comes from `url` or a forge source URL, else the --repo-map.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { namePattern, nameFromRelease } from './batch-manifest.js';
import type { RecipeOptions } from './from-debian.js';
import { forgeRepo, forgeTag, isArchiveName, signatureOf } from './forge-url.js';
import type { RecipeResult } from './recipe.js';
import { recipeTag } from './recipe-tag.js';
import { repoTagLister } from './upstream-tag.js';

export interface SrcInfo {
  /** The pkgbase section's keys, each with its values in order. */
  base: Map<string, string[]>;
}

/** `key = value` lines; only the pkgbase section (before the first pkgname) is kept. */
export function parseSrcInfo(text: string): SrcInfo {
  const base = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    if (m[1] === 'pkgname') break;
    base.set(m[1]!, [...(base.get(m[1]!) ?? []), m[2]!]);
  }
  return { base };
}

/** `name::url` → url; a local file stays as written. */
function sourceUrl(source: string): string {
  const i = source.indexOf('::');
  return i >= 0 ? source.slice(i + 2) : source;
}

export async function fromSrcInfos(files: readonly string[], options: RecipeOptions = {}): Promise<RecipeResult> {
  const result: RecipeResult = { entries: [], incomplete: [] };
  const listTags = options.listTags ?? repoTagLister(options.cacheDir ?? process.cwd());
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      result.incomplete.push({ dir: file, missing: [`the .SRCINFO file itself (${(err as NodeJS.ErrnoException).code ?? String(err)})`] });
      continue;
    }
    const dir = dirname(resolve(file));
    const info = parseSrcInfo(text).base;
    const one = (k: string) => info.get(k)?.[0];
    const missing: string[] = [];
    const project = one('pkgbase');
    const version = one('pkgver');
    if (!project) missing.push('pkgbase in .SRCINFO (makepkg --printsrcinfo > .SRCINFO writes it)');
    if (!version) missing.push('pkgver in .SRCINFO');
    const sources = (info.get('source') ?? []).map(sourceUrl);
    const index = sources.findIndex((s) => /^(https?|ftp):\/\//.test(s) && isArchiveName(s));
    const release = sources[index];
    if (!release) {
      const vcs = sources.find((s) => /^(git|hg|svn|bzr|fossil)\+/.test(s));
      missing.push(vcs ? `a release archive: the package builds from ${vcs.split('#')[0]}, so there is no release to compare (nothing to check)` : 'a source that is a release archive URL');
    }
    const sha = index >= 0 ? info.get('sha256sums')?.[index] : undefined;
    const signature = release ? signatureOf(release, sources) : undefined;
    const keys = info.get('validpgpkeys') ?? [];
    const keyFiles = keys.map((k) => join(dir, 'keys', 'pgp', `${k}.asc`));
    const keyring = signature ? keyFiles.find((f) => existsSync(f)) : undefined;
    if (signature && keys.length > 0 && !keyring) missing.push(`the signing key: put keys/pgp/${keys[0]}.asc beside ${basename(file)} (gpg --export --armor ${keys[0]})`);
    const mapped = project ? options.repoMap?.get(project) : undefined;
    const url = one('url');
    const repo = (url ? forgeRepo(url) : undefined) ?? (release ? forgeRepo(release) : undefined) ?? mapped?.repo;
    if (!repo) missing.push(`the repository: a forge address in url, or "${project ?? 'PKGBASE'}: URL" in a --repo-map file`);
    let tag: string | undefined;
    if (repo && version && project) {
      const preferred = release && forgeTag(release) ? [forgeTag(release)!] : [];
      const got = await recipeTag({ repo, version, preferred, names: [project], ...(mapped ? { mapped } : {}), fix: `"${project}: {repo: ${repo}, tag: TAG{version}}" to a --repo-map file` }, listTags);
      if ('missing' in got) missing.push(got.missing);
      else tag = got.tag;
    }
    if (missing.length > 0 || !release || !repo || !project || !version) {
      result.incomplete.push({ dir: file, missing });
      continue;
    }
    const name = `${project}-${version}`;
    result.entries.push({
      name: namePattern.test(name) ? name : nameFromRelease(release),
      release,
      repo,
      ...(tag ? { tag } : {}),
      ...(sha && /^[0-9a-f]{64}$/i.test(sha) ? { sha256: sha.toLowerCase() } : {}),
      ...(signature ? { signature } : {}),
      ...(keyring ? { keyring } : {}),
    });
  }
  return result;
}
