/**
 * Reading a `debian/watch` file without running uscan (no network): the
 * release URL of one known upstream version, when the watch line makes it
 * concrete. See uscan(1), "WATCH FILE SPECIFICATION" (version=4).
 */

export interface WatchLine {
  opts: Record<string, string>;
  /** The URL with the file pattern joined to it, @-tokens substituted. */
  pattern: string;
}

/** uscan's substitutions (uscan(1), version=4), for a package named `pkg`. */
function substitute(text: string, pkg: string): string {
  return text
    .replace(/@PACKAGE@/g, pkg)
    .replace(/@ANY_VERSION@/g, '[-_]?v?(\\d[\\-+\\.:\\~\\da-zA-Z]*)')
    .replace(/@ARCHIVE_EXT@/g, '@ARCHIVE_EXT@')
    .replace(/@SIGNATURE_EXT@/g, '(?:\\.(?:asc|pgp|gpg|sig|sign))');
}

/** `opts=a=b,c` or `opts="a=b, c"`: commas inside a s/// stay with it. */
function parseOpts(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/,(?=\s*[a-z]+(?:=|,|$))/i)) {
    const [key, ...rest] = part.trim().split('=');
    if (key) out[key] = rest.join('=');
  }
  return out;
}

/**
 * The file pattern read as a link on the page: `./x` is beside it, and
 * `download/x` on the page /download/ is the page's own folder again (curl's
 * watch file), as the links uscan matches are written.
 */
function joinHref(url: string, file: string): string {
  const base = url.replace(/\/?$/, '/');
  const rel = file.replace(/^\.\//, '');
  const first = rel.split('/')[0]!;
  if (rel.includes('/') && base.endsWith(`/${first}/`)) return `${base.slice(0, -first.length - 1)}${rel}`;
  return `${base}${rel}`;
}

/** The watch lines (continuations joined, comments dropped); the version= line is skipped. */
export function parseWatch(text: string, pkg: string): WatchLine[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n\s*/g, '');
  const lines: WatchLine[] = [];
  for (const raw of joined.split('\n')) {
    let line = raw.trim();
    if (line === '' || /^version\s*=/.test(line)) continue;
    let opts: Record<string, string> = {};
    const m = /^opts\s*=\s*(?:"([^"]*)"|(\S+))\s*/.exec(line);
    if (m) {
      opts = parseOpts(m[1] ?? m[2] ?? '');
      line = line.slice(m[0].length);
    }
    const [url, file] = line.split(/\s+/);
    if (!url) continue;
    // A pattern is either the URL's last segment or the next field (uscan(1)).
    const pattern = file !== undefined && !/^(debian|uupdate|ignore|same|group|checksum|\d\S*)$/.test(file) ? joinHref(url, file) : url;
    lines.push({ opts, pattern: substitute(pattern, pkg) });
  }
  return lines;
}

/** The extent of the first capturing group at or after `from`: [start, end) of `( … )`. */
function firstGroup(p: string, from = 0): [number, number] | undefined {
  for (let i = from; i < p.length; i++) {
    if (p[i] === '\\') {
      i++;
      continue;
    }
    if (p[i] !== '(' || p[i + 1] === '?') continue;
    let depth = 0;
    for (let j = i; j < p.length; j++) {
      if (p[j] === '\\') j++;
      else if (p[j] === '(') depth++;
      else if (p[j] === ')' && --depth === 0) return [i, j + 1];
    }
  }
  return undefined;
}

/** A regex made of literal characters only, as the string it matches; undefined if it is not one. */
function literal(p: string): string | undefined {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[++i];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return undefined;
      out += n;
    } else if ('^$'.includes(c) && (i === 0 || i === p.length - 1)) continue;
    else if ('.*+?()[]{}|'.includes(c)) {
      // A lone `.` in a URL is nearly always a dot meant literally (`jq-1.6.tar.gz`).
      if (c === '.' && !'*+?{'.includes(p[i + 1] ?? '')) out += c;
      else return undefined;
    } else out += c;
  }
  return out;
}

/** The version group of a pattern: uscan takes the last capturing group. */
export function versionGroup(p: string): [number, number] | undefined {
  let last: [number, number] | undefined;
  for (let g = firstGroup(p); g; g = firstGroup(p, g[1])) last = g;
  return last;
}

export type ConcreteUrl = { url: string } | { missing: string };

/**
 * The URL of `version`: the version put in the pattern's version group, the
 * rest read literally. GitHub tags and releases pages become the archive URL
 * of the tag the file name spells. `ext` is the archive extension for
 * @ARCHIVE_EXT@ (from the .orig tarball next to the package), if known.
 */
export function concreteUrl(line: WatchLine, version: string, ext: string | undefined): ConcreteUrl {
  let p = line.pattern;
  if (p.includes('@ARCHIVE_EXT@')) {
    if (!ext) return { missing: 'the archive extension (@ARCHIVE_EXT@ in debian/watch; no .orig tarball next to the package says it)' };
    p = p.replace(/@ARCHIVE_EXT@/g, ext.replace(/\./g, '\\.'));
  }
  // @ANY_VERSION@'s optional separator: the `-` that names put there unless one is already written.
  p = p.replace(/\[-_\]\?v\?(?=\()/g, (_m, off: number) => (/[-_]$/.test(p.slice(0, off)) ? '' : '-'));
  const groups: Array<[number, number]> = [];
  for (let g = firstGroup(p); g; g = firstGroup(p, g[1])) groups.push(g);
  if (groups.length === 0) return { missing: `a version group in the debian/watch pattern ${line.pattern}` };
  // uscan takes the version from the last group of the file pattern; a group in the folder is a folder pattern.
  const [start, end] = groups[groups.length - 1]!;
  const github = /^https:\/\/(?:api\.)?github\.com\/(?:repos\/)?([^/]+)\/([^/]+)\/(?:tags|releases)\/?(.*)$/.exec(p.slice(0, start));
  if (github) {
    const [, owner, repo, lead] = github;
    // Only links to the tag archives (`.*/NAME`); release assets live elsewhere and name no tag.
    const file = /^(?:\.\*\/)?([^/]*)$/.exec(lead ?? '');
    const prefix = file ? literal(file[1]!) : undefined;
    const rest = literal(p.slice(end));
    if (prefix === undefined || rest === undefined || !/^\.(tar\.(gz|xz|bz2)|zip)$/.test(rest)) {
      return { missing: `a fixed tag spelling in the debian/watch pattern ${line.pattern} (e.g. v${version} or ${version})` };
    }
    return { url: `https://github.com/${owner}/${repo}/archive/refs/tags/${prefix}${version}${rest}` };
  }
  const before = literal(p.slice(0, start));
  const after = literal(p.slice(end));
  if (before === undefined || after === undefined) return { missing: `a concrete URL: the debian/watch pattern ${line.pattern} has more than the version as a pattern` };
  return { url: `${before}${version}${after}` };
}

/** Whether the watch line asks for a signature next to the release (pgpsigurlmangle, pgpmode). */
export function wantsSignature(line: WatchLine): boolean {
  const mode = line.opts.pgpmode;
  return line.opts.pgpsigurlmangle !== undefined || (mode !== undefined && mode !== 'none' && mode !== 'self' && mode !== 'gittag');
}
