/**
 * An RPM spec file's preamble, as far as cuckoo needs it: Name, Version,
 * URL, the SourceN lines and the macros they use, including the forge
 * macros of Fedora's redhat-rpm-config (`%global forgeurl …`, `%forgemeta`,
 * `%{forgesource}`). Conditionals are not evaluated: the first value of a tag
 * and the last %global of a name are taken. `rpmspec -P` output, when rpm is
 * installed, is read the same way with everything already expanded.
 */
import { expandMacros, Unexpandable, type Macros } from './rpm-macros.js';

export interface RpmSpec {
  /** Preamble tags by lower-case name (`name`, `version`, `url`, `source0`…), unexpanded. */
  tags: Map<string, string>;
  macros: Macros;
  /** Whether the spec calls %forgemeta (or uses %{forgesource}). */
  forge: boolean;
}

/** Sections after which no preamble tag of the main package follows. */
const section = /^%(description|package|prep|build|install|check|files|changelog|pre|post|preun|postun|generate_buildrequires|conf)\b/;

export function parseRpmSpec(text: string): RpmSpec {
  const tags = new Map<string, string>();
  const macros: Macros = new Map();
  let forge = false;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (section.test(line)) break;
    const def = /^%(?:global|define)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\(\S*\))?\s+(.*)$/.exec(line);
    if (def) {
      macros.set(def[1]!, def[2]!.trim());
      continue;
    }
    if (/^%\{?forgemeta\b/.test(line)) forge = true;
    const tag = /^([A-Za-z][A-Za-z0-9]*)\s*:\s*(.*)$/.exec(line);
    if (!tag) continue;
    let key = tag[1]!.toLowerCase();
    if (key === 'source') key = 'source0';
    if (!tags.has(key)) tags.set(key, tag[2]!.trim());
  }
  if (/%\{?forgesource\b/.test(text)) forge = true;
  // The tags are macros too (%{name}, %{version}, %{url}); source N is %{SOURCEN}'s text.
  for (const key of ['name', 'version', 'release', 'url']) {
    const value = tags.get(key);
    if (value !== undefined && !macros.has(key)) macros.set(key, value);
  }
  if (forge) defineForge(macros);
  return { tags, macros, forge };
}

/**
 * What %forgemeta defines for GitHub and GitLab URLs (forge.lua in
 * redhat-rpm-config): the archive of %{tag}, else of %{commit}, else of
 * %{version}; GitHub names it REPO-REF with a leading `v` dropped.
 */
function defineForge(macros: Macros): void {
  let forgeurl: string;
  try {
    forgeurl = expandMacros(macros.get('forgeurl') ?? '%{url}', macros).replace(/\/+$/, '');
  } catch {
    return;
  }
  const m = /^https:\/\/([^/]+)\/(.+)\/([^/]+?)(?:\.git)?$/.exec(forgeurl);
  if (!m) return;
  const [, host, owner, repo] = m;
  const def = (k: string, v: string) => {
    if (!macros.has(k)) macros.set(k, v);
  };
  def('forgeurl', forgeurl);
  def('owner', owner!);
  def('repo', repo!);
  const ref = macros.has('tag') ? '%{tag}' : macros.has('commit') ? '%{commit}' : '%{version}';
  if (host === 'github.com') {
    let fileref = ref;
    try {
      fileref = expandMacros(ref, macros).replace(/^v(?=\d)/, '');
    } catch {
      // left to fail where it is used
    }
    def('archivename', `%{repo}-${fileref}`);
    def('forgesource', `%{forgeurl}/archive/${ref}/%{archivename}.tar.gz`);
  } else if (/^gitlab\.|^salsa\./.test(host!)) {
    def('archivename', `%{repo}-${ref}`);
    def('forgesource', `%{forgeurl}/-/archive/${ref}/%{archivename}.tar.bz2`);
  }
}

export type Expanded = { value: string } | { missing: string };

/** A preamble tag with its macros expanded, or why it cannot be. */
export function specValue(spec: RpmSpec, key: string): Expanded | undefined {
  const raw = key.startsWith('%') ? spec.macros.get(key.slice(1)) : spec.tags.get(key);
  if (raw === undefined) return undefined;
  try {
    return { value: expandMacros(raw, spec.macros).trim() };
  } catch (err) {
    if (err instanceof Unexpandable) return { missing: `${err.message} in ${key.startsWith('%') ? key : key[0]!.toUpperCase() + key.slice(1)}: ${raw}` };
    throw err;
  }
}

/** The SourceN lines, expanded where they can be, in N order. */
export function specSources(spec: RpmSpec): Array<{ key: string } & Expanded> {
  return [...spec.tags.keys()]
    .filter((k) => /^source\d+$/.test(k))
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
    .map((key) => ({ key, ...specValue(spec, key)! }));
}
