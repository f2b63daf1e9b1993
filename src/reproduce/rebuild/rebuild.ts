/**
 * Rebuild the release from its tag: the tag exported as `git archive` writes
 * it, the project's release steps run on it in the sandbox (no network, one
 * scratch folder under cuckoo's cache, one time budget for all steps), and the
 * tree they leave is the third side of the comparison.
 *
 * Everything the steps write is hostile data to cuckoo: the tree is read back
 * with lstat, never through a symbolic link, and only regular files are read.
 */
import { lstat, mkdir, readFile, readlink, readdir, rm, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { makeScratchDir } from '../../cache.js';
import type { NoSandbox, Sandbox, SandboxResult } from '../sandbox.js';
import { systemPath } from '../tools.js';
import { findRecipe, type Recipe, type TagFiles } from './recipe.js';
import { findToolchain, linkPrograms, type Named, type Toolchain, type ToolUse, type Unmatched } from './toolchain.js';
import { shellQuote } from '../bootstrap/shell-words.js';

export interface StepRun {
  name: string;
  command: string;
  why: string;
  exitCode: number;
  timedOut: boolean;
  seconds: number;
  /** The end of what the step printed (stdout and stderr together). */
  output: string;
}

/** The report's `rebuild` section. */
export interface RebuildSummary {
  /** `rebuilt`: every step ran; `failed`: one stopped (the rest of the report stands); `not-run`: nothing could run (why). */
  status: 'rebuilt' | 'failed' | 'not-run';
  why?: string;
  hint?: string;
  /** `not-used`: the rebuild stopped before a sandbox was needed (no recipe, a tool version missing). */
  sandbox: 'bwrap' | 'none' | 'unavailable' | 'not-used';
  recipe?: { source: Recipe['source']; steps: Array<{ name: string; command: string; why: string }> };
  steps: StepRun[];
  /** The step that stopped the rebuild. */
  failedStep?: string;
  tools: ToolUse[];
  /** Tool versions the release names that are not here. */
  unmatched: Unmatched[];
  /** What the release files were compared with: the recipe's output folder, or the tag's tree as the steps left it. */
  compared: string;
  sourceDateEpoch: number;
  seconds: number;
  /** Per release file that differs from the tag. */
  counts: { identical: number; different: number; absent: number };
  /** Of the release-only files, how many the rebuild wrote identically. */
  releaseOnly: { files: number; identical: number };
  /** The scratch folder kept with --keep. */
  kept?: string;
  notes: string[];
}

export type RebuiltFile = { type: 'file'; bytes: Buffer; executable: boolean } | { type: 'symlink'; target: string } | { type: 'other' };

export interface Rebuild {
  summary: RebuildSummary;
  /** The rebuilt tree holds a complete release (every step ran). */
  complete: boolean;
  /** The file at a release path in the rebuilt tree, or undefined. */
  file(path: string): Promise<RebuiltFile | undefined>;
  /** The rebuilt tree's folder while open (for --out). */
  tree?: string;
  close(): Promise<void>;
}

export interface RebuildOptions {
  cacheDir: string;
  sandbox: () => Promise<Sandbox | NoSandbox>;
  /** Seconds for all steps together. */
  timeoutSeconds: number;
  /** Run with the nearest tool version here when the named one is not (--rebuild-nearest). */
  nearest: boolean;
  /** Keep the scratch folder (--keep). */
  keep: boolean;
  /** The policy file's rebuild recipe. */
  policy?: { steps: string[]; tree?: string };
  /** Writes the tag (and its compared submodules) as tar files into `dir`: each archive and the folder it goes to. */
  exportTag: (dir: string) => Promise<Array<{ tar: string; prefix: string }>>;
  /** Why the tag is exported as a checkout has it rather than as git archive writes it, when it is. */
  asCheckout?: string;
  /** The tag's files, to find the recipe before anything runs. */
  tagFiles: TagFiles;
  /** The tool versions the release names. */
  named: Named[];
  /** The tag commit's time: SOURCE_DATE_EPOCH. */
  sourceDateEpoch: number;
  /** The version the release claims, for projects whose version comes from git (git-version-gen). */
  releaseVersion?: string;
}

const outputTail = 4000;

function notRun(why: string, hint: string | undefined, base: Partial<RebuildSummary>, sourceDateEpoch: number): Rebuild {
  return {
    summary: {
      status: 'not-run',
      why,
      ...(hint ? { hint } : {}),
      sandbox: 'not-used',
      steps: [],
      tools: [],
      unmatched: [],
      compared: '',
      sourceDateEpoch,
      seconds: 0,
      counts: { identical: 0, different: 0, absent: 0 },
      releaseOnly: { files: 0, identical: 0 },
      notes: [],
      ...base,
    },
    complete: false,
    file: async () => undefined,
    close: async () => {},
  };
}

/** Removes a tree the sandbox wrote, folders it left unwritable included. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    const open = async (d: string): Promise<void> => {
      await chmod(d, 0o700).catch(() => {});
      for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await open(join(d, e.name));
    };
    await open(dir);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** A release path under `root`, through real folders only: undefined when a folder on the way is a link or missing. */
async function readRebuilt(root: string, path: string): Promise<RebuiltFile | undefined> {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    const s = await lstat(dir).catch(() => undefined);
    if (!s?.isDirectory()) return undefined;
  }
  const full = join(root, path);
  const s = await lstat(full).catch(() => undefined);
  if (!s) return undefined;
  if (s.isSymbolicLink()) return { type: 'symlink', target: await readlink(full) };
  if (!s.isFile()) return { type: 'other' };
  return { type: 'file', bytes: await readFile(full), executable: (s.mode & 0o111) !== 0 };
}

