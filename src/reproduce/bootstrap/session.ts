/**
 * One run of bootstrap steps in the sandbox: the tag (and what else the steps
 * read, such as the gnulib the tag pins) exported as `git archive` writes it
 * and unpacked in a scratch folder under the cache, each step run there in
 * order with no network, and the files they wrote read back. Nothing is run
 * from the release: the scripts are the tag's, the arguments literal.
 *
 * Results are kept like reproduction's (result-cache.ts), keyed by what pins
 * every input (the tag's tree id, a submodule's commit), the commands and the
 * sandbox: a second run of the same release runs nothing.
 */
import { mkdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeScratchDir } from '../../cache.js';
import { readOutput } from '../reproducer.js';
import { readCachedRun, runKey, writeCachedRun, type StepRecord } from '../result-cache.js';
import type { NoSandbox, Sandbox } from '../sandbox.js';

export interface BootstrapStep {
  /** The command as the report shows it. */
  command: string;
  /** The argv, given the scratch folder (the tag is unpacked in `<scratch>/tree`, the step's cwd). */
  argv: (scratch: string) => string[];
  /** A path of the tree the step's standard output goes to. */
  stdoutTo?: string;
  /** Paths of the tree to read back after the step. */
  reads: string[];
  /** Seconds the step may run, when not the sandbox's limit. */
  timeoutSeconds?: number;
  /** A path read back may be a link to a file of the scratch folder: its file's bytes are read. */
  followLinks?: boolean;
}

export interface SessionOptions {
  cacheDir: string;
  sandbox: () => Promise<Sandbox | NoSandbox>;
  sandboxKind: string;
  /** What pins every input the steps read: the tag's tree id, a submodule's commit. */
  pins: string[];
  /** Writes tar files into `dir`: each with the folder of the scratch it is unpacked into (`tree` for the tag). */
  exportTrees: (dir: string) => Promise<Array<{ tar: string; into: string }>>;
  /** Told each step's command as it starts in the sandbox (not for results from the cache). */
  announce?: (command: string) => void;
}

export interface SessionResult {
  /** Per step, by its command. */
  steps: Map<string, StepRecord>;
  /** What the steps wrote, by path of the tree. */
  outputs: Map<string, Buffer>;
  cached: boolean;
}

export interface SessionNotRun {
  why: string;
  hint?: string;
}

/** The output redirect of a step, done by a shell of the system with the paths as arguments: nothing of them is parsed. */
const redirect = ['/bin/sh', '-c', 'out=$1; shift; mkdir -p "${out%/*}" && exec "$@" >"$out"', 'sh'];

/** A step's standard error as kept: its start and its end (a script run whole says what it lacked early, and why it stopped last). */
function keptStderr(stderr: string): string {
  return stderr.length <= 4000 ? stderr : `${stderr.slice(0, 1000)}\n…\n${stderr.slice(-3000)}`;
}

export async function runSession(options: SessionOptions, steps: BootstrapStep[]): Promise<SessionResult | SessionNotRun> {
  const key = runKey({
    sandbox: options.sandboxKind,
    commands: { bootstrap: options.pins, steps: steps.map((s) => [s.command, s.argv('<scratch>'), s.stdoutTo ?? '', s.reads]) },
    paths: [],
    inputs: new Map(),
  });
  const kept = await readCachedRun(options.cacheDir, key);
  if (kept) {
    return {
      steps: new Map(Object.entries(kept.steps)),
      outputs: new Map(kept.outputs),
      cached: true,
    };
  }
  const sandbox = await options.sandbox();
  if (sandbox.kind === 'unavailable') return { why: `no sandbox: ${sandbox.reason}`, hint: sandbox.fix };
  const scratch = await makeScratchDir(options.cacheDir, 'bootstrap-');
  try {
    const real = await realpath(scratch);
    const archives = await options.exportTrees(scratch);
    for (const { tar, into } of archives) {
      await mkdir(join(scratch, into), { recursive: true });
      // The archive is unpacked in the sandbox too: its paths are the repository's data.
      const r = await sandbox.run({ argv: ['tar', '-xf', tar, '-C', join(scratch, into)], cwd: scratch, writable: scratch });
      await rm(tar, { force: true });
      if (r.exitCode !== 0) return { why: `unpacking the export failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').pop() ?? ''}` };
    }
    const tree = join(scratch, 'tree');
    const records = new Map<string, StepRecord>();
    const outputs = new Map<string, Buffer>();
    for (const step of steps) {
      options.announce?.(step.command);
      const argv = step.argv(scratch);
      const r = await sandbox.run({
        argv: step.stdoutTo ? [...redirect, join(tree, step.stdoutTo), ...argv] : argv,
        cwd: tree,
        writable: scratch,
        ...(step.timeoutSeconds ? { timeoutSeconds: step.timeoutSeconds } : {}),
      });
      records.set(step.command, { exitCode: r.exitCode, seconds: r.seconds, stderr: keptStderr(r.stderr), command: step.command, timedOut: r.timedOut });
      for (const path of step.reads) {
        const bytes = await readOutput(join(tree, path), real, step.followLinks);
        if (bytes) outputs.set(path, bytes);
      }
    }
    // A step out of time says more about the machine's load than the inputs: the next run tries again.
    if ([...records.values()].some((r) => r.timedOut)) return { steps: records, outputs, cached: false };
    await writeCachedRun(options.cacheDir, key, { steps: Object.fromEntries(records), outputs }).catch(() => {});
    return { steps: records, outputs, cached: false };
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}
