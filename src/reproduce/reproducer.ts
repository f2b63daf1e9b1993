/**
 * Reproduction: re-run the generator a file's header names, at the version it
 * names, on the release's own inputs, in the sandbox, and compare bytes.
 *
 * Rules ask for one path; the first ask lays the release out once (see
 * inputs.ts) and runs every generator step of every project folder (a folder
 * with configure.ac) in autoreconf's order. Results are kept in the cache by
 * the hash of every input, the tool versions and the commands, so a second run
 * of the same release, or a batch of releases built with the same inputs,
 * runs nothing.
 */
import { lstat, mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeScratchDir } from '../cache.js';
import { sha256Hex } from '../release/hash.js';
import { splitPath } from '../analyze/places.js';
import { parserCommand, parserHeader, toolFlags, type ParserTool } from './generators/parsers.js';
import { generatorSteps } from './generators/index.js';
import type { GeneratorStep, RootPlan } from './generators/step.js';
import { installedMacros } from './installed-macros.js';
import { configureAcOf, findProjects, rootOf, toolEnv, type Project, type Target } from './projects.js';
import { includedFragments, isGeneratorInput, layOut, makefileAmsOf, namedInputs, type ReleaseFile } from './inputs.js';
import type { NotTried, Outcome, ReproductionSummary } from './outcome.js';
import { residualOf } from './residual.js';
import { readCachedRun, runKey, writeCachedRun, type CachedRun, type StepRecord } from './result-cache.js';
import type { NoSandbox, Sandbox } from './sandbox.js';
import { stabilize, type StabilizerInput } from './stabilizers.js';
import { isFound, type FoundTool, type MissingTool, type ToolName } from './tools.js';

export interface ReproduceFile extends ReleaseFile {
  /** Byte-identical to the tag's file at the same path. */
  inTag: boolean;
}

export interface ReproducerOptions {
  /** Every regular file of the release by path (top folder stripped). */
  files: ReadonlyMap<string, ReproduceFile>;
  cacheDir: string;
  /** The sandbox, or how to find it (looked for only when a generator must run). */
  sandbox: Sandbox | NoSandbox | (() => Promise<Sandbox | NoSandbox>);
  /** The sandbox asked for, part of the results' cache key (default bwrap). */
  sandboxKind?: 'bwrap' | 'none';
  releaseVersion?: string;
  /** The tag's commit (hex), for a configure.ac that asks git for its revision (stabilizers.ts, versionFromGit). */
  commit?: string;
  /** Fetch what the layout needs in one request (blobs of a partial clone). */
  prefetch?: (paths: string[]) => Promise<void>;
  /** --fetch-tools: install a missing version into the tool cache. */
  provision?: (tool: ToolName, version: string) => Promise<FoundTool | MissingTool>;
  /** Most bytes of a file compared line by line. */
  maxCompareBytes?: number;
  /** Known-good build tool files: a genuine other version of a macro aclocal copied (see stabilizers.ts). */
  knownGood?: (codeHash: string, name: string) => string | undefined;
  /** A text aclocal.m4 holds for an installed macro file, made of a known upstream file and changes known copies make (see StabilizerInput.composed), named; undefined when it is not. */
  composedKnown?: (text: string, name: string) => Promise<string | undefined>;
  /** Bytes of this sha256 (hex) are a known-good build tool file (config.guess, gettext's macros): not worth naming as an untrusted input. */
  knownFile?: (sha256: string) => boolean;
}

export interface Reproducer {
  /** The outcome for a generated file of the release; undefined when no generator here claims it. */
  outcome(path: string): Promise<Outcome | undefined>;
  /**
   * What reproduction showed, counted per file; `provenOtherwise` names a file
   * whose bytes another way of running its generator gave (the project's own
   * make rule for a parser): it counts as reproduced, whatever automake's way gave.
   */
  summary(provenOtherwise?: (path: string) => 'reproduced' | 'normalised' | undefined): ReproductionSummary | undefined;
}

