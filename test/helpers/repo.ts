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
 * - Trees are built with plumbing (hash-object, update-index --index-info,
 *   write-tree, commit-tree), so any path works, including names with a newline
 *   or bytes that are not UTF-8 (write those with the U+DC80..U+DCFF escape of
 *   src/git/paths.ts; symlink targets too), and a gitlink needs no submodule checkout. Work trees are
 *   then populated with `git reset --hard` (unless `checkout: false`).
 * - Config: init.defaultBranch=main, commit.gpgSign=false, tag.gpgSign=false,
 *   core.autocrlf=false, core.eol=lf, a fixed user; no system or global config.
 */
import { execa } from 'execa';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  const index = join(root, 'build-index');
  const scratch = join(root, 'build-blobs');
  await mkdir(scratch, { recursive: true });
  let parent: string | undefined;
  for (const [n, spec] of commits.entries()) {
    const env = { GIT_INDEX_FILE: index, GIT_AUTHOR_DATE: `@${baseDate + n * 86400} +0000`, GIT_COMMITTER_DATE: `@${baseDate + n * 86400} +0000` };
    await git(parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
    await git(['update-index', '-z', '--index-info'], { env, input: await indexInfo(repo, spec.files, scratch) });
    const tree = await git(['write-tree'], { env });
    const commit = await git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', spec.message ?? `commit ${n}`], { env });
    await git(['update-ref', 'refs/heads/main', commit]);
    repo.commits.push(commit);
    parent = commit;
    for (const tag of spec.tags ?? []) {
      const t = typeof tag === 'string' ? { name: tag } : tag;
      const tagEnv = { GIT_COMMITTER_DATE: `@${baseDate + n * 86400 + 3600} +0000` };
      if (t.annotated) await git(['tag', '-a', '-m', t.message ?? `release ${t.name}`, t.name, commit], { env: tagEnv });
      else await git(['tag', t.name, commit]);
    }
  }
  await rm(scratch, { recursive: true, force: true });
  await rm(index, { force: true });
  if (!opts.bare && parent && opts.checkout !== false) await git(['reset', '--hard', '--quiet']);
  return repo;
}

/**
 * `update-index -z --index-info` input for a set of changes. Distinct contents
 * are written to files and hashed by one `hash-object -w --stdin-paths`.
 */
async function indexInfo(repo: TestRepo, files: Record<string, FileSpec | null>, scratch: string): Promise<Buffer> {
  const zero = '0'.repeat(repo.objectFormat === 'sha256' ? 64 : 40);
  const contents = new Map<string, number>();
  const blobFiles: string[] = [];
  const slot = async (content: string | Buffer) => {
    const key = Buffer.from(content).toString('base64');
    let n = contents.get(key);
    if (n === undefined) {
      n = blobFiles.length;
      contents.set(key, n);
      const file = join(scratch, `blob-${n}`);
      await writeFile(file, content);
      blobFiles.push(file);
    }
    return n;
  };
  const rows: Array<{ mode: string; path: string } & ({ oid: string } | { slot: number })> = [];
  for (const [path, spec] of Object.entries(files)) {
    if (spec === null) rows.push({ mode: '0', path, oid: zero });
    else if (typeof spec === 'string' || Buffer.isBuffer(spec)) rows.push({ mode: '100644', path, slot: await slot(spec) });
    else if ('symlink' in spec) rows.push({ mode: '120000', path, slot: await slot(encodeGitPath(spec.symlink)) });
    else if ('gitlink' in spec) rows.push({ mode: '160000', path, oid: spec.gitlink });
    else rows.push({ mode: (spec.mode & 0o111) !== 0 ? '100755' : '100644', path, slot: await slot(spec.content) });
  }
  const oids = blobFiles.length === 0 ? [] : (await repo.git(['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: blobFiles.join('\n') + '\n' })).split('\n');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const lines: Buffer[] = [];
  for (const row of rows) {
    const oid = 'oid' in row ? row.oid : oids[row.slot]!;
    lines.push(Buffer.from(`${row.mode} ${oid}\t`), encodeGitPath(row.path), Buffer.from([0]));
  }
  return Buffer.concat(lines);
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
