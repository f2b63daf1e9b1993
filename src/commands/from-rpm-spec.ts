/**
 * `cuckoo batch --from-rpm-spec SPEC…`: manifest entries from RPM spec
 * files. Source0 is the release (the file itself when `fedpkg sources` put
 * it beside the spec, else its URL), a Source that is Source0 plus `.asc`
 * (`.sig`, `.sign`) its signature and a `gpgkey-….gpg` (or other key file)
 * Source beside the spec its keyring, as %gpgverify uses them. The
 * repository comes from %{forgeurl} or a forge URL:, else the --repo-map; the
 * tag from %{tag} or the forge archive URL, else the version among the
 * repository's tags. With rpm installed, `rpmspec -P` expands the spec.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { findOnPath } from '../release/decompress.js';
import { namePattern, nameFromRelease } from './batch-manifest.js';
import type { RecipeOptions } from './from-debian.js';
import { forgeRepo, forgeTag, signatureOf } from './forge-url.js';
import type { RecipeEntry, RecipeResult } from './recipe.js';
import { recipeTag } from './recipe-tag.js';
import { parseRpmSpec, specSources, specValue, type RpmSpec } from './rpm-spec.js';
import { repoTagLister } from './upstream-tag.js';

/** The spec as `rpmspec -P` prints it, or undefined to read it as written. */
export type RpmspecRunner = (file: string) => Promise<string | undefined>;

export interface FromRpmSpecOptions extends RecipeOptions {
  /** rpmspec -P: default the one on PATH, if any; false: never. */
  rpmspec?: RpmspecRunner | false;
}

export function rpmspecRunner(command = 'rpmspec', timeoutMs = 60_000): RpmspecRunner {
  return async (file) => {
    const result = await execa(command, ['-P', file], { cwd: dirname(resolve(file)), timeout: timeoutMs, reject: false, stdin: 'ignore' }).catch(() => undefined);
    return result && result.exitCode === 0 ? String(result.stdout) : undefined;
  };
}

