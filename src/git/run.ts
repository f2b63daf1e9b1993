/**
 * The one way cuckoo runs git: an argument array, an explicit --git-dir, never
 * a shell, and a configuration that keeps a hostile repository inert.
 *
 * The repository under test may come from anyone, and so may its `.git/config`.
 * Every setting through which a repository can make git run a program, reach
 * the network or change what an object looks like is overridden on the command
 * line (`-c` beats every config file, see git-config(1) "FILES") or through the
 * environment. The commands cuckoo runs are plumbing that applies no filters:
 * ls-tree, cat-file --batch (without --filters), for-each-ref, check-attr.
 */
import { execa } from 'execa';
import { devNull, tmpdir } from 'node:os';
import { cacheWriteError, isDiskFull } from '../cache.js';
import { CuckooError } from '../errors.js';
import type { RepoHandle } from './types.js';

/** Where a command runs: a repository, a bare git directory, or nowhere (`git init`, `git --version`). */
export type GitTarget = Pick<RepoHandle, 'gitDir'> & { source?: string; promisor?: boolean };

/**
 * Which transports a command may use. Everything defaults to 'none': with
 * `protocol.allow=never` even a lazy fetch from a promisor remote (a partial
 * clone) cannot reach anything, on git versions that predate GIT_NO_LAZY_FETCH.
 */
export type Transport = 'none' | 'local' | 'remote';

export interface GitOptions {
  /** Bytes or text for stdin; stdin is closed otherwise. */
  input?: string | Uint8Array;
  /** Extra environment, e.g. GIT_INDEX_FILE for a scratch index. */
  env?: Record<string, string>;
  /** Extra `-c key=value` settings, after the safety settings. */
  config?: Record<string, string>;
  transport?: Transport;
  /** Exit codes that are answers rather than failures (e.g. 1 from `rev-parse --verify --quiet`). */
  okExitCodes?: readonly number[];
  /** Working directory; defaults to the system temporary directory: with --git-dir explicit nothing is discovered from it. */
  cwd?: string;
  /** Kill git after this many milliseconds (network commands). */
  timeoutMs?: number;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

/** A git command that exited with a failure; callers may turn it into an 'input' error. */
export class GitCommandError extends CuckooError {
  readonly exitCode: number;
  readonly stderr: string;
  constructor(message: string, exitCode: number, stderr: string, hint?: string) {
    super('git', message, hint === undefined ? {} : { hint });
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

const safetyConfig: ReadonlyArray<[string, string]> = [
  // Hooks run on ref updates (reference-transaction) during fetch; a missing
  // directory means none are ever found.
  ['core.hooksPath', devNull],
  ['core.fsmonitor', 'false'],
  // Attributes come from the tag's tree only; see attributes.ts.
  ['core.attributesFile', devNull],
  ['core.askPass', ''],
  // %G? in an export-subst placeholder, or log.showSignature, would run gpg.
  ['gpg.program', devNull],
  ['gpg.openpgp.program', devNull],
  ['gpg.x509.program', devNull],
  ['gpg.ssh.program', devNull],
  ['log.showSignature', 'false'],
  ['protocol.ext.allow', 'never'],
];

/**
 * git maps pack files whole by default (1 GiB windows, no practical limit), so
 * reading every blob of a tag from a large repository kept its packs resident:
 * a `cat-file --batch` over a 42,000-file tag with its history reached 400 MB.
 * Mapped in 16 MiB windows, at most 64 MiB at once, it stays near 230 MB (most
 * of it the delta base cache, left at its default), at no measured cost in time.
 */
const memoryConfig: ReadonlyArray<[string, string]> = [
  ['core.packedGitWindowSize', '16m'],
  ['core.packedGitLimit', '64m'],
];

const transportConfig: Record<Transport, ReadonlyArray<[string, string]>> = {
  none: [['protocol.allow', 'never']],
  local: [
    ['protocol.allow', 'never'],
    ['protocol.file.allow', 'always'],
  ],
  remote: [
    ['protocol.allow', 'never'],
    ['protocol.file.allow', 'always'],
    ['protocol.https.allow', 'always'],
    ['protocol.http.allow', 'always'],
    ['protocol.ssh.allow', 'always'],
    ['protocol.git.allow', 'always'],
  ],
};

/**
 * GIT_* variables of the caller's environment that may pass through: transport
 * and debugging settings. Everything else (GIT_DIR, GIT_INDEX_FILE,
 * GIT_OBJECT_DIRECTORY, GIT_CONFIG_PARAMETERS, …, set for example when cuckoo
 * runs inside a git hook) would silently point git at another repository.
 */
const passThrough = /^GIT_(SSH|SSH_COMMAND|SSH_VARIANT|SSL_CAINFO|SSL_CAPATH|SSL_NO_VERIFY|PROXY_COMMAND|PROXY_SSL_.*|HTTP_.*|CURL_VERBOSE|TRACE.*|EXEC_PATH|CONFIG_GLOBAL|CONFIG_NOSYSTEM)$/;

/** The environment every git command gets. */
export function gitEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !passThrough.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    // An empty GIT_ASKPASS is set-but-empty, which git treats as "no helper"
    // (prompt.c), and it takes precedence over core.askPass and SSH_ASKPASS.
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_NO_LAZY_FETCH: '1',
    // /etc/gitattributes would otherwise take part in check-attr.
    GIT_ATTR_NOSYSTEM: '1',
    // refs/replace/* could make a commit show another tree.
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_LITERAL_PATHSPECS: '1',
    // Stable messages: some callers classify failures by stderr.
    LC_ALL: 'C',
    LANGUAGE: '',
  });
  return Object.assign(env, extra);
}

