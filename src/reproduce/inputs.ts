/**
 * The release's files laid out in a scratch folder for the generators: the
 * files a generator reads with their bytes, every other file as an empty
 * placeholder that exists but cannot be read.
 *
 * Why placeholders: automake's output depends on which files exist (each
 * Makefile.in lists the aux scripts and docs present in its DIST_COMMON),
 * not on their bytes. Why unreadable (mode 000, and the sandbox's uid has no
 * capability to override it): a generator that does read one fails loudly
 * ("Permission denied") and the file is reported as not tried, instead of
 * being regenerated from an empty stand-in and reported as different.
 *
 * Archive paths are data: each is checked to be relative with no `.`/`..`
 * segment before it names anything on disk, and no symlink is ever made
 * (a release symlink becomes a placeholder too), so no write can leave the
 * scratch folder.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitPath } from '../analyze/places.js';

/** One regular file (or symlink) of the release, as the comparison left it. */
export interface ReleaseFile {
  path: string;
  /** The executable bit is set (git-version-gen runs as ./script). */
  executable?: boolean;
  /** The release's bytes (kept from the stream, or git's blob when identical to the tag's). */
  content(): Promise<Buffer | undefined>;
  /**
   * The sha256 (hex) of those bytes where it is known without them (hashed
   * as the release streamed, or as git read the tag's blob ahead): finding
   * a run's kept results then reads none of these inputs. Undefined: read content().
   */
  sha256?(): Promise<string | undefined>;
}

/**
 * Names a generator reads wherever they are (configure.ac, its includes,
 * texinfo sources automake scans), and ylwrap, which runs bison and flex
 * for automake's rules from wherever AC_CONFIG_AUX_DIR puts it (the top
 * folder when configure.ac names none: shadow, rsyslog).
 */
const inputNames = new Set([
  'ylwrap',
  'configure.ac',
  'configure.in',
  'aclocal.m4',
  'acinclude.m4',
  'acconfig.h',
  'config.h.top',
  'config.h.bot',
  '.tarball-version',
  '.version',
  '.prev-version',
  'VERSION',
  'version',
]);

const inputExtensions = /\.(m4|am|ac|mk|texi|texinfo|txi|y|yy|l|ll)$/;

/** A folder whose scripts configure.ac runs at autoconf time (git-version-gen, version.sh), anywhere in a file's folders. */
const inAuxFolder = /(?:^|\/)(?:build-aux|config|admin|autotools|build)\//;

export function isGeneratorInput(path: string): boolean {
  const { name } = splitPath(path);
  return inputNames.has(name) || inputExtensions.test(name) || inAuxFolder.test(path);
}

/**
 * Files that `m4_esyscmd`/`m4_esyscmd_s`/`esyscmd`/`m4_include`/`sinclude`
 * in configure.ac name, and the files those scripts name in turn, two
 * levels deep (xz's build-aux/version.sh reads src/liblzma/api/lzma/version.h;
 * libgd's getlib.sh runs getver.sh, which reads src/gd.h; lldpd's
 * get-version reads .dist-version): every path-like word that is a release
 * file, relative to the configure.ac's folder or, in a script, to the
 * script's own (`${0%/*}/getver.sh`, `${TOPDIR}/src/gd.h`). A command that
 * calls a macro configure.ac defines (libgd: `define([gv],[config/getver.sh
 * ]$1)`, then `esyscmd(gv(MAJOR))`) names the words of its definition too.
 */
