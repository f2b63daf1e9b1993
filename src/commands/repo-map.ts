/**
 * `--repo-map FILE`: the packager's own list of package → upstream
 * repository, for the recipes that do not name one. YAML (or JSON):
 *
 *   xz-utils: https://github.com/tukaani-project/xz
 *   curl: { repo: https://github.com/curl/curl, tag: "curl-%(version%.%_)s" }
 *
 * `tag` spells the upstream tag, with gbp's `%(version)s` (and
 * `%(version%.%_)s`: dots as underscores) or `{version}`. Relative paths are
 * read from the map's folder.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { yaml } from '../yaml.js';
import { CuckooError } from '../errors.js';

export interface RepoMapEntry {
  repo: string;
  /** A tag template; see tagFromTemplate. */
  tag?: string;
}

export type RepoMap = Map<string, RepoMapEntry>;

function bad(file: string, message: string): never {
  throw new CuckooError('usage', `--repo-map ${file}: ${message}`, { hint: 'write one line per package: "NAME: REPOSITORY", or "NAME: {repo: REPOSITORY, tag: TEMPLATE}"' });
}

/** A local path as seen from the map's folder; URLs and scp-like addresses stay. */
function fromMap(base: string, repo: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\s]+@[^/\s]+:/.test(repo) ? repo : resolve(base, repo);
}

export function parseRepoMap(text: string, file: string, base: string): RepoMap {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (err) {
    bad(file, `not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc)) bad(file, 'expected a mapping of package names to repositories');
  const map: RepoMap = new Map();
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value === 'string' && value.trim() !== '') {
      map.set(name, { repo: fromMap(base, value.trim()) });
      continue;
    }
    const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (!obj || typeof obj.repo !== 'string' || obj.repo.trim() === '') bad(file, `${name}: expected a repository, or {repo: …, tag: …}`);
    const unknown = Object.keys(obj).find((k) => k !== 'repo' && k !== 'tag');
    if (unknown) bad(file, `${name}: unknown key "${unknown}" (the keys are repo and tag)`);
    if (obj.tag !== undefined && (typeof obj.tag !== 'string' || !/%\(version|\{version\}/.test(obj.tag))) bad(file, `${name}: tag must be a template with %(version)s or {version}`);
    map.set(name, { repo: fromMap(base, obj.repo.trim()), ...(typeof obj.tag === 'string' ? { tag: obj.tag } : {}) });
  }
  return map;
}

export async function readRepoMap(file: string, cwd: string = process.cwd()): Promise<RepoMap> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CuckooError('usage', `--repo-map ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { hint: 'check the path' });
  }
  return parseRepoMap(text, file, dirname(path));
}

/**
 * A tag from a template and a version: gbp's `%(version)s`, its
 * `%(version%A%B)s` (each A replaced by B, as gbp does for `~`), or `{version}`.
 */
export function tagFromTemplate(template: string, version: string): string {
  return template
    .replace(/%\(version%([^%)]*)%([^%)]*)\)s/g, (_m, from: string, to: string) => (from === '' ? version : version.split(from).join(to)))
    .replace(/%\(version\)s/g, version)
    .replace(/\{version\}/g, version);
}