/** The full argument array: git-dir, safety settings, then the command. */
export function gitArgs(target: GitTarget | undefined, args: readonly string[], opts: GitOptions = {}): string[] {
  const out: string[] = [];
  if (target) out.push(`--git-dir=${target.gitDir}`);
  out.push('--no-pager', '--no-replace-objects');
  const settings = [...safetyConfig, ...memoryConfig, ...transportConfig[transportFor(target, opts)], ...Object.entries(opts.config ?? {})];
  for (const [key, value] of settings) out.push('-c', `${key}=${value}`);
  out.push(...args);
  return out;
}

/**
 * A partial clone of cuckoo's own may fetch missing blobs from its promisor
 * remote (the URL the user gave): that is how it reads the few blobs it needs.
 */
function transportFor(target: GitTarget | undefined, opts: GitOptions): Transport {
  return target?.promisor ? 'remote' : (opts.transport ?? 'none');
}

function envFor(target: GitTarget | undefined, opts: GitOptions): Record<string, string> {
  const env = gitEnv(opts.env);
  if (target?.promisor) delete env.GIT_NO_LAZY_FETCH;
  return env;
}

/** Runs git and returns its output; throws GitCommandError naming the command and the repository. */
export async function git(target: GitTarget | undefined, args: readonly string[], opts: GitOptions = {}): Promise<GitResult> {
  let result;
  try {
    result = await execa('git', gitArgs(target, args, opts), {
      env: envFor(target, opts),
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      extendEnv: false,
      cwd: opts.cwd ?? tmpdir(),
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
      encoding: 'buffer',
      stripFinalNewline: false,
      maxBuffer: 2 ** 31 - 1,
      reject: false,
    });
  } catch (err) {
    throw spawnFailure(err);
  }
  if (result.timedOut) {
    throw new CuckooError('network', `git ${args[0] ?? ''} did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)}s${target ? ` in ${target.source ?? target.gitDir}` : ''}`, {
      hint: 'the remote is slow or unreachable; try again, or pass a local clone with --repo',
    });
  }
  if (result.failed && result.exitCode === undefined) throw spawnFailure(result);
  const exitCode = result.exitCode ?? -1;
  const stdout = toBuffer(result.stdout);
  const stderr = toBuffer(result.stderr).toString('utf8');
  if (exitCode !== 0 && !(opts.okExitCodes ?? []).includes(exitCode)) {
    // Only cuckoo's own repositories are written to: a full disk is the cache's, whatever the command.
    if (isDiskFull(stderr)) throw cacheWriteError(target?.gitDir ?? opts.cwd ?? tmpdir(), stderr);
    throw commandFailed(target, args, exitCode, stderr);
  }
  return { stdout, stderr, exitCode };
}

/** Runs git and returns stdout as text without its final newline. */
export async function gitText(target: GitTarget | undefined, args: readonly string[], opts: GitOptions = {}): Promise<string> {
  const { stdout } = await git(target, args, opts);
  return stdout.toString('utf8').replace(/\n$/, '');
}

/** A long-running or streaming git process: stdin and stdout are pipes, stderr is kept for the error. */
export function spawnGit(target: GitTarget | undefined, args: readonly string[], opts: Omit<GitOptions, 'input'> = {}) {
  return execa('git', gitArgs(target, args, opts), {
    env: envFor(target, opts),
    extendEnv: false,
    cwd: opts.cwd ?? tmpdir(),
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false, stderr: true },
    encoding: 'buffer',
    reject: false,
    cleanup: true,
  });
}

export function commandFailed(target: GitTarget | undefined, args: readonly string[], exitCode: number, stderr: string): GitCommandError {
  const where = target ? ` in ${target.source ?? target.gitDir}` : '';
  const reason = firstLine(stderr) || `exit code ${exitCode}`;
  return new GitCommandError(`git ${args[0] ?? ''} failed${where}: ${reason}`, exitCode, stderr);
}

/** The first fatal or error line of stderr (else the first line), without its `fatal: ` / `error: ` prefix. */
export function firstLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('hint:'));
  const line = lines.find((l) => /^(fatal|error): /.test(l)) ?? lines[0] ?? '';
  return line.replace(/^(fatal|error|warning): /, '');
}

export function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.alloc(0);
}

function spawnFailure(err: unknown): CuckooError {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ENOENT') {
    return new CuckooError('tool', 'git was not found', { hint: 'install git 2.39 or newer and make sure it is on PATH', cause: err });
  }
  const message = (err as { shortMessage?: string; message?: string } | undefined)?.shortMessage ?? String(err);
  return new CuckooError('git', `could not run git: ${message}`, { cause: err });
}