export async function namedInputs(configureAc: string, root: string, files: ReadonlyMap<string, ReleaseFile>): Promise<Set<string>> {
  const found = new Set<string>();
  const resolve = (word: string, bases: readonly string[]) => {
    const clean = word.replace(/^\.?\//, '');
    for (const base of bases) {
      const path = normalise(base ? `${base}/${clean}` : clean);
      if (files.has(path)) return path;
    }
    return undefined;
  };
  const words = (text: string) => text.match(/[A-Za-z0-9_.\-/+]+/g) ?? [];
  const definitions = new Map<string, string>();
  for (const m of configureAc.matchAll(/\b(?:m4_)?define\(\s*\[?(\w+)\]?\s*,([^\n]*)/g)) definitions.set(m[1]!, m[2]!);
  const commands = [...configureAc.matchAll(/\b(?:m4_)?(?:esyscmd(?:_s)?|syscmd|include|sinclude)\(\s*\[?([^\])]*)/g)].map((m) => m[1] ?? '');
  let named: string[] = [];
  const add = (text: string, dir: string) => {
    const bases = dir === root ? [root] : [root, dir];
    for (const word of words(text)) {
      const path = resolve(word, bases);
      if (path && !found.has(path)) {
        found.add(path);
        named.push(path);
      }
    }
  };
  for (const command of commands) {
    add(command, root);
    for (const word of words(command)) {
      const body = definitions.get(word);
      if (body !== undefined) add(body, root);
    }
  }
  for (let level = 0; level < 2 && named.length > 0; level++) {
    const scripts = named;
    named = [];
    for (const script of scripts) {
      const text = (await files.get(script)?.content())?.subarray(0, 256 * 1024).toString('latin1') ?? '';
      add(text, splitPath(script).dir);
    }
  }
  return found;
}

/**
 * Fragments Makefile.am files `include` (curl's lib/Makefile.inc, xz's
 * src/liblzma/common/Makefile.inc), and those they include in turn: automake
 * reads each one. `$(top_srcdir)/x` is the project folder's x, `$(srcdir)/x`
 * and a bare x are beside the including file.
 */
export async function includedFragments(root: string, files: ReadonlyMap<string, ReleaseFile>, makefileAms = makefileAmsOf(files)): Promise<Set<string>> {
  const found = new Set<string>();
  const queue = makefileAms.filter((p) => (root ? p.startsWith(`${root}/`) : true));
  const top = (rest: string) => (root ? `${root}/${rest}` : rest);
  while (queue.length > 0) {
    const from = queue.shift()!;
    const text = (await files.get(from)?.content())?.subarray(0, 1 << 20).toString('latin1') ?? '';
    const { dir } = splitPath(from);
    for (const m of text.matchAll(/^\s*include\s+(\S+)\s*$/gm)) {
      const word = m[1]!;
      let path: string;
      if (word.startsWith('$(top_srcdir)/')) path = top(word.slice('$(top_srcdir)/'.length));
      else if (word.startsWith('$(srcdir)/')) path = dir ? `${dir}/${word.slice('$(srcdir)/'.length)}` : word.slice('$(srcdir)/'.length);
      else if (!word.includes('$')) path = dir ? `${dir}/${word}` : word;
      else continue;
      path = normalise(path);
      if (files.has(path) && !found.has(path)) {
        found.add(path);
        queue.push(path);
      }
    }
  }
  return found;
}

/** The release's Makefile.am files: listed once by a caller that asks for each of its project folders. */
export function makefileAmsOf(files: ReadonlyMap<string, ReleaseFile>): string[] {
  return [...files.keys()].filter((p) => p === 'Makefile.am' || p.endsWith('/Makefile.am'));
}

/** a/b/../c → a/c; ./ dropped. */
function normalise(path: string): string {
  const out: string[] = [];
  for (const s of path.split('/')) {
    if (s === '.' || s === '') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out.join('/');
}

/** A release path that may name a file under the scratch folder: relative, no empty, `.` or `..` segment, no NUL. */
export function safeRelativePath(path: string): boolean {
  if (!path || path.startsWith('/') || path.includes('\0') || path.includes('\\')) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

export interface LaidOut {
  /** Paths written with their bytes. */
  inputs: string[];
  /** Paths written as unreadable placeholders. */
  placeholders: number;
  /** Paths left out: unsafe names, name clashes, generator caches. */
  skipped: string[];
}

/**
 * Write `files` under `dir`: `withBytes` paths with their content, the rest
 * as placeholders, none of `omit` (the outputs to regenerate). A release's
 * own `autom4te.cache` is never laid out: autom4te would trust it.
 */
export async function layOut(dir: string, files: ReadonlyMap<string, ReleaseFile>, withBytes: ReadonlySet<string>, omit: ReadonlySet<string>): Promise<LaidOut> {
  const out: LaidOut = { inputs: [], placeholders: 0, skipped: [] };
  const made = new Set<string>();
  const placeholders: string[] = [];
  for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (omit.has(path)) continue;
    if (!safeRelativePath(path) || path.split('/').includes('autom4te.cache')) {
      out.skipped.push(path);
      continue;
    }
    const { dir: parent } = splitPath(path);
    const target = join(dir, ...path.split('/'));
    try {
      if (parent && !made.has(parent)) {
        await mkdir(join(dir, ...parent.split('/')), { recursive: true });
        made.add(parent);
      }
      const bytes = withBytes.has(path) ? await file.content() : undefined;
      await writeFile(target, bytes ?? '', { flag: 'wx', mode: bytes && file.executable ? 0o755 : 0o644 });
      if (bytes) out.inputs.push(path);
      else placeholders.push(target);
    } catch {
      // A file and a folder of the same name, or a duplicate: the generators do without it.
      out.skipped.push(path);
    }
  }
  await Promise.all(placeholders.map((p) => chmod(p, 0)));
  out.placeholders = placeholders.length;
  return out;
}
