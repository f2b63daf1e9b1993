/**
 * What `git archive` would do to each path at the tag, from the `.gitattributes`
 * files of the TAG's tree.
 *
 * Attributes are read the way git archive reads them (archive.c reads the
 * tree into an index and asks check-attr with GIT_ATTR_INDEX), but only from
 * the tree: a release is checked against the public tag, so neither the
 * archiver's nor the user's `$GIT_DIR/info/attributes`, `core.attributesFile`
 * or system gitattributes take part. To keep the user's repository out of it
 * entirely (its info/attributes and config included), git runs in a scratch
 * bare repository that borrows the objects through `objects/info/alternates`,
 * with a scratch index filled by `git read-tree` (git 2.39 has no
 * `check-attr --source`). Nothing is written to the user's repository; the
 * scratch repository lives under `<cache>/tmp` and is removed after use.
 *
 * For line endings the archiver is assumed to run git with its defaults on a
 * POSIX system (core.autocrlf=false, core.eol=native=lf): then only `eol=crlf`
 * (with `text` or `text=auto`) changes bytes; see gitattributes(5) "eol".
 */
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeScratchDirSync } from '../cache.js';
import { CuckooError } from '../errors.js';
import { encodeGitPath } from './paths.js';
import { git, gitText } from './run.js';
import type { ArchiveAttributes, RepoHandle, TagEntry } from './types.js';

export { convertForArchive } from './convert.js';

const names = ['export-ignore', 'export-subst', 'text', 'eol', 'crlf', 'ident', 'filter', 'working-tree-encoding'] as const;
type Name = (typeof names)[number];
/** check-attr's answer: 'set', 'unset', 'unspecified' or a value. */
type Values = Partial<Record<Name, string>>;

/**
 * A token of a `.gitattributes` line that sets, unsets or unspecifies the
 * attribute `name`: attributes follow the pattern, each after blanks
 * (attr.c's " \t\r\n") or, the first one, right after a quoted pattern's
 * closing quote (`"a b"text`), with an optional `-` or `!`, ended by `=`, a
 * blank or the line's end. Matched anywhere in the text, comments and
 * patterns too, so a file it misses does not name the attribute; one it
 * finds in a comment or a pattern only costs a question git answers with
 * `unspecified`.
 */
const token = (name: string) => new RegExp(`(?:^|[ \t\r\n"])[-!]?${name}(?=[ \t\r\n=]|$)`);
const tokens = names.map((name) => ({ name, named: token(name) }));
const binaryMacro = token('binary');

/**
 * The attributes of `names` that `.gitattributes` files with these bytes can
 * give a path, in the order of `names`; empty when they can give none. A
 * macro (`[attr]`) can set any attribute, so a file that defines one can give
 * them all. The built-in macro `binary` is `-diff -merge -text`: it counts
 * as naming `text` where `text`, `eol` or `crlf` is named, the three that
 * decide a line-ending conversion (crlfAction), and changes nothing
 * otherwise. With no system, global or repository attributes (see the file
 * comment), an attribute no file names is unspecified for every path.
 */