interface Ran {
  /** Per project folder and generator: how the step went. */
  steps: Map<string, StepRecord>;
  outputs: Map<string, Buffer>;
  cached: boolean;
  /** Per project folder: its inputs that are not the tag's, each with its sha256, by path. */
  untrusted: Map<string, Array<[string, string]>>;
}

const stepKey = (root: string, generator: string, path?: string) => `${root}\0${generator}${path === undefined ? '' : `\0${path}`}`;

export function createReproducer(options: ReproducerOptions): Reproducer {
  const { files } = options;
  let projects: Promise<Map<string, Project>> | undefined;
  const plan = () => findProjects(files, options.cacheDir, options.provision).then((found) => (planned = found));
  let ran: Promise<Ran | NotTried> | undefined;
  const outcomes: Array<Outcome & { path: string }> = [];
  const notes: string[] = [];
  let seconds = 0;
  let planned: Map<string, Project> | undefined;
  let sandboxFound: Sandbox | NoSandbox | undefined;
  let usedKind: ReproductionSummary['sandbox'] | undefined;

  /** Lay out, run every step of every project (or take it from the cache), collect the outputs. */
  interface Prepared {
    /** Each input's sha256 by path. */
    inputs: Map<string, string>;
    /** The bytes of those inputs read to hash them; the others are read only to run. */
    read: Map<string, Buffer>;
    omit: Set<string>;
    key: string;
    untrusted: Ran['untrusted'];
  }

  /** What a run reads, and the key of its result: every input's bytes, which paths exist, the tools and commands. */
  async function prepare(found: Map<string, Project>): Promise<Prepared> {
    const withBytes = new Set<string>();
    for (const path of files.keys()) if (isGeneratorInput(path)) withBytes.add(path);
    const makefileAms = makefileAmsOf(files);
    for (const root of found.keys()) {
      const ac = configureAcOf(root, files)!;
      const text = (await files.get(ac)?.content())?.toString('latin1') ?? '';
      for (const p of await namedInputs(text, root, files)) withBytes.add(p);
      for (const p of await includedFragments(root, files, makefileAms)) withBytes.add(p);
    }
    // Outputs written in place are left out, but only where their step will run:
    // automake needs the config.h.in that an autoheader it cannot run would have written.
    const omit = new Set<string>();
    for (const project of found.values()) {
      for (const t of project.targets) {
        const tool = project.tools[t.step.tool];
        if (t.step.inPlace && tool && isFound(tool)) {
          omit.add(t.path);
          // ylwrap writes the parser's header too (-d), through sed: an unreadable placeholder there would stop it.
          if (t.step.perFile) for (const ext of ['.h', '.hh']) omit.add(t.path.replace(/\.(c|cc|cpp)$/, ext));
        }
      }
    }
    await options.prefetch?.([...withBytes]);

    // The key: every input's bytes (their sha256, read where not known), which paths exist, the tools and the commands.
    const inputs = new Map<string, string>();
    const read = new Map<string, Buffer>();
    for (const path of withBytes) {
      if (omit.has(path)) continue;
      const file = files.get(path)!;
      const known = await file.sha256?.();
      if (known !== undefined) {
        inputs.set(path, known);
        continue;
      }
      const bytes = await file.content();
      if (!bytes) continue;
      read.set(path, bytes);
      inputs.set(path, sha256Hex(bytes));
    }
    const commands = [...found.values()].map((p) => {
      // The system's macros a cache-built aclocal is given (only then, so other runs keep their keys).
      const macroPath = toolEnv(p).ACLOCAL_PATH;
      return {
        root: p.plan.root,
        flags: p.plan.aclocalFlags,
        strictness: p.plan.strictness ?? '',
        tools: Object.values(p.tools).map((t) => (t && isFound(t) ? `${t.tool}@${t.version}:${Object.values(t.programs).join(',')}` : '')),
        targets: p.targets.map((t) => `${t.step.generator}:${t.path}`),
        ...(macroPath ? { macroPath } : {}),
      };
    });
    const key = runKey({ sandbox: options.sandboxKind ?? 'bwrap', commands, paths: [...files].filter(([p]) => !omit.has(p)).map(([p, f]) => (f.executable ? `${p}\0x` : p)), inputs });
    const untrusted: Ran['untrusted'] = new Map();
    for (const root of found.keys()) {
      const mine = [...inputs].filter(([p]) => (root ? p.startsWith(`${root}/`) : true) && !(files.get(p) as ReproduceFile).inTag);
      untrusted.set(root, mine.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return { inputs, read, omit, key, untrusted };
  }

  /** Lay out, run every step of every project, collect the outputs, keep them in the cache. */
  async function runAll(sandbox: Sandbox, found: Map<string, Project>, { inputs, read, omit, key, untrusted }: Prepared): Promise<Ran> {
    const scratch = await makeScratchDir(options.cacheDir, 'reproduce-');
    const realScratch = await realpath(scratch);
    try {
      const tree = join(scratch, 'tree');
      await mkdir(tree);
      // Inputs keyed by a digest known without their bytes are read now, and checked against it: a run is kept only under its inputs' key.
      let unlike: string | undefined;
      const input = (p: string, f: ReleaseFile): ReleaseFile => {
        const kept = read.get(p);
        if (kept) return { ...f, path: p, content: async () => kept };
        return {
          ...f,
          path: p,
          content: async () => {
            const bytes = await f.content();
            if (bytes && sha256Hex(bytes) !== inputs.get(p)) unlike ??= p;
            return bytes;
          },
        };
      };
      const laid = await layOut(tree, new Map([...files].map(([p, f]) => [p, inputs.has(p) ? input(p, f) : f])), new Set(inputs.keys()), omit);
      if (laid.skipped.length > 0) notes.push(`reproduction left out ${laid.skipped.length} release path(s) it cannot lay out safely (first: ${JSON.stringify(laid.skipped[0])})`);
      const steps: Ran['steps'] = new Map();
      const outputs = new Map<string, Buffer>();
      let index = 0;
      for (const project of found.values()) {
        const plan: RootPlan = { ...project.plan, cwd: join(tree, ...(project.plan.root ? project.plan.root.split('/') : [])), out: join(scratch, 'out', String(index++)) };
        await mkdir(plan.out, { recursive: true });
        for (const step of generatorSteps) {
          const targets = project.targets.filter((t) => t.step === step);
          if (targets.length === 0) continue;
          const tool = project.tools[step.tool];
          if (!tool || !isFound(tool)) continue;
          const env = toolEnv(project);
          // A tool from cuckoo's cache is read where it lies (a cache under /tmp would be hidden by the sandbox's own /tmp).
          const readable = Object.values(project.tools).flatMap((t) => (t && isFound(t) && t.root ? [t.root] : []));
          if (step.perFile) {
            await runPerFile(sandbox, project, plan, step, targets, tool, { scratch, realScratch, tree, env, readable, steps, outputs });
            continue;
          }
          const argv = step.argv(tool.programs[step.program]!, plan);
          const result = await sandbox.run({ argv, cwd: plan.cwd, writable: scratch, env, readable });
          const command = [step.program, ...argv.slice(1)].map((a) => a.replace(plan.out, '<out>')).join(' ');
          steps.set(stepKey(project.plan.root, step.generator), { exitCode: result.exitCode, seconds: result.seconds, stderr: result.stderr.slice(-4000), command, timedOut: result.timedOut });
          for (const target of targets) {
            const bytes = await readOutput(step.output(target.path, plan, tree), realScratch);
            if (bytes) outputs.set(target.path, bytes);
          }
        }
      }
      const run: CachedRun = { steps: Object.fromEntries(steps), outputs };
      if (unlike !== undefined) notes.push(`reproduction results not cached: ${unlike}'s bytes are not those its digest was taken of`);
      else await writeCachedRun(options.cacheDir, key, run).catch((err: unknown) => notes.push(`reproduction results not cached: ${err instanceof Error ? err.message : String(err)}`));
      return { steps, outputs, cached: false, untrusted };
    } finally {
      await rm(scratch, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** A generator run once per file (bison, flex): its command is formed from the file, and may not be. */
  async function runPerFile(
    sandbox: Sandbox,
    project: Project,
    plan: RootPlan,
    step: GeneratorStep,
    targets: Target[],
    tool: FoundTool,
    at: { scratch: string; realScratch: string; tree: string; env: Record<string, string>; readable: string[]; steps: Ran['steps']; outputs: Map<string, Buffer> },
  ): Promise<void> {
    const has = (p: string) => files.has(p);
    const within = (p: string) => (project.plan.root ? p.startsWith(`${project.plan.root}/`) : true);
    const ylwrap = [...files.keys()].filter((p) => within(p) && splitPath(p).name === 'ylwrap').sort((a, b) => a.length - b.length)[0];
    const texts: string[] = [];
    for (const p of [...files.keys()].filter((p) => within(p) && /\.(am|mk|inc)$/.test(p))) {
      const t = (await files.get(p)?.content())?.subarray(0, 1 << 20).toString('latin1');
      if (t) texts.push(t);
    }
    const parser = step.generator as ParserTool;
    const flags = toolFlags(parser === 'bison' ? 'AM_YFLAGS' : 'AM_LFLAGS', texts);
    for (const target of targets) {
      const key = stepKey(project.plan.root, step.generator, target.path);
      // flex names its scanner source some hundred lines in.
      const head = (await files.get(target.path)?.content())?.subarray(0, 256 * 1024).toString('latin1') ?? '';
      const command = parserCommand(parser, target.path, head, plan, tool.programs[step.program]!, ylwrap, flags, has);
      if ('why' in command) {
        at.steps.set(key, { exitCode: -1, seconds: 0, stderr: '', command: '', timedOut: false, skipped: command.why });
        continue;
      }
      const cwd = join(at.tree, ...(command.cwd ? command.cwd.split('/') : []));
      const result = await sandbox.run({ argv: command.argv, cwd, writable: at.scratch, env: at.env, readable: at.readable });
      const shown = ['sh', ...command.argv.slice(1)].map((a) => (a === tool.programs[step.program] ? step.program : a)).join(' ');
      at.steps.set(key, { exitCode: result.exitCode, seconds: result.seconds, stderr: result.stderr.slice(-4000), command: `(cd ${command.cwd || '.'} && ${shown})`, timedOut: result.timedOut });
      const bytes = await readOutput(step.output(target.path, plan, at.tree), at.realScratch);
      if (bytes) at.outputs.set(target.path, bytes);
      // The header ylwrap writes beside the parser (bison -d), where the release has one.
      const header = parser === 'bison' ? parserHeader(target.path) : undefined;
      if (header && files.has(header)) {
        const written = await readOutput(step.output(header, plan, at.tree), at.realScratch);
        if (written) at.outputs.set(header, written);
      }
    }
  }

  function ensureRun(): Promise<Ran | NotTried> {
    ran ??= (async () => {
      const found = await (projects ??= plan());
      const t0 = performance.now();
      try {
        const prepared = await prepare(found);
        // A result kept from an earlier run needs no sandbox: nothing runs.
        const cached = await readCachedRun(options.cacheDir, prepared.key);
        if (cached) {
          usedKind = options.sandboxKind ?? 'bwrap';
          return { ...fromCache(cached), cached: true, untrusted: prepared.untrusted };
        }
        const sandbox = (sandboxFound = typeof options.sandbox === 'function' ? await options.sandbox() : options.sandbox);
        usedKind = sandbox.kind;
        if (sandbox.kind === 'unavailable') {
          notes.push(`generated files were not reproduced: ${sandbox.reason} (${sandbox.fix})`);
          return { status: 'not-tried', generator: '', tool: 'autoconf', why: `no sandbox: ${sandbox.reason}`, hint: sandbox.fix } satisfies NotTried;
        }
        if (sandbox.kind === 'none') notes.push('generators ran without a sandbox (--sandbox none), as asked');
        return await runAll(sandbox, found, prepared);
      } finally {
        seconds += (performance.now() - t0) / 1000;
      }
    })();
    return ran;
  }

  async function outcome(path: string): Promise<Outcome | undefined> {
    const found = await (projects ??= plan());
    const { dir } = splitPath(path);
    const root = rootOf(dir, files);
    const project = root === undefined ? undefined : found.get(root);
    // A parser's header is judged with the run that made its parser.
    const parser = project?.targets.find((t) => t.step.generator === 'bison' && parserHeader(t.path) === path);
    const target = project?.targets.find((t) => t.path === path) ?? (parser ? { ...parser, path, stepOf: parser.path } : undefined);
    if (!project || !target) return undefined;
    if (target.stepOf !== undefined) {
      // Only a header the run wrote (bison ran with -d): another is no output of this step.
      const run = await ensureRun();
      if ('status' in run) return undefined;
      if (!run.outputs.has(path)) {
        // Where bison is not here at its parser's version, the header is not tried either, for the same reason.
        const tool = project.tools[target.step.tool];
        if (tool && isFound(tool) && tool.version === (target.version ?? project.versions[target.step.tool])) return undefined;
        const notRun = await judge(project, target);
        if (notRun.status !== 'not-tried') return undefined;
        outcomes.push({ ...notRun, path });
        return notRun;
      }
    }
    const result = await judge(project, target);
    outcomes.push({ ...result, path });
    return result;
  }

  /**
   * The inputs laid out with bytes that neither the tag, the known-good index
   * nor reproduction vouches for: a file reproduced from them is only as good
   * as they are, and each has its own finding.
   */
  const untrustedByProject = new Map<Project, Promise<string[]>>();
  function untrustedInputs(project: Project, run: Ran): Promise<string[]> {
    let known = untrustedByProject.get(project);
    if (!known) untrustedByProject.set(project, (known = untrustedOf(project, run)));
    return known;
  }

  async function untrustedOf(project: Project, run: Ran): Promise<string[]> {
    const out: string[] = [];
    // By the key's digests: an input is not read again for them.
    for (const [path, digest] of run.untrusted.get(project.plan.root) ?? []) {
      if (options.knownFile?.(digest)) continue;
      const output = project.targets.some((t) => t.path === path) ? run.outputs.get(path) : undefined;
      if (output && sha256Hex(output) === digest) continue;
      out.push(path);
    }
    return out;
  }

  async function judge(project: Project, target: Target): Promise<Outcome> {
    const { step } = target;
    const version = target.version ?? project.versions[step.tool];
    const base = { generator: step.generator, tool: step.tool, ...(version ? { version } : {}) };
    if (!version) return { status: 'not-tried', ...base, why: `the file names no ${step.tool} version, and no other generated file of ${project.plan.root || 'the top folder'} does` };
    const tool = project.tools[step.tool];
    if (!tool) return { status: 'not-tried', ...base, why: `${step.tool} was not looked for` };
    if (!isFound(tool)) {
      return { status: 'not-tried', ...base, why: `${step.tool} ${version} is not installed here${tool.tried.length ? ` (found: ${tool.tried.join(', ')})` : ''}`, hint: tool.hint };
    }
    if (tool.version !== version) return { status: 'not-tried', ...base, why: `written by ${step.tool} ${version}, while the other generated files of its folder name ${tool.version}` };
    const run = await ensureRun();
    if ('status' in run) return { ...run, ...base };
    const done = run.steps.get(step.perFile ? stepKey(project.plan.root, step.generator, target.stepOf ?? target.path) : stepKey(project.plan.root, step.generator));
    if (!done) return { status: 'not-tried', ...base, why: `${step.generator} was not run` };
    if (done.skipped) return { status: 'not-tried', ...base, why: done.skipped };
    const common = {
      generator: step.generator,
      tool: step.tool,
      version,
      command: step.perFile ? done.command : `(cd ${project.plan.root || '.'} && ${done.command})`,
      seconds: Math.round(done.seconds * 100) / 100,
      cached: run.cached,
      untrustedInputs: (await untrustedInputs(project, run)).filter((p) => p !== target.path),
    };
    if (done.timedOut) return { status: 'not-tried', ...base, why: `${step.generator} ran out of time (${sandboxFound && sandboxFound.kind !== 'unavailable' ? `${sandboxFound.limits.timeoutSeconds} s` : 'its time limit'}; raise --reproduce-timeout)` };
    if (done.exitCode !== 0) return { status: 'not-tried', ...base, why: failure(step.generator, done.exitCode, done.stderr) };
    // autoheader expands configure.ac as autoconf does, but does not fail on a macro it lacks: where
    // autoconf could not (nasm 2.16.01's macros come in with `-B autoconf`), its template lacks their defines.
    const autoconfRun = step.generator === 'autoheader' ? run.steps.get(stepKey(project.plan.root, 'autoconf')) : undefined;
    if (autoconfRun && !autoconfRun.skipped && autoconfRun.exitCode !== 0) {
      return { status: 'not-tried', ...base, why: `autoconf failed on the same configure.ac, so autoheader's expansion of it is incomplete: ${failure('autoconf', autoconfRun.exitCode, autoconfRun.stderr)}` };
    }
    const regenerated = run.outputs.get(target.path);
    if (!regenerated) return { status: 'not-tried', ...base, why: `${step.generator} succeeded but did not write ${target.path}${step.generator === 'automake' ? ' (not among configure.ac\'s AC_CONFIG_FILES?)' : step.generator === 'autoheader' ? ' (not the template of configure.ac\'s first AC_CONFIG_HEADERS?)' : ''}` };
    const release = await files.get(target.path)!.content();
    if (!release) return { status: 'not-tried', ...base, why: 'the release file\'s bytes were not kept (larger than --max-file-memory)' };
    if (release.equals(regenerated)) return { status: 'reproduced', ...common, normalisations: [] };
    const limit = options.maxCompareBytes ?? 16 * 1024 ** 2;
    if (release.length > limit || regenerated.length > limit) return { status: 'not-tried', ...base, why: `too large to compare line by line (over ${limit} bytes)` };
    const input: StabilizerInput = {
      generator: step.generator,
      toolVersion: version,
      ...(options.releaseVersion ? { releaseVersion: options.releaseVersion } : {}),
      ...(options.commit ? { commit: options.commit } : {}),
      ...(step.generator === 'aclocal' && options.knownGood ? { installedMacros: await installedMacros(tool, options.cacheDir), knownGood: options.knownGood } : {}),
    };
    const stable = await stabilizeComposed(release.toString('utf8'), regenerated.toString('utf8'), input, options.composedKnown);
    const normalisations = stable.applied;
    if (stable.release === stable.regenerated) return { status: 'reproduced', ...common, normalisations };
    return {
      status: 'different',
      ...common,
      normalisations,
      residual: residualOf(stable.release, stable.regenerated, step.generator, target.path),
      regenerated: stable.regenerated,
      release: stable.release,
    };
  }

  return {
    outcome,
    summary(provenOtherwise) {
      if (!ran && outcomes.length === 0) return undefined;
      // The better proof counts: byte for byte by the project's own rule beats a normalised match of ylwrap's way.
      const statusOf = (o: Outcome & { path: string }) => {
        if (o.status === 'reproduced' && o.normalisations.length === 0) return 'reproduced';
        const other = provenOtherwise?.(o.path);
        if (o.status === 'reproduced') return other === 'reproduced' ? 'reproduced' : 'normalised';
        return other ?? (o.status === 'different' ? 'different' : 'notTried');
      };
      const sandbox = usedKind ?? 'not-used';
      const tools = new Map<string, ReproductionSummary['tools'][number]>();
      const missing = new Map<string, ReproductionSummary['missing'][number]>();
      for (const project of planned?.values() ?? []) {
        for (const t of Object.values(project.tools)) {
          if (t && isFound(t)) tools.set(`${t.tool}@${t.version}`, { tool: t.tool, version: t.version, path: Object.values(t.programs)[0]!, source: t.source });
        }
      }
      // Outcomes arrive in the order the rules finish (several judge at once): what is listed does not depend on it.
      for (const o of outcomes) {
        if (o.status !== 'not-tried' || !o.hint || !o.version) continue;
        const key = `${o.tool}@${o.version}`;
        const had = missing.get(key);
        if (!had || o.hint < had.hint) missing.set(key, { tool: o.tool, version: o.version, hint: o.hint });
      }
      return {
        sandbox,
        tools: [...tools.values()],
        missing: [...missing.keys()].sort().map((key) => missing.get(key)!),
        counts: {
          reproduced: outcomes.filter((o) => statusOf(o) === 'reproduced').length,
          normalised: outcomes.filter((o) => statusOf(o) === 'normalised').length,
          different: outcomes.filter((o) => statusOf(o) === 'different').length,
          notTried: outcomes.filter((o) => statusOf(o) === 'notTried').length,
        },
        seconds: Math.round(seconds * 100) / 100,
        notes: [...new Set(notes)],
      };
    },
  };
}

/** The last line of a failed step's output that says what went wrong, with a pointer when it read a placeholder. */
function failure(generator: string, exitCode: number, stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const denied = lines.find((l) => /Permission denied/.test(l));
  if (denied) return `${generator} read a file cuckoo gives it only as a placeholder (exit ${exitCode}): ${denied.slice(0, 200)}`;
  const last = lines.filter((l) => !/^autoreconf|^\s*$/.test(l)).slice(-2).join(' | ');
  return `${generator} failed (exit ${exitCode})${last ? `: ${last.slice(0, 300)}` : ''}`;
}

/**
 * A regular file the step wrote, or undefined: never through a folder it
 * swapped for a link (the generator controls the scratch folder; `within` is
 * that folder's real path), and never a link it made unless `followLinks`,
 * and then only to a file inside that folder.
 */
export async function readOutput(path: string, within: string, followLinks = false): Promise<Buffer | undefined> {
  try {
    // A followed link must end at a file inside the folder too (a bootstrap's `ln -s ../tests/x.c tests-m32/`).
    const target = followLinks ? await realpath(path) : path;
    const folder = await realpath(dirname(target));
    if (folder !== within && !folder.startsWith(`${within}/`)) return undefined;
    const s = await lstat(target);
    if (!s.isFile() || s.size > 64 * 1024 ** 2) return undefined;
    return await readFile(target);
  } catch {
    return undefined;
  }
}

function fromCache(run: CachedRun): Omit<Ran, 'cached' | 'untrusted'> {
  return {
    steps: new Map(Object.entries(run.steps)),
    outputs: new Map(run.outputs),
  };
}

/**
 * stabilize, with the texts of installed macro files that aclocal.m4 holds
 * worked out as compositions of known files when a stabilizer asks (that
 * takes the library's texts, read asynchronously): each run records what
 * it asked and got no answer to, those are worked out, and it runs again
 * with the answers, until it asks nothing new. Only a copy no known file
 * has is asked about, so an aclocal.m4 that matches runs once; a few runs at
 * most (each answer can move where the next copy is looked for).
 */
export async function stabilizeComposed(release: string, regenerated: string, input: StabilizerInput, composedKnown: ReproducerOptions['composedKnown']): Promise<ReturnType<typeof stabilize>> {
  if (!composedKnown || !input.installedMacros) return stabilize(release, regenerated, input);
  const answers = new Map<string, string | undefined>();
  let stable!: ReturnType<typeof stabilize>;
  for (let round = 0; round < 4; round++) {
    const asked = new Map<string, { text: string; name: string }>();
    stable = stabilize(release, regenerated, {
      ...input,
      composed: (text, name) => {
        const key = `${name}\u0000${text}`;
        if (answers.has(key)) return answers.get(key);
        asked.set(key, { text, name });
        return undefined;
      },
    });
    if (asked.size === 0) break;
    for (const [key, { text, name }] of asked) answers.set(key, await composedKnown(text, name));
  }
  return stable;
}

