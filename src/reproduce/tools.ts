/**
 * The tool finder: the exact version of a generator that a file's header names,
 * from PATH, under the versioned names distributions install side by side
 * (Debian's `autoconf2.69`, `automake-1.15`), or from cuckoo's own tool cache
 * (`<cache>/tools/<tool>-<version>`, filled by `cuckoo tools install`).
 *
 * A version is read from the program's own `--version` line, never assumed
 * from its name. Asking a system program for its version runs nothing from
 * the release.
 */
import { execa } from 'execa';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { writeCacheFile } from '../cache.js';
import { findGitRelease, findGnuRelease } from './gnu-releases.js';

/** A unit that is installed (and fetched) as one: autoconf brings autoheader and autom4te. */
export type ToolName = 'autoconf' | 'automake' | 'bison' | 'flex';

/** The programs of each tool that reproduction runs. */
export const toolPrograms: Record<ToolName, readonly string[]> = {
  autoconf: ['autoconf', 'autoheader', 'autom4te'],
  automake: ['automake', 'aclocal'],
  bison: ['bison'],
  flex: ['flex'],
};

export interface FoundTool {
  tool: ToolName;
  version: string;
  /** Program name → absolute path. */
  programs: Record<string, string>;
  /** Where it was found: on PATH, under a versioned name, or in cuckoo's cache. */
  source: 'path' | 'versioned' | 'cache';
  /** A folder the sandbox must be able to read (the cache's install). */
  root?: string;
}

export interface MissingTool {
  tool: ToolName;
  version: string;
  /** What was looked at, and the versions found there. */
  tried: string[];
  hint: string;
}

export function toolsDir(cacheDir: string): string {
  return join(cacheDir, 'tools');
}

/** `tool-version` under the cache's tools folder. */
export function cachedToolDir(cacheDir: string, tool: ToolName, version: string): string {
  return join(toolsDir(cacheDir), `${tool}-${version}`);
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directories of PATH, as the sandbox sees them (it runs with a fixed PATH). */
export const systemPath = ['/usr/local/bin', '/usr/bin', '/bin'];

export async function onPath(name: string, dirs: readonly string[] = systemPath): Promise<string | undefined> {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

const versionCache = new Map<string, Promise<string | undefined>>();

/**
 * Versions read before, in `<cache>/reproduce/versions.json`, by program path
 * and the identity of the file there (size, mtime, inode): each --version is
 * a perl start-up (50–100 ms, five programs a run), and a program that is
 * replaced or upgraded no longer matches.
 */
let persisted: { file: string; table: Promise<Record<string, string>> } | undefined;

async function identity(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return `${path}\0${s.size}\0${s.mtimeMs}\0${s.ino}`;
  } catch {
    return undefined;
  }
}

function table(cacheDir: string): Promise<Record<string, string>> {
  const file = join(cacheDir, 'reproduce', 'versions.json');
  if (persisted?.file !== file) {
    persisted = {
      file,
      table: readFile(file, 'utf8')
        .then((t) => JSON.parse(t) as Record<string, string>)
        .then((t) => (t && typeof t === 'object' ? t : {}))
        .catch(() => ({})),
    };
  }
  return persisted.table;
}

async function remember(cacheDir: string, key: string, version: string): Promise<void> {
  const known = await table(cacheDir);
  known[key] = version;
  // Only a speed-up: if it cannot be written, the next run asks the program again.
  await writeCacheFile(join(cacheDir, 'reproduce', 'versions.json'), JSON.stringify(known)).catch(() => {});
}

/**
 * What a program answers to `option`, read from its stdout by `parse` once
 * per process, and remembered in versions.json by the program's identity
 * (the key of --version is the identity alone, as before other answers were kept).
 */
function programAnswer(path: string, option: string, parse: (stdout: string) => string | undefined, cacheDir?: string): Promise<string | undefined> {
  const cacheKey = option === '--version' ? path : `${path}\0${option}`;
  let known = versionCache.get(cacheKey);
  if (!known) {
    known = (async () => {
      const id = cacheDir ? await identity(path) : undefined;
      const key = id && option !== '--version' ? `${id}\0${option}` : id;
      const before = key && cacheDir ? (await table(cacheDir))[key] : undefined;
      if (before) return before;
      const r = await execa(path, [option], { reject: false, stdin: 'ignore', timeout: 20_000, encoding: 'utf8', env: { LC_ALL: 'C', PATH: systemPath.join(':') }, extendEnv: false }).catch(() => undefined);
      const answer = parse(String(r?.stdout ?? ''));
      if (answer && key && cacheDir) await remember(cacheDir, key, answer);
      return answer;
    })();
    versionCache.set(cacheKey, known);
  }
  return known;
}

/** `autoconf (GNU Autoconf) 2.71` → 2.71; undefined when the program does not answer. */
export function programVersion(path: string, cacheDir?: string): Promise<string | undefined> {
  // `autoconf (GNU Autoconf) 2.71`, `bison (GNU Bison) 3.8.2`, `flex 2.6.4`.
  return programAnswer(path, '--version', (stdout) => /^\S+(?: \([^)]*\))?\s+(\d+(?:\.\d+)+[a-z]?)\s*$/.exec(stdout.split('\n')[0] ?? '')?.[1], cacheDir);
}