function stepEnv(chain: Toolchain, links: string, sourceDateEpoch: number): Record<string, string> {
  const bins = [links, ...chain.readable.map((r) => join(r, 'bin'))];
  return {
    PATH: [...bins, ...systemPath].join(':'),
    SOURCE_DATE_EPOCH: String(sourceDateEpoch),
    // Reproducible builds' fixed locale and zone; no user settings reach the steps.
    LC_ALL: 'C',
    LANG: 'C',
    TZ: 'UTC',
    ...Object.fromEntries(
      (['autoconf', 'autoheader', 'autom4te', 'automake', 'aclocal'] as const).flatMap((p) => (chain.programs[p] ? [[p.toUpperCase(), chain.programs[p]!]] : [])),
    ),
  };
}

/** The shell line of one step: a fixed umask, the step, and only the end of its output kept. */
function stepScript(command: string): string[] {
  return ['/bin/bash', '-c', `set -o pipefail; ( umask 022; ${command} ) </dev/null 2>&1 | tail -c ${outputTail}`];
}

/** The export step: the tag's archives unpacked in the sandbox, and the claimed version where git-version-gen would ask git. */
function exportScript(archives: Array<{ tar: string; prefix: string }>, versionFile: string | undefined): string {
  const lines = ['mkdir -p src'];
  for (const a of archives) {
    const to = a.prefix ? `src/${a.prefix}` : 'src';
    lines.push(`mkdir -p ${shellQuote(to)} && tar -xf ${shellQuote(a.tar)} -C ${shellQuote(to)}`);
  }
  if (versionFile) lines.push(`[ -e src/.tarball-version ] || printf '%s\\n' ${shellQuote(versionFile)} > src/.tarball-version`);
  return lines.join(' && ');
}

/** The line of a failed step's output that says why: a missing command or file, an error; else its last line. */
export function telling(output: string): string | undefined {
  const lines = output.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const why = [/command not found|: not found$/, /error:/i, /No such file or directory|cannot find|not installed/i, /\berror\b/i];
  for (const pattern of why) {
    const hit = lines.filter((l) => pattern.test(l) && !/^make(\[\d+\])?: \*\*\*/.test(l)).pop();
    if (hit) return hit;
  }
  return lines.pop();
}

