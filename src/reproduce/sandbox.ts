/**
 * The sandbox every generator runs in. m4 runs shell commands (`m4_esyscmd`),
 * automake and autoconf are perl, and a project's scripts are the project's:
 * whatever reads release input runs here, never in cuckoo's own process tree
 * unconfined.
 *
 * bubblewrap (`bwrap`): no network and no other namespace shared
 * (`--unshare-all`), the system read-only (`--ro-bind / /`), a private /tmp,
 * one scratch folder writable, an unprivileged uid without capabilities
 * (`--uid`: files cuckoo makes unreadable stay unreadable, see inputs.ts),
 * killed with cuckoo (`--die-with-parent`), and with every process of the run
 * when its time is up (the sandbox is the pid namespace's init). Memory is
 * bounded per process with `ulimit -v`.
 *
 * `none` runs the same command unconfined; only when the user asks
 * (`--sandbox none`), and the report says so.
 */
import { execa } from 'execa';

export type SandboxKind = 'bwrap' | 'none';

export interface SandboxLimits {
  /** Wall-clock seconds for one command. */
  timeoutSeconds: number;
  /** Most bytes of address space of each process. */
  memoryBytes: number;
}

export const defaultSandboxLimits: SandboxLimits = { timeoutSeconds: 120, memoryBytes: 2 * 1024 ** 3 };

export interface SandboxRun {
  /** argv[0] is a program on the host's read-only system or in cuckoo's tool cache. */
  argv: string[];
  /** Working directory, inside `writable`. */
  cwd: string;
  /** The one folder the command may write to. */
  writable: string;
  /** Folders the command may read besides the system (cuckoo's tool cache). */
  readable?: string[];
  env?: Record<string, string>;
  /** Seconds this command may run, when not the sandbox's own limit (a rebuild's steps share one budget). */
  timeoutSeconds?: number;
  /** Network access (only for building tools cuckoo fetched itself: never). Off. */
}

export interface SandboxResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  seconds: number;
}

export interface Sandbox {
  kind: SandboxKind;
  limits: SandboxLimits;
  run(run: SandboxRun): Promise<SandboxResult>;
}

/** Why no sandbox could be had, and what to do about it. */
export interface NoSandbox {
  kind: 'unavailable';
  reason: string;
  fix: string;
}

/** A fixed, small environment: nothing of the user's (tokens, GIT_*, PERL5LIB) reaches a generator. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/tmp',
    TMPDIR: '/tmp',
    LC_ALL: 'C',
    LANG: 'C',
    TZ: 'UTC',
    ...extra,
  };
}

const sandboxUid = '1000';

function bwrapArgs(run: SandboxRun): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  for (const dir of run.readable ?? []) args.push('--ro-bind', dir, dir);
  args.push('--bind', run.writable, run.writable, '--chdir', run.cwd);
  args.push('--unshare-all', '--die-with-parent', '--new-session', '--uid', sandboxUid, '--gid', sandboxUid, '--clearenv');
  return args;
}

/**
 * `ulimit -v` (KiB) and `ulimit -f` (512-byte blocks: no file past 512 MiB,
 * so a runaway generator fails instead of filling the disk) in front of the
 * command; the shell then becomes it (exec).
 */
function limited(argv: string[], limits: SandboxLimits): string[] {
  const kib = Math.max(1, Math.floor(limits.memoryBytes / 1024));
  return ['/bin/sh', '-c', `ulimit -v ${kib} 2>/dev/null; ulimit -f 1048576 2>/dev/null; exec "$@"`, 'sh', ...argv];
}

async function execute(command: string, args: string[], env: Record<string, string>, cwd: string | undefined, limits: SandboxLimits): Promise<SandboxResult> {
  const started = performance.now();
  const result = await execa(command, args, {
    env,
    extendEnv: false,
    ...(cwd ? { cwd } : {}),
    stdin: 'ignore',
    reject: false,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 ** 2,
    timeout: limits.timeoutSeconds * 1000,
    killSignal: 'SIGKILL',
    // Unconfined runs get their own process group, killed whole on timeout.
    detached: command !== 'bwrap',
    cleanup: true,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: result.timedOut === true,
    seconds: (performance.now() - started) / 1000,
  };
}

function limitsOf(run: SandboxRun, limits: SandboxLimits): SandboxLimits {
  return run.timeoutSeconds === undefined ? limits : { ...limits, timeoutSeconds: run.timeoutSeconds };
}

function bwrapSandbox(limits: SandboxLimits, bwrap: string): Sandbox {
  return {
    kind: 'bwrap',
    limits,
    run(run) {
      const env = baseEnv(run.env);
      const setenv = Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]);
      return execute(bwrap, [...bwrapArgs(run), ...setenv, '--', ...limited(run.argv, limits)], baseEnv(), undefined, limitsOf(run, limits));
    },
  };
}

function unconfined(limits: SandboxLimits): Sandbox {
  return {
    kind: 'none',
    limits,
    async run(run) {
      const [command, ...args] = limited(run.argv, limits);
      const result = await execute(command!, args, baseEnv(run.env), run.cwd, limitsOf(run, limits));
      return result;
    },
  };
}

/**
 * The sandbox to use: bwrap when it is installed and can start here (it cannot
 * where user namespaces are disabled, as on some CI runners), `none` only when
 * asked. A bwrap that cannot start gives the reason and the fix, never a silent
 * fallback to running unconfined.
 */
export async function findSandbox(mode: SandboxKind, limits: SandboxLimits = defaultSandboxLimits, bwrap = 'bwrap'): Promise<Sandbox | NoSandbox> {
  if (mode === 'none') return unconfined(limits);
  const probe = await execa(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--die-with-parent', '--uid', sandboxUid, '--gid', sandboxUid, '--', '/bin/true'], {
    reject: false,
    stdin: 'ignore',
    timeout: 20_000,
    encoding: 'utf8',
  }).catch((err: unknown) => ({ exitCode: -1, stderr: err instanceof Error ? err.message : String(err), failed: true, code: undefined }));
  const missing = (probe as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(probe.stderr));
  if (missing) {
    return { kind: 'unavailable', reason: 'bubblewrap (bwrap) is not installed', fix: 'install it (Debian: apt-get install bubblewrap), or pass --sandbox none to run the generators unconfined, or --no-reproduce' };
  }
  if (probe.exitCode !== 0) {
    const why = String(probe.stderr).trim().split('\n').pop() || `exit ${probe.exitCode}`;
    return {
      kind: 'unavailable',
      reason: `bwrap cannot start here: ${why}`,
      fix: 'enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0), or pass --sandbox none to run the generators unconfined, or --no-reproduce',
    };
  }
  return bwrapSandbox(limits, bwrap);
}