/** The folder aclocal copies installed macros from (`aclocal --print-ac-dir`), an absolute path; remembered as versions are. */
export function aclocalDir(aclocal: string, cacheDir?: string): Promise<string | undefined> {
  return programAnswer(
    aclocal,
    '--print-ac-dir',
    (stdout) => {
      const dir = stdout.trim();
      return dir.startsWith('/') && !dir.includes('\n') ? dir : undefined;
    },
    cacheDir,
  );
}

/** Forgets the versions read from programs under `dir`: a cache entry there was just replaced. */
export function forgetProgramVersions(dir: string): void {
  for (const key of versionCache.keys()) if (key.startsWith(`${dir}/`)) versionCache.delete(key);
}

/** Names a distribution may install a version under: autoconf2.69, autoconf-2.69, automake-1.16, aclocal-1.16. */
function versionedNames(program: string, version: string): string[] {
  const majorMinor = version.split('.').slice(0, 2).join('.');
  return [...new Set([`${program}${version}`, `${program}-${version}`, `${program}${majorMinor}`, `${program}-${majorMinor}`])];
}

/**
 * How to get a version that is not here: `cuckoo tools install` for the GNU
 * releases it has a sha256 of, `--git` for those it has a tag's commit of, else the distribution's package or a build
 * of one's own where cuckoo looks. A letter after the number (automake 1.16d,
 * autoconf 2.72c) is a test release: GNU's alpha folder, never a distribution's.
 */
export function missingHint(tool: ToolName, version: string, cacheDir: string): string {
  const own = `built with --prefix=${cachedToolDir(cacheDir, tool, version)}`;
  if (/\d[a-z]$/.test(version)) return `${tool} ${version} is a test release, not one cuckoo installs: build its tarball with --prefix=${cachedToolDir(cacheDir, tool, version)}`;
  if ((tool === 'autoconf' || tool === 'automake') && findGnuRelease(tool, version)) return `install ${tool} ${version} (cuckoo tools install ${tool}@${version}, or pass --fetch-tools)`;
  if (findGitRelease(tool, version)) return `install ${tool} ${version} from a clone of its repository (cuckoo tools install ${tool}@${version} --git CLONE)`;
  const names = versionedNames(tool, version).slice(0, 2).join(' or ');
  return `install ${tool} ${version} (your distribution's ${tool} package, found on PATH or as ${names}, or its release ${own})`;
}

/** Every program of `tool` at exactly `version`, or what was tried. */
export async function findTool(tool: ToolName, version: string, cacheDir: string): Promise<FoundTool | MissingTool> {
  const tried: string[] = [];
  const programs = toolPrograms[tool];

  const attempt = async (source: FoundTool['source'], resolve: (program: string) => Promise<string | undefined>, root?: string): Promise<FoundTool | undefined> => {
    const found: Record<string, string> = {};
    for (const program of programs) {
      const path = await resolve(program);
      if (!path) return undefined;
      const v = await programVersion(path, cacheDir);
      if (program === programs[0]) tried.push(`${path} (${v ?? 'no version'})`);
      if (v !== version) return undefined;
      found[program] = path;
    }
    return { tool, version, programs: found, source, ...(root ? { root } : {}) };
  };

  const cached = cachedToolDir(cacheDir, tool, version);
  const fromCache = await attempt('cache', async (p) => ((await executable(join(cached, 'bin', p))) ? join(cached, 'bin', p) : undefined), cached);
  if (fromCache) return fromCache;
  const fromPath = await attempt('path', (p) => onPath(p));
  if (fromPath) return fromPath;
  // Each spelling in turn, for every program at once: autoconf2.69 goes with autoheader2.69.
  for (let i = 0; i < versionedNames('x', version).length; i++) {
    const fromVersioned = await attempt('versioned', async (p) => onPath(versionedNames(p, version)[i]!));
    if (fromVersioned) return fromVersioned;
  }
  return {
    tool,
    version,
    tried,
    hint: missingHint(tool, version, cacheDir),
  };
}

/** The versions of each tool in cuckoo's cache, for `cuckoo tools list`. */
export async function cachedTools(cacheDir: string): Promise<Array<{ tool: ToolName; version: string; dir: string }>> {
  let names: string[];
  try {
    names = await readdir(toolsDir(cacheDir));
  } catch {
    return [];
  }
  const out: Array<{ tool: ToolName; version: string; dir: string }> = [];
  for (const name of names.sort()) {
    const m = /^(autoconf|automake|bison|flex)-(\d+(?:\.\d+)+[a-z]?)$/.exec(name);
    if (m) out.push({ tool: m[1] as ToolName, version: m[2]!, dir: join(toolsDir(cacheDir), name) });
  }
  return out;
}

export function isFound(t: FoundTool | MissingTool): t is FoundTool {
  return 'programs' in t;
}