export function attributesNamed(files: readonly Uint8Array[]): Name[] {
  const texts = files.map((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  if (texts.some((t) => t.includes('[attr]'))) return [...names];
  const named = new Set(tokens.filter(({ named }) => texts.some((t) => named.test(t))).map(({ name }) => name));
  if ((named.has('eol') || named.has('crlf')) && texts.some((t) => binaryMacro.test(t))) named.add('text');
  return names.filter((name) => named.has(name));
}

/**
 * Paths (files, symlinks, gitlinks) whose archive attributes are not all
 * default; the scratch repository goes under `<cacheDir>/tmp`. With `read`,
 * the tree's `.gitattributes` files are read first: git is asked only about
 * the attributes they name (attributesNamed), and not at all where they
 * name none (a tree whose files only give `diff`, `whitespace` or
 * `linguist-*`).
 */
export async function readArchiveAttributes(
  repo: RepoHandle,
  /** The tree the paths are relative to: the commit, or `<commit>:<folder>`. */
  commit: string,
  tree: readonly TagEntry[],
  cacheDir: string,
  read?: (oid: string) => Promise<Uint8Array>,
): Promise<Map<string, ArchiveAttributes>> {
  const result = new Map<string, ArchiveAttributes>();
  const files = tree.filter((e) => e.path === '.gitattributes' || e.path.endsWith('/.gitattributes'));
  if (files.length === 0) return result;
  // Only regular files are read for their bytes; git decides about anything else (a symlink),
  // and when a file cannot be read here (a blob the clone lacks), as it did before this shortcut.
  let asked: readonly Name[] = names;
  if (read && files.every((e) => e.type === 'file')) {
    const bytes = await Promise.all(files.map((e) => read(e.oid))).catch(() => undefined);
    if (bytes) asked = attributesNamed(bytes);
    if (asked.length === 0) return result;
  }

  // git archive checks directories and gitlinks with a trailing slash
  // (archive.c write_archive_entry), which is how `dir/` patterns match them;
  // an ignored directory is not descended into. Directories matter only for
  // export-ignore.
  const dirs = new Set<string>();
  if (asked.includes('export-ignore')) {
    for (const e of tree) {
      for (let i = e.path.indexOf('/'); i >= 0; i = e.path.indexOf('/', i + 1)) dirs.add(e.path.slice(0, i + 1));
    }
  }
  const queries = [...dirs, ...tree.map((e) => (e.type === 'submodule' ? `${e.path}/` : e.path))];
  const values = await checkAttributes(repo, commit, queries, cacheDir, asked);

  const ignoredDirs = new Set([...dirs].filter((d) => values.get(d)?.['export-ignore'] === 'set'));
  for (const e of tree) {
    const v = values.get(e.type === 'submodule' ? `${e.path}/` : e.path) ?? {};
    const attrs: ArchiveAttributes = {
      exportIgnore: v['export-ignore'] === 'set' || underIgnored(e.path, ignoredDirs),
      exportSubst: false,
      ident: false,
      lfs: false,
    };
    // Content conversions apply to regular files only (archive.c object_file_to_archive).
    if (e.type === 'file') {
      attrs.exportSubst = v['export-subst'] === 'set';
      attrs.ident = v.ident === 'set';
      const filter = valueOf(v.filter);
      if (filter !== undefined) attrs.filter = filter;
      attrs.lfs = filter === 'lfs';
      const action = crlfAction(v);
      if (action === 'text-crlf' || action === 'auto-crlf') attrs.eol = 'crlf';
      if (action === 'auto-crlf') attrs.eolAuto = true;
      const encoding = valueOf(v['working-tree-encoding']);
      if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) attrs.workingTreeEncoding = encoding;
    }
    if (attrs.exportIgnore || attrs.exportSubst || attrs.ident || attrs.lfs || attrs.eol || attrs.filter || attrs.workingTreeEncoding) {
      result.set(e.path, attrs);
    }
  }
  return result;
}

function underIgnored(path: string, ignoredDirs: Set<string>): boolean {
  if (ignoredDirs.size === 0) return false;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    if (ignoredDirs.has(path.slice(0, i + 1))) return true;
  }
  return false;
}

function valueOf(value: string | undefined): string | undefined {
  return value === undefined || value === 'set' || value === 'unset' || value === 'unspecified' || value === '' ? undefined : value;
}

type CrlfAction = 'binary' | 'text-input' | 'text-crlf' | 'auto-input' | 'auto-crlf';

/**
 * convert.c convert_attrs() with core.autocrlf=false and core.eol=lf: `text`
 * wins over the legacy `crlf`; `eol` implies text unless the path is binary;
 * plain `text` / `text=auto` then follow core.eol (lf).
 */
