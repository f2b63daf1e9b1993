/**
 * A batch manifest: a list of releases to check, in JSON or YAML. Either a
 * top-level list or `{ entries: [...] }`. Each entry names a release and the
 * repository it claims to come from; relative paths are read from the
 * manifest's folder, so a manifest travels with the files it names.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { yaml } from '../yaml.js';
import { CuckooError } from '../errors.js';
import { isUrl } from '../release/http-get.js';
import { releaseName } from './release-source.js';
import { tagPathOption } from './tag-side.js';

export interface BatchEntry {
  /** Safe file name: the entry's reports are `<name>.json` and `<name>.sarif`. */
  name: string;
  /** Position in the manifest (0-based), kept so merged shards list entries in manifest order. */
  index: number;
  release: string;
  repo: string;
  tag?: string;
  commit?: string;
  /** The folder of the tag the release was made from (--tag-path). */
  tagPath?: string;
  sha256?: string;
  checksums?: string;
  signature?: string;
  keyring?: string;
  /** A policy file (JSON) for this entry; see policy/policy.ts. */
  policy?: string;
  /**
   * `from-debian`: `policy` is the debian/cuckoo.json that --from-debian
   * found, not a file someone named, so it gets the checks of a found
   * policy (refused when the release or the tag carries the same bytes).
   */
  policyFound?: string;
  /** An accepted earlier JSON report of this project; see policy/baseline.ts. */
  baseline?: string;
  /** Where upstream publishes the release, written by --from-debian as a record; never downloaded. */
  upstream?: string;
  /** release and repo as the manifest wrote them (before paths were resolved), for summaries. */
  written: { release: string; repo: string };
}

export interface Manifest {
  /** The manifest as given (a path, or `--from-debian` for generated entries). */
  file: string;
  /** sha256 of the manifest's bytes: shard summaries merge only when it is the same. */
  sha256: string;
  entries: BatchEntry[];
}

const stringKeys = ['name', 'release', 'repo', 'tag', 'commit', 'tagPath', 'sha256', 'checksums', 'signature', 'keyring', 'policy', 'policyFound', 'baseline', 'upstream'] as const;
type StringKey = (typeof stringKeys)[number];
/** Keys whose relative paths are read from the manifest's folder. */
const pathKeys: readonly StringKey[] = ['release', 'repo', 'checksums', 'signature', 'keyring', 'policy', 'baseline'];

/**
 * The rule for names: a letter or digit, then letters, digits, `.`, `_` or
 * `-`, at most 100 in all. Such a name is a file name on every system and
 * cannot climb out of --out. A name given otherwise is an error (renaming it
 * silently would break whoever looks for its report); a missing name is made
 * from the release file name by that rule.
 */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function nameFromRelease(release: string): string {
  const base = releaseName(release).replace(/\.(tar\.(gz|xz|bz2|zst|lz|lzma)|tgz|tbz2?|txz|tar|zip)$/i, '');
  const slug = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100);
  return slug || 'release';
}

function fail(file: string, where: string, message: string, hint?: string): never {
  throw new CuckooError('usage', `${file}: ${where}${message}`, { hint: hint ?? 'see cuckoo batch --help for the manifest format' });
}

/** A relative path as seen from the manifest's folder; URLs and `auto` stay as they are. */
function fromManifest(base: string, key: StringKey, value: string): string {
  if (isUrl(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^/\s]+@[^/\s]+:/.test(value)) return value;
  if (key === 'signature' && value === 'auto') return value;
  return resolve(base, value);
}

/** Parse and check a manifest's text; `file` names it in errors, `base` is where relative paths start. */
export function parseManifest(text: string, file: string, base: string): Manifest {
  let doc: unknown;
  try {
    // JSON is YAML, but JSON.parse gives better messages for .json files.
    doc = /\.json$/i.test(file) ? JSON.parse(text) : yaml().parse(text);
  } catch (err) {
    fail(file, '', `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { entries?: unknown }).entries) ? (doc as { entries: unknown[] }).entries : undefined;
  if (!list) fail(file, '', 'expected a list of entries, or an object with an "entries" list');
  if (list.length === 0) fail(file, '', 'the manifest lists no entries');
  const seen = new Map<string, number>();
  const entries = list.map((raw, index): BatchEntry => {
    let where = `entry ${index + 1}: `;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, where, 'expected an object with release and repo');
    const obj = raw as Record<string, unknown>;
    if (typeof obj.name === 'string') where = `entry ${index + 1} (${obj.name}): `;
    for (const key of Object.keys(obj)) {
      if (!(stringKeys as readonly string[]).includes(key)) fail(file, where, `unknown key "${key}"`, `the keys are ${stringKeys.join(', ')}`);
      const value = obj[key];
      if (typeof value !== 'string' || value.trim() === '') fail(file, where, `"${key}" must be a non-empty string`);
    }
    const get = (key: StringKey) => obj[key] as string | undefined;
    for (const key of ['release', 'repo'] as const) if (get(key) === undefined) fail(file, where, `missing "${key}"`);
    if (get('tag') !== undefined && get('commit') !== undefined) fail(file, where, 'give "tag" or "commit", not both');
    if (get('sha256') !== undefined && get('checksums') !== undefined) fail(file, where, 'give "sha256" or "checksums", not both');
    const tagPath = get('tagPath');
    if (tagPath !== undefined) {
      try {
        tagPathOption(tagPath, false);
      } catch {
        fail(file, where, `"tagPath" ${JSON.stringify(tagPath)} is not a folder of the tag as git names it`, 'give the folder relative to the top of the repository, such as smartmontools or lib/src');
      }
    }
    const found = get('policyFound');
    if (found !== undefined && found !== 'from-debian') fail(file, where, `"policyFound" must be "from-debian", got ${JSON.stringify(found)}`, 'cuckoo batch --from-debian writes it for a debian/cuckoo.json it found; a policy named by hand needs none');
    if (found !== undefined && get('policy') === undefined) fail(file, where, '"policyFound" without "policy"');
    const name = get('name') ?? nameFromRelease(get('release')!);
    if (!namePattern.test(name)) {
      fail(file, where, `"name" ${JSON.stringify(name)} is not a safe file name`, 'use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100');
    }
    const first = seen.get(name);
    if (first !== undefined) fail(file, where, `the name "${name}" is already used by entry ${first + 1}`, 'each entry needs its own name: its reports are <name>.json and <name>.sarif');
    seen.set(name, index);
    const entry: BatchEntry = { name, index, release: '', repo: '', written: { release: get('release')!, repo: get('repo')! } };
    for (const key of stringKeys) {
      const value = get(key);
      if (value === undefined || key === 'name') continue;
      entry[key] = pathKeys.includes(key) ? fromManifest(base, key, value) : value;
    }
    return entry;
  });
  return { file, sha256: createHash('sha256').update(text).digest('hex'), entries };
}

/** Read a manifest file (JSON or YAML). */
export async function readManifest(file: string, cwd: string = process.cwd()): Promise<Manifest> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CuckooError('usage', `${file}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { hint: 'check the path' });
  }
  return parseManifest(text, file, dirname(path));
}
