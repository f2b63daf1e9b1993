/**
 * Test repositories built in code, in temporary folders, with a fixed
 * configuration so ids and dates never depend on the machine.
 *
 *   const repo = await makeRepo({
 *     files: { 'README': 'hi\n', 'bin/run': { content: '#!/bin/sh\n', mode: 0o755 },
 *              'link': { symlink: 'README' }, 'vendor/lib': { gitlink: someCommitId } },
 *     tags: ['v1.0', { name: 'v1.0-signed', annotated: true }],
 *     commits: [{ files: { 'README': 'hi again\n', 'old': null }, tags: ['v1.1'] }],
 *   });
 *   await repo.git(['log', '--oneline']);
 *   const bundle = await repo.bundle();
 *   await removeTempDirs();            // in test.after
 *
 * - `files` and `tags` make the first commit; each of `commits` then changes
 *   the previous tree (`null` deletes a path). Commit n is dated
 *   2023-11-14T22:13:20Z plus n days; an annotated tag one hour after its commit.
 * - Commits and tags are written by one `git fast-import` (its objects
 *   unpacked loose, as separate commands would leave them), so any path works, including names with a newline
 *   or bytes that are not UTF-8 (write those with the U+DC80..U+DCFF escape of
 *   src/git/paths.ts; symlink targets too), and a gitlink needs no submodule checkout. Work trees are
 *   then populated with `git reset --hard` (unless `checkout: false`).
 * - Config: init.defaultBranch=main, commit.gpgSign=false, tag.gpgSign=false,
 *   core.autocrlf=false, core.eol=lf, a fixed user; no system or global config.
 */
import { execa } from 'execa';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGitPath } from '../../src/git/paths.js';

export type FileSpec =
  | string
  | Buffer
  | { symlink: string }
  | { content: string | Buffer; mode: number }
  | { gitlink: string };

export type TagSpec = string | { name: string; annotated?: boolean; message?: string };

export interface CommitSpec {
  files: Record<string, FileSpec | null>;
  tags?: TagSpec[];
  message?: string;
}

export interface RepoOptions {
  files?: Record<string, FileSpec>;
  tags?: TagSpec[];
  message?: string;
  commits?: CommitSpec[];
  bare?: boolean;
  objectFormat?: 'sha1' | 'sha256';
  /** Populate the work tree of a non-bare repository (default true). */
  checkout?: boolean;
  /**
   * Keep the import as one pack, as a clone or a `git gc` leaves a long
   * history, instead of loose objects: thousands of objects are written
   * (and read) much faster so.
   */
  packed?: boolean;
}

export interface TestRepo {
  /** The work tree, or the git directory of a bare repository. */
  dir: string;
  gitDir: string;
  objectFormat: 'sha1' | 'sha256';
  /** Commit ids in the order they were made. */
  commits: string[];
  /** Runs git in the repository; returns stdout without the final newline. */
  git(args: readonly string[], opts?: GitRunOptions): Promise<string>;
  gitBuffer(args: readonly string[], opts?: GitRunOptions): Promise<Buffer>;
  /** The blob id of `content` in this repository's object format. */
  hashObject(content: string | Buffer): Promise<string>;
  /** `git bundle create <file> <refs…>` (default --all); returns the file. */
  bundle(opts?: { refs?: string[]; version?: 2 | 3 }): Promise<string>;
  /** A bare clone in a new temporary folder; returns its path. */
  bareClone(): Promise<string>;
  /** `git archive --format=tar <ref>` bytes, the ground truth for attributes. */
  archive(ref: string): Promise<Buffer>;
}

export interface GitRunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
}

const baseDate = 1_700_000_000;
const dirs = new Set<string>();