export function crlfAction(v: Values): CrlfAction {
  type Step = CrlfAction | 'text' | 'auto';
  const fromValue = (value: string | undefined): Step | undefined =>
    value === 'set' ? 'text' : value === 'unset' ? 'binary' : value === 'input' ? 'text-input' : value === 'auto' ? 'auto' : undefined;
  let action: Step | undefined = fromValue(v.text) ?? fromValue(v.crlf);
  if (action === 'binary') return 'binary';
  if (v.eol === 'lf') action = action === 'auto' ? 'auto-input' : 'text-input';
  else if (v.eol === 'crlf') action = action === 'auto' ? 'auto-crlf' : 'text-crlf';
  if (action === 'text') return 'text-input';
  if (action === 'auto') return 'auto-input';
  return action ?? 'binary';
}

/**
 * check-attr over `paths` in a scratch repository; see the file comment for
 * why. It is removed at once: through the thread pool the removal would wait
 * behind the release's read, on the way to the read of the tag's blobs.
 */
async function checkAttributes(repo: RepoHandle, commit: string, paths: readonly string[], cacheDir: string, asked: readonly Name[]): Promise<Map<string, Values>> {
  const scratch = makeScratchDirSync(cacheDir, 'attr-');
  try {
    const gitDir = join(scratch, 'repo.git');
    const objects = repo.objectsDir ?? (await gitText(repo, ['rev-parse', '--path-format=absolute', '--git-path', 'objects']));
    await git(undefined, ['init', '--quiet', '--bare', '--template=', `--object-format=${repo.objectFormat}`, gitDir]);
    await writeFile(join(gitDir, 'objects', 'info', 'alternates'), `${objects}\n`);
    const target = { gitDir, source: repo.source };
    // Matching is case-sensitive, as on the systems releases are made on.
    const opts = { env: { GIT_INDEX_FILE: join(scratch, 'index') }, config: { 'core.ignoreCase': 'false' } };
    await git(target, ['read-tree', '--end-of-options', commit], opts);
    const input = Buffer.concat(paths.flatMap((p) => [encodeGitPath(p), Buffer.from([0])]));
    const { stdout } = await git(target, ['check-attr', '--cached', '-z', '--stdin', ...asked], { ...opts, input });
    return parseCheckAttr(stdout, paths, asked);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `-z` output is `<path> NUL <attribute> NUL <info> NUL`, one triple per path
 * and attribute, in input order (git-check-attr(1)); read by position, so the
 * 90,000 paths of a large tree are never decoded again. Unspecified values are
 * dropped: the text is walked field by field, and only a specified value is
 * cut out of it (a 44,000-file tree asks 400,000 questions, nearly all of them
 * unspecified).
 */
function parseCheckAttr(out: Buffer, paths: readonly string[], asked: readonly Name[]): Map<string, Values> {
  const text = out.toString('latin1');
  const map = new Map<string, Values>();
  const per = asked.length;
  const total = per * paths.length;
  let at = 0;
  let k = 0;
  for (; k < total; k++) {
    const pathEnd = text.indexOf('\0', at);
    const name = asked[k % per]!;
    const nameEnd = pathEnd < 0 ? -1 : text.indexOf('\0', pathEnd + 1);
    const infoEnd = nameEnd < 0 ? -1 : text.indexOf('\0', nameEnd + 1);
    if (infoEnd < 0) break;
    if (nameEnd - pathEnd - 1 !== name.length || !text.startsWith(name, pathEnd + 1)) {
      throw new CuckooError('git', `unexpected git check-attr output near ${JSON.stringify(text.slice(at, pathEnd))}`);
    }
    at = infoEnd + 1;
    if (infoEnd - nameEnd - 1 === unspecified.length && text.startsWith(unspecified, nameEnd + 1)) continue;
    const info = text.slice(nameEnd + 1, infoEnd);
    const path = paths[Math.floor(k / per)]!;
    let values = map.get(path);
    if (!values) map.set(path, (values = {}));
    // Values are bytes from .gitattributes; names like `filter=lfs` are ASCII, anything else was UTF-8.
    values[name] = /[^\x00-\x7f]/.test(info) ? Buffer.from(info, 'latin1').toString('utf8') : info;
  }
  if (k !== total || at !== text.length) throw new CuckooError('git', `git check-attr answered ${k} of ${total} questions${k === total ? ', then more' : ''}`);
  return map;
}

const unspecified = 'unspecified';