async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(p);
    else total += (await lstat(p).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

/** Most bytes a rebuild may leave in its scratch folder. */
export const rebuildDiskBytes = 8 * 1024 ** 3;

export async function rebuildRelease(options: RebuildOptions): Promise<Rebuild> {
  const started = performance.now();
  const epoch = options.sourceDateEpoch;
  const recipe = findRecipe(options.tagFiles, options.policy);
  if (!recipe) {
    return notRun(
      'no release recipe recognised in the tag (no configure.ac, autogen.sh, bootstrap, buildconf or meson.build)',
      'name the steps in the policy file: {"rebuild": {"steps": ["./make-release.sh"]}}',
      {},
      epoch,
    );
  }
  const recipeInfo = { source: recipe.source, steps: recipe.steps.map(({ name, command, why }) => ({ name, command, why })) };
  const chain = await findToolchain(options.named, options.cacheDir, options.nearest);
  if (chain.unmatched.length > 0 && !options.nearest) {
    const list = chain.unmatched.map((u) => `${u.tool} ${u.named} (${u.file}; here: ${u.here ?? 'none'})`).join(', ');
    return notRun(`the release names tool versions that are not here: ${list}`, `${chain.unmatched[0]!.hint}`, { recipe: recipeInfo, unmatched: chain.unmatched, tools: chain.used }, epoch);
  }
  const sandbox = await options.sandbox();
  if (sandbox.kind === 'unavailable') return notRun(sandbox.reason, sandbox.fix, { sandbox: 'unavailable', recipe: recipeInfo, tools: chain.used, unmatched: chain.unmatched }, epoch);

  const ws = await makeScratchDir(options.cacheDir, 'rebuild-');
  const summary: RebuildSummary = {
    status: 'rebuilt',
    sandbox: sandbox.kind,
    recipe: recipeInfo,
    steps: [],
    tools: chain.used,
    unmatched: chain.unmatched,
    compared: '',
    sourceDateEpoch: epoch,
    seconds: 0,
    counts: { identical: 0, different: 0, absent: 0 },
    releaseOnly: { files: 0, identical: 0 },
    notes: [],
  };
  const close = async () => {
    if (options.keep) return;
    await removeTree(ws);
  };
  try {
    const links = await linkPrograms(chain, join(ws, 'bin'));
    let archives: Array<{ tar: string; prefix: string }>;
    try {
      archives = await options.exportTag(ws);
    } catch (err) {
      // The tag could not be written (a blob missing from a partial clone): the rest of the report stands.
      await close();
      const failed = notRun(`the tag could not be exported: ${err instanceof Error ? err.message : String(err)}`, 'check that the repository has every blob of the tag (a full clone)', { sandbox: sandbox.kind, recipe: recipeInfo, tools: chain.used, unmatched: chain.unmatched }, epoch);
      failed.summary.status = 'failed';
      failed.summary.failedStep = 'export';
      return failed;
    }
    const gitVersion = options.tagFiles.has('build-aux/git-version-gen') && !options.tagFiles.has('.tarball-version');
    const safeVersion = options.releaseVersion && /^[A-Za-z0-9._+~-]+$/.test(options.releaseVersion) ? options.releaseVersion : undefined;
    if (options.asCheckout) summary.notes.push(options.asCheckout);
    if (gitVersion && safeVersion) summary.notes.push(`build-aux/git-version-gen asks git for the version, and the export has no .git: .tarball-version says ${safeVersion}, the version the release claims`);
    const env = stepEnv(chain, links, epoch);
    const src = join(ws, 'src');
    const deadline = started + options.timeoutSeconds * 1000;
    const all = [
      { name: 'export', command: exportScript(archives.map((a) => ({ tar: a.tar.slice(ws.length + 1), prefix: a.prefix })), gitVersion ? safeVersion : undefined), why: options.asCheckout ? 'the tag as a checkout has it' : 'the tag as git archive writes it', cwd: ws },
      ...recipe.steps.map((s) => ({ ...s, cwd: src })),
    ];
    for (const step of all) {
      const left = Math.floor((deadline - performance.now()) / 1000);
      let result: SandboxResult;
      if (left < 1) result = { exitCode: -1, stdout: '', stderr: '', timedOut: true, seconds: 0 };
      else {
        await mkdir(step.cwd, { recursive: true });
        result = await sandbox.run({ argv: stepScript(step.command), cwd: step.cwd, writable: ws, readable: chain.readable, env, timeoutSeconds: left });
      }
      const output = `${result.stdout}${result.stderr}`.slice(-outputTail);
      summary.steps.push({ name: step.name, command: step.command, why: step.why, exitCode: result.exitCode, timedOut: result.timedOut, seconds: Math.round(result.seconds * 100) / 100, output });
      const tooBig = result.exitCode === 0 && (await treeSize(ws)) > rebuildDiskBytes;
      if (result.exitCode !== 0 || result.timedOut || tooBig) {
        summary.status = 'failed';
        summary.failedStep = step.name;
        const last = telling(output);
        summary.why = result.timedOut
          ? `${step.name} ran out of the rebuild's time (${options.timeoutSeconds} s; raise --rebuild-timeout)`
          : tooBig
            ? `${step.name} left more than ${rebuildDiskBytes / 1024 ** 3} GiB in the scratch folder`
            : `${step.name} failed (exit ${result.exitCode})${last ? `: ${last.slice(0, 300)}` : ''}`;
        break;
      }
    }
    const complete = summary.status === 'rebuilt';
    const exported = summary.steps[0]?.exitCode === 0;
    // A failed rebuild is compared as far as it went: the tag's tree as the steps left it.
    const tree = complete ? join(src, recipe.tree) : src;
    summary.compared = complete ? (recipe.tree ? `${recipe.tree}/ (after ${recipe.steps.at(-1)!.name})` : `the tag's tree after ${recipe.steps.at(-1)?.name ?? 'export'}`) : exported ? `the tag's tree as the steps left it (${summary.failedStep} failed)` : 'nothing (the export failed)';
    if (options.keep) summary.kept = ws;
    summary.seconds = Math.round((performance.now() - started) / 10) / 100;
    return {
      summary,
      complete,
      tree: exported ? tree : undefined,
      file: (path) => (exported ? readRebuilt(tree, path) : Promise.resolve(undefined)),
      close,
    } as Rebuild;
  } catch (err) {
    await close();
    throw err;
  }
}