function urlName(url: string): string {
  // `…/v1.2.tar.gz#/foo-1.2.tar.gz`: the fragment names the file (Fedora's SourceURL guidelines).
  const fragment = /#\/([^/]+)$/.exec(url);
  return fragment ? fragment[1]! : basename(url.split(/[?#]/)[0]!);
}

/** A Source as a local file beside the spec (fetched by fedpkg sources) or its URL; undefined when neither. */
function located(value: string, specDir: string): { path?: string; url?: string } {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  const local = join(specDir, isUrl ? urlName(value) : value);
  return {
    ...(existsSync(local) ? { path: local } : {}),
    ...(isUrl ? { url: value.replace(/#\/[^/]+$/, '') } : {}),
  };
}

const keyName = /(^gpgkey-.*|keyring.*|\.(gpg|pgp|asc|key))$/i;

function fromSpec(spec: RpmSpec, file: string, specDir: string): { parts?: Omit<RecipeEntry, 'repo'> & { version: string; project: string; repo?: string; preferred: string[] }; missing: string[] } {
  const missing: string[] = [];
  const name = specValue(spec, 'name');
  const version = specValue(spec, 'version');
  if (!name || 'missing' in name) missing.push(name ? `a Name: cuckoo can expand (${name.missing})` : 'Name: in the spec');
  if (!version || 'missing' in version) missing.push(version ? `a Version: cuckoo can expand (${version.missing})` : 'Version: in the spec');
  const sources = specSources(spec);
  const source0 = sources.find((s) => s.key === 'source0');
  let release: string | undefined;
  let upstream: string | undefined;
  if (!source0) missing.push('Source0: in the spec');
  else if ('missing' in source0) missing.push(`a Source0 cuckoo can expand (${source0.missing}; rpmspec -P, from rpm, expands every macro)`);
  else {
    const where = located(source0.value, specDir);
    release = where.path ?? where.url;
    if (where.url && where.path) upstream = where.url;
    if (!release) missing.push(`the release: Source0 ${source0.value} is a file name: put it beside ${basename(file)} (fedpkg sources) or write its URL`);
  }
  const concrete = sources.filter((s): s is { key: string; value: string } => 'value' in s).map((s) => s.value);
  let signature: string | undefined;
  let keyring: string | undefined;
  if (source0 && 'value' in source0) {
    const sig = signatureOf(source0.value.replace(/#\/[^/]+$/, ''), concrete);
    if (sig) {
      const where = located(sig, specDir);
      signature = where.path ?? where.url;
    }
    for (const value of concrete) {
      if (value === source0.value || value === sig || !keyName.test(urlName(value)) || /:\/\//.test(value)) continue;
      const where = located(value, specDir);
      if (where.path) keyring ??= resolve(where.path);
      else missing.push(`the keyring ${value}: put it beside ${basename(file)}`);
    }
  }
  const forgeurl = specValue(spec, '%forgeurl');
  const url = specValue(spec, 'url');
  const repo = (forgeurl && 'value' in forgeurl ? forgeRepo(forgeurl.value) ?? forgeurl.value : undefined)
    ?? (url && 'value' in url ? forgeRepo(url.value) : undefined)
    ?? (release ? forgeRepo(upstream ?? release) : undefined);
  const tag = specValue(spec, '%tag');
  const preferred = [...(tag && 'value' in tag ? [tag.value] : []), ...(source0 && 'value' in source0 && forgeTag(source0.value) ? [forgeTag(source0.value)!] : [])];
  if (!name || 'missing' in name || !version || 'missing' in version || !release) return { missing };
  return {
    missing,
    parts: {
      name: `${name.value}-${version.value}`,
      project: name.value,
      version: version.value,
      release: release.startsWith('/') || /:\/\//.test(release) ? release : resolve(release),
      ...(repo ? { repo } : {}),
      preferred,
      ...(upstream ? { upstream } : {}),
      ...(signature ? { signature: /:\/\//.test(signature) ? signature : resolve(signature) } : {}),
      ...(keyring ? { keyring } : {}),
    },
  };
}

/** Entries for the specs that give every part; the others with what to add where. */
export async function fromRpmSpecs(files: readonly string[], options: FromRpmSpecOptions = {}): Promise<RecipeResult> {
  const result: RecipeResult = { entries: [], incomplete: [] };
  const listTags = options.listTags ?? repoTagLister(options.cacheDir ?? process.cwd());
  const found = options.rpmspec === undefined ? await findOnPath('rpmspec') : undefined;
  const rpmspec = options.rpmspec === false ? undefined : options.rpmspec ?? (found ? rpmspecRunner(found) : undefined);
  for (const file of files) {
    let text: string;
    try {
      text = (rpmspec ? await rpmspec(file) : undefined) ?? (await readFile(file, 'utf8'));
    } catch (err) {
      result.incomplete.push({ dir: file, missing: [`the spec file itself (${(err as NodeJS.ErrnoException).code ?? String(err)})`] });
      continue;
    }
    const { parts, missing } = fromSpec(parseRpmSpec(text), file, dirname(resolve(file)));
    if (parts) {
      const mapped = options.repoMap?.get(parts.project);
      const repo = parts.repo ?? mapped?.repo;
      if (!repo) missing.push(`the repository: a forge address in URL: or %global forgeurl, or "${parts.project}: URL" in a --repo-map file`);
      else {
        const got = await recipeTag({ repo, version: parts.version, preferred: parts.preferred, names: [parts.project], ...(mapped ? { mapped } : {}), fix: `"%global tag TAG" to the spec, or "${parts.project}: {repo: ${repo}, tag: TAG{version}}" to a --repo-map file` }, listTags);
        if ('missing' in got) missing.push(got.missing);
        else if (missing.length === 0) {
          const { project: _p, version: _v, preferred: _r, ...entry } = parts;
          result.entries.push({ ...entry, name: namePattern.test(entry.name) ? entry.name : nameFromRelease(entry.release), repo, tag: got.tag });
          continue;
        }
      }
    }
    result.incomplete.push({ dir: file, missing });
  }
  return result;
}
