/**
 * The tag an upstream version was released as, looked up among the
 * repository's tags when a recipe (Debian, RPM, Arch) is turned into a
 * manifest entry: the spellings the recipe states first (a gbp.conf
 * `upstream-vcs-tag`, a --repo-map template, a watch file's `v?`), then the
 * spellings projects use (src/git/infer.ts).
 */
import { tagCandidates } from '../git/infer.js';
import { nearestTags } from '../git/nearest.js';
import { listTags } from '../git/refs.js';
import { lsRemoteTags } from '../git/remote.js';
import { openRepo } from '../git/repo.js';
import type { TagRef } from '../git/types.js';
import { isRemote } from './tag-side.js';

/** The tags of a repository (a clone, a bundle or a URL). */
export type TagLister = (repo: string) => Promise<TagRef[]>;

/** Lists each repository's tags once (ls-remote for URLs). */
export function repoTagLister(cacheDir: string): TagLister {
  const seen = new Map<string, Promise<TagRef[]>>();
  return (repo) => {
    let tags = seen.get(repo);
    if (!tags) {
      tags = (async () => ((await isRemote(repo)) ? lsRemoteTags(repo) : listTags(await openRepo(repo, { cacheDir }))))();
      seen.set(repo, tags);
    }
    return tags;
  };
}

/**
 * The strings a short regex matches, when it is made of literal characters
 * and optional ones (`v?`, `[-_]?`, `(?:v)?`…); the longest such tail of the
 * regex, since whatever comes before it (a `.*` or a folder) is not part of a tag.
 */
export function tailSpellings(pattern: string, max = 16): string[] {
  type Token = string[];
  let tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    let options: string[] | undefined;
    if (c === '\\' && i + 1 < pattern.length && !/[A-Za-z0-9]/.test(pattern[i + 1]!)) options = [pattern[++i]!];
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      const body = end > i ? pattern.slice(i + 1, end) : '';
      if (end < 0 || !/^[A-Za-z0-9_\\-]+$/.test(body)) {
        tokens = [];
        if (end > i) i = end;
        continue;
      }
      options = [...body.replace(/\\/g, '')];
      i = end;
    } else if (/[A-Za-z0-9_\-@:=,~]/.test(c)) options = [c];
    if (!options) {
      tokens = [];
      continue;
    }
    if (pattern[i + 1] === '?') {
      options = [...options, ''];
      i++;
    }
    tokens.push(options);
  }
  let out = [''];
  for (const t of tokens) {
    out = out.flatMap((s) => t.map((o) => s + o));
    if (out.length > max) return [];
  }
  return out;
}

export interface TagQuery {
  version: string;
  /** Spellings the recipe states, tried first, in order. */
  preferred: string[];
  /** Project names to build the usual spellings with (`xz`, `xz-utils`). */
  names: string[];
}

export type PickedTag = { tag: string } | { missing: string };

/** The tag among `tags` for the query; a phrase saying what was tried when none (or several) fit. */
export function pickTag(tags: readonly TagRef[], query: TagQuery, source: string): PickedTag {
  const byName = new Map(tags.map((t) => [t.name, t]));
  const preferred = query.preferred.find((p) => byName.has(p));
  if (preferred) return { tag: preferred };
  const candidates = [...new Set([...query.preferred, ...query.names.flatMap((n) => tagCandidates(n, query.version))])];
  let matches = candidates.filter((c) => byName.has(c)).map((c) => byName.get(c)!);
  if (matches.length === 0) {
    const wanted = new Map(candidates.map((c, i) => [c.toLowerCase(), i]));
    matches = tags.filter((t) => wanted.has(t.name.toLowerCase())).sort((a, b) => wanted.get(a.name.toLowerCase())! - wanted.get(b.name.toLowerCase())!);
  }
  const commits = new Set(matches.map((t) => t.commit ?? t.object));
  if (commits.size === 1) return { tag: matches[0]!.name };
  if (commits.size > 1) return { missing: `one tag for ${query.version} in ${source}: ${matches.map((t) => t.name).join(', ')} point to different commits` };
  const near = nearestTags(tags.map((t) => t.name), query.version, 3);
  const tried = candidates.length > 6 ? `${candidates.slice(0, 6).join(', ')}, …` : candidates.join(', ');
  return { missing: `the tag of ${query.version} in ${source} (tried ${tried}; ${near.length ? `nearest: ${near.join(', ')}` : 'it has no tags'})` };
}