/** The environment of every helper git command: no system or global config, fixed identity. */
export function testGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GIT_AUTHOR_NAME: 'Cuckoo Test',
    GIT_AUTHOR_EMAIL: 'test@cuckoo.invalid',
    GIT_COMMITTER_NAME: 'Cuckoo Test',
    GIT_COMMITTER_EMAIL: 'test@cuckoo.invalid',
    GIT_AUTHOR_DATE: `@${baseDate} +0000`,
    GIT_COMMITTER_DATE: `@${baseDate} +0000`,
    LC_ALL: 'C',
    ...extra,
  };
}

/** Runs git with the test environment in `cwd`. */
export async function runGit(cwd: string, args: readonly string[], opts: GitRunOptions = {}): Promise<Buffer> {
  const result = await execa('git', args, {
    cwd,
    env: testGitEnv(opts.env),
    extendEnv: false,
    encoding: 'buffer',
    stripFinalNewline: false,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
  });
  const out = result.stdout as Uint8Array;
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** A new temporary folder, removed by removeTempDirs(). */
export async function tempDir(prefix = 'cuckoo-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
  dirs.clear();
}

/** `.gitmodules` text for the given submodules. */
export function gitmodules(subs: ReadonlyArray<{ name: string; path: string; url: string }>): string {
  return subs.map((s) => `[submodule "${s.name}"]\n\tpath = ${s.path}\n\turl = ${s.url}\n`).join('');
}

export async function makeRepo(opts: RepoOptions = {}): Promise<TestRepo> {
  const root = await tempDir('cuckoo-repo-');
  const objectFormat = opts.objectFormat ?? 'sha1';
  const dir = join(root, opts.bare ? 'repo.git' : 'repo');
  await runGit(root, ['init', '--quiet', '-b', 'main', `--object-format=${objectFormat}`, ...(opts.bare ? ['--bare'] : []), dir]);
  const gitDir = opts.bare ? dir : join(dir, '.git');
  // The repository's own settings, appended to its config file in one write (a `git config` each costs a process).
  await appendFile(
    join(gitDir, 'config'),
    '[init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n[tag]\n\tgpgSign = false\n[core]\n\tautocrlf = false\n\teol = lf\n[user]\n\tname = Cuckoo Test\n\temail = test@cuckoo.invalid\n',
  );

  const git = async (args: readonly string[], o?: GitRunOptions) => (await runGit(dir, args, o)).toString('utf8').replace(/\n$/, '');
  const repo: TestRepo = {
    dir,
    gitDir,
    objectFormat,
    commits: [],
    git,
    gitBuffer: (args, o) => runGit(dir, args, o),
    hashObject: (content) => git(['hash-object', '--stdin'], { input: content }),
    async bundle(b = {}) {
      const file = join(await tempDir('cuckoo-bundle-'), 'repo.bundle');
      await git(['bundle', 'create', '--quiet', ...(b.version ? [`--version=${b.version}`] : []), file, ...(b.refs ?? ['--all'])]);
      return file;
    },
    async bareClone() {
      const target = join(await tempDir('cuckoo-clone-'), 'clone.git');
      await git(['clone', '--quiet', '--bare', '--no-local', gitDir, target]);
      return target;
    },
    archive: (ref) => runGit(dir, ['archive', '--format=tar', ref]),
  };

  const commits: CommitSpec[] = [];
  if (opts.files) commits.push({ files: opts.files, ...(opts.tags ? { tags: opts.tags } : {}), ...(opts.message ? { message: opts.message } : {}) });
  commits.push(...(opts.commits ?? []));
  if (commits.length > 0) {
    // Every commit and tag in one `git fast-import`; small imports are unpacked to loose
    // objects, as separate commands would have written them.
    const marks = join(root, 'marks');
    await git(['-c', `fastimport.unpackLimit=${opts.packed ? 0 : 1_000_000}`, 'fast-import', '--quiet', '--done', `--export-marks=${marks}`], { input: fastImportStream(commits) });
    const ids = new Map((await readFile(marks, 'utf8')).split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
    for (let n = 0; n < commits.length; n++) repo.commits.push(ids.get(`:${n + 1}`)!);
    await rm(marks, { force: true });
    if (!opts.bare && opts.checkout !== false) await git(['reset', '--hard', '--quiet']);
  }
  return repo;
}

const identity = 'Cuckoo Test <test@cuckoo.invalid>';

/** A fast-import `data` command. */
const data = (bytes: string | Buffer): Buffer[] => {
  const b = Buffer.from(bytes);
  return [Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n')];
};

/** A path as fast-import reads it: C-quoted when it holds a byte that unquoted paths cannot. */
function importPath(path: string): Buffer {
  const bytes = encodeGitPath(path);
  if (!bytes.some((b) => b < 0x20 || b >= 0x7f || b === 0x22 || b === 0x5c)) return bytes;
  let quoted = '"';
  for (const b of bytes) quoted += b === 0x22 ? '\\"' : b === 0x5c ? '\\\\' : b < 0x20 || b >= 0x7f ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b);
  return Buffer.from(`${quoted}"`, 'latin1');
}

/**
 * The fast-import stream of `commits` on refs/heads/main: commit n is mark n+1,
 * dated as commit-tree would date it, with its message ended by a newline as
 * `commit-tree -m` ends it; an annotated tag as `git tag -a -m` writes it.
 */
function fastImportStream(commits: CommitSpec[]): Buffer {
  const out: Buffer[] = [];
  const line = (text: string) => out.push(Buffer.from(`${text}\n`));
  for (const [n, spec] of commits.entries()) {
    const date = `${baseDate + n * 86400} +0000`;
    line('commit refs/heads/main');
    line(`mark :${n + 1}`);
    line(`author ${identity} ${date}`);
    line(`committer ${identity} ${date}`);
    out.push(...data(`${spec.message ?? `commit ${n}`}\n`));
    if (n > 0) line(`from :${n}`);
    for (const [path, file] of Object.entries(spec.files)) {
      const at = importPath(path);
      if (file === null) {
        out.push(Buffer.from('D '), at, Buffer.from('\n'));
      } else if (typeof file === 'string' || Buffer.isBuffer(file)) {
        out.push(Buffer.from('M 100644 inline '), at, Buffer.from('\n'), ...data(file));
      } else if ('gitlink' in file) {
        out.push(Buffer.from(`M 160000 ${file.gitlink} `), at, Buffer.from('\n'));
      } else if ('symlink' in file) {
        out.push(Buffer.from('M 120000 inline '), at, Buffer.from('\n'), ...data(encodeGitPath(file.symlink)));
      } else {
        out.push(Buffer.from(`M ${(file.mode & 0o111) !== 0 ? '100755' : '100644'} inline `), at, Buffer.from('\n'), ...data(file.content));
      }
    }
    line('');
    for (const tag of spec.tags ?? []) {
      const t = typeof tag === 'string' ? { name: tag } : tag;
      if (t.annotated) {
        line(`tag ${t.name}`);
        line(`from :${n + 1}`);
        line(`tagger ${identity} ${baseDate + n * 86400 + 3600} +0000`);
        out.push(...data(`${t.message ?? `release ${t.name}`}\n`));
      } else {
        line(`reset refs/tags/${t.name}`);
        line(`from :${n + 1}`);
        line('');
      }
    }
  }
  line('done');
  return Buffer.concat(out);
}

/** Awaits `promise` and returns its CuckooError-like rejection, checking its code and message; fails if it resolves. */
export async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<Error & { code: string; hint?: string }> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (!(error instanceof Error)) throw new Error(`expected a ${code} error matching ${message}, but it ${error === undefined ? 'resolved' : `threw ${String(error)}`}`);
  const e = error as Error & { code: string; hint?: string };
  if (e.code !== code) throw new Error(`expected code ${code}, got ${String(e.code)}: ${e.message}`);
  if (!message.test(e.message)) throw new Error(`expected message matching ${message}, got: ${e.message}`);
  return e;
}
