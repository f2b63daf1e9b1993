/**
 * Files a bootstrap writes, proven by running what wrote them: the project's
 * own scripts as its bootstrap.conf, autogen.sh or bootstrap runs them (see
 * commands.ts), and gnulib-tool at the commit the tag pins with the arguments
 * the file records (see gnulib-tool.ts). Everything runs in the sandbox on
 * the tag's files, once per run and only when a rule asks for a file it
 * claims, and is cached by the tag's commit, the submodule's and the commands.
 * The tag's own bootstrap script may also run whole (see whole-script.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { foldersAbove } from '../../analyze/places.js';
import { bootstrapFiles, scriptCommands, type ScriptCommand, type UnrunCommand } from './commands.js';
import { distHookEdits, type SedEdit, type SkippedEdit } from './dist-hook.js';
import { makefileFor, makeRules, withIncludes, type Recipe } from './make-rule.js';
import { shellQuote } from './shell-words.js';
import { leftOut, stubFolder, stubText, wholeScript, wholeScriptArgv } from './whole-script.js';
import { gnulibOutputs, unrunnable } from './gnulib-tool.js';
import { runSession, type BootstrapStep, type SessionNotRun, type SessionResult, type SessionOptions } from './session.js';
import { plural } from '../../plural.js';

export interface BootstrapRun {
  /** The script of the tag, or gnulib-tool. */
  generator: string;
  /** `tag` for the project's scripts, `gnulib` for gnulib-tool. */
  tool: string;
  /** The commit the generator was taken from. */
  version: string;
  command: string;
  /** Where the command comes from: `bootstrap.conf:379`, the file that records gnulib-tool's arguments. */
  source: string;
  seconds: number;
  cached: boolean;
  /** A script run whole: the lines of its standard error that say what it lacked (`gawk: not found`). */
  said?: string[];
}

/** The command ran and wrote `regenerated` (the rule compares it with the release's bytes), or it could not run. */
export type BootstrapOutcome = (BootstrapRun & { status: 'ran'; regenerated: Buffer }) | { status: 'not-tried'; generator: string; why: string; hint?: string };

export interface BootstrapProver {
  /** A file whose header names the script `named` (a file name): what running the command that writes it gave. */
  scriptOutput(path: string, named: string): Promise<BootstrapOutcome>;
  /** A file gnulib-tool wrote, in the run `args` records: what running that again gave. */
  gnulibOutput(path: string, args: string[], recordedIn: string): Promise<BootstrapOutcome>;
  /**
   * A file of the tag that a Makefile.am's dist-hook edits with sed (dist-hook.ts): what those
   * edits, re-run on the tag's copy, give; undefined when no dist-hook of the tag edits it.
   */
  distHookOutput(path: string): Promise<BootstrapOutcome | undefined>;
  /**
   * A file the release ships and the tag does not, that a rule of the Makefile.am beside it
   * or above it makes with awk, sed or perl (make-rule.ts): what that command, re-run on the
   * tag's files, writes; undefined when no rule makes it.
   */
  recipeOutput(path: string): Promise<BootstrapOutcome | undefined>;
  /**
   * A file the release ships and the tag does not: what the tag's own bootstrap script wrote
   * at that path when run whole, with the autotools left out (whole-script.ts); undefined when
   * the tag has no such script, it was not run, or it did not write the path.
   */
  wholeScriptOutput(path: string): Promise<BootstrapOutcome | undefined>;
  /** What ran, for the report's notes: each run's commands and time, or that it came from the cache. */
  notes(): string[];
}

export interface ProverOptions extends Pick<SessionOptions, 'cacheDir' | 'sandbox' | 'sandboxKind'> {
  /** The tag's commit: it pins every file the scripts read. */
  tagCommit: string;
  /** The tag's files: their paths, and the bytes of the bootstrap files. */
  tagHas: (path: string) => boolean;
  tagText: (path: string) => Promise<string | undefined>;
  /** Paths only the release has: the commands worth running. */
  releaseOnly: ReadonlySet<string>;
  /** Writes the tag's files to `tar` as a checkout has them (see checkoutTag). */
  exportTag: (tar: string) => Promise<void>;
  /** True when that differs from what git archive writes: the tag marks a path export-ignore or export-subst. */
  checkoutDiffers: boolean;
  /** gnulib at the commit the tag pins (its submodule, or --submodule gnulib=PATH), or why there is none. */
  gnulib: { commit: string; export: (tar: string) => Promise<void> } | { why: string };
  /** Seconds gnulib-tool may run (a large project's import takes minutes). */
  gnulibTimeoutSeconds: number;
  /** What runs in the sandbox now (a command's first words), or undefined once nothing does: gnulib-tool can take half an hour. */
  onStatus?: (status: string | undefined) => void;
}

const shortId = (commit: string) => commit.slice(0, 12);

export function createBootstrapProver(options: ProverOptions): BootstrapProver {
  let found: Promise<{ commands: ScriptCommand[]; unrun: UnrunCommand[]; read: string[] }> | undefined;
  let scripts: Promise<SessionResult | SessionNotRun> | undefined;
  const gnulibRuns = new Map<string, Promise<SessionResult | SessionNotRun>>();
  const hooks = new Map<string, Promise<{ edits: SedEdit[]; skipped: SkippedEdit[] }>>();
  const hookRuns = new Map<string, Promise<SessionResult | SessionNotRun>>();
  const makefiles = new Map<string, Promise<{ recipeOf: (name: string) => Recipe | undefined; text: string } | undefined>>();
  const makeRuns = new Map<string, Promise<{ run: SessionResult | SessionNotRun; command: string }>>();
  const recipeRuns = new Map<string, Promise<SessionResult | SessionNotRun>>();
  let whole: Promise<{ script: string; run: SessionResult | SessionNotRun; said: string[] } | undefined> | undefined;
  /** The dist-hook edits of a Makefile.am of the tag, read once. */
  const hookOf = (file: string) => {
    let got = hooks.get(file);
    if (!got) hooks.set(file, (got = options.tagText(file).then((text) => (text === undefined ? { edits: [], skipped: [] } : distHookEdits(text, file)))));
    return got;
  };

  const isScript = (p: string) => options.tagHas(p);
  /** The rules of a Makefile.am of the tag, with the fragments it includes in place, read once. */
  const rulesOf = async (file: string) => {
    const text = await options.tagText(file);
    if (text === undefined) return undefined;
    const inlined = await withIncludes(text, file, (p) => (isScript(p) ? options.tagText(p) : Promise.resolve(undefined)));
    return { recipeOf: makeRules(inlined.text, file, inlined.origin), text: inlined.text };
  };
  function commands() {
    return (found ??= (async () => {
      const all = { commands: [] as ScriptCommand[], unrun: [] as UnrunCommand[], read: [] as string[] };
      for (const file of bootstrapFiles) {
        const text = await options.tagText(file);
        if (text === undefined) continue;
        all.read.push(file);
        const got = scriptCommands(file, text, isScript);
        all.commands.push(...got.commands);
        all.unrun.push(...got.unrun);
      }
      return all;
    })());
  }

  const notes: string[] = [];
  const session = async (pins: string[], exportTrees: SessionOptions['exportTrees'], steps: BootstrapStep[], what: string) => {
    const t0 = performance.now();
    const announce = (command: string) => options.onStatus?.(`re-running ${command.length > 40 ? `${command.slice(0, 37)}...` : command} in the sandbox, once (cached)`);
    // The export is a checkout's: where git archive would write other files, runs kept from an export of git archive's are not reused.
    const pinned = options.checkoutDiffers ? [...pins, 'checkout'] : pins;
    const run = await runSession({ cacheDir: options.cacheDir, sandbox: options.sandbox, sandboxKind: options.sandboxKind, pins: pinned, exportTrees, announce }, steps).finally(() => options.onStatus?.(undefined));
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const outOfTime = !('why' in run) && [...run.steps.values()].some((st) => st.timedOut);
    notes.push(
      'why' in run
        ? `${what}: not run (${run.why})`
        : run.cached
          ? `${what}: taken from the cache of an earlier run`
          : outOfTime
            ? `${what}: ran out of time in the sandbox after ${seconds} s, not kept (raise --reproduce-timeout)`
            : `${what}: re-run in the sandbox in ${seconds} s, kept in the cache`,
    );
    return run;
  };
  const exportTag = async (dir: string) => {
    const tar = `${dir}/tag.tar`;
    await options.exportTag(tar);
    return [{ tar, into: 'tree' }];
  };

  function judged(run: SessionResult | SessionNotRun, base: Omit<BootstrapRun, 'seconds' | 'cached'>, path: string): BootstrapOutcome {
    if ('why' in run) return { status: 'not-tried', generator: base.generator, why: run.why, ...(run.hint ? { hint: run.hint } : {}) };
    const step = run.steps.get(base.command);
    if (!step) return { status: 'not-tried', generator: base.generator, why: `${base.generator} was not run` };
    if (step.timedOut) return { status: 'not-tried', generator: base.generator, why: `${base.generator} ran out of time (${Math.round(step.seconds)} s; raise --reproduce-timeout)` };
    if (step.exitCode !== 0) {
      const last = step.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 300);
      return { status: 'not-tried', generator: base.generator, why: `${base.command} failed (exit ${step.exitCode})${last ? `: ${last}` : ''}` };
    }
    const bytes = run.outputs.get(path);
    if (!bytes) return { status: 'not-tried', generator: base.generator, why: `${base.command} ran but did not write ${path}` };
    return { ...base, seconds: Math.round(step.seconds * 100) / 100, cached: run.cached, status: 'ran', regenerated: bytes };
  }

  /**
   * A file whose rule is more than one plain command: made by GNU make with
   * the rules of the Makefile.am (make-rule.ts, makefileFor), in one run for
   * every such release-only file of that Makefile.am. Its bytes count
   * whatever make's exit status (`-k` goes on past a target it cannot make).
   */
  async function madeByMake(path: string, prefix: string, file: string, recipeOf: (name: string) => Recipe | undefined, text: string, recipe: { why: string; source: string }): Promise<BootstrapOutcome> {
    let made = makeRuns.get(file);
    if (!made) {
      const notPlain = (p: string) => {
        const r = recipeOf(p.slice(prefix.length));
        return r !== undefined && 'why' in r;
      };
      const targets = [...options.releaseOnly].filter((p) => p.startsWith(prefix) && notPlain(p)).sort();
      const makefile = makefileFor(text, file);
      const names = targets.map((t) => t.slice(prefix.length));
      const shown = names.length > 3 ? `${names.slice(0, 3).join(' ')} and ${names.length - 3} more` : names.join(' ');
      const command = `make -r -R -k ${shown}${prefix ? ` in ${prefix.slice(0, -1)}` : ''}, with the rules of ${file}`;
      const step: BootstrapStep = {
        command,
        argv: (scratch) => ['make', '-r', '-R', '-k', '--no-print-directory', '-f', `${scratch}/rules.mk`, '-C', `${scratch}/tree${prefix ? `/${prefix.slice(0, -1)}` : ''}`, ...names],
        reads: targets,
      };
      const exportWithMakefile = async (dir: string) => {
        await writeFile(join(dir, 'rules.mk'), makefile);
        return exportTag(dir);
      };
      made = session([options.tagCommit, makefile], exportWithMakefile, [step], `make with the rules of ${file} (${plural(targets.length, 'file')})`).then((run) => ({ run, command }));
      makeRuns.set(file, made);
    }
    const { run, command } = await made;
    const generator = 'make';
    if ('why' in run) return { status: 'not-tried', generator, why: run.why, ...(run.hint ? { hint: run.hint } : {}) };
    const step = run.steps.get(command)!;
    const bytes = run.outputs.get(path);
    if (!bytes || step.timedOut) {
      const last = step.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 300);
      return { status: 'not-tried', generator, why: `${recipe.source} makes it, but not with a command cuckoo re-runs (${recipe.why}), and make with the rules of ${file} did not write it${step.timedOut ? ' in time' : last ? `: ${last}` : ''}` };
    }
    return { status: 'ran', generator, tool: 'tag', version: shortId(options.tagCommit), command, source: recipe.source, seconds: Math.round(step.seconds * 100) / 100, cached: run.cached, regenerated: bytes };
  }

  return {
    async scriptOutput(path, named) {
      const { commands: all, unrun, read } = await commands();
      const command = all.find((c) => c.output === path && c.script.split('/').pop() === named);
      if (!command) {
        // A command that may write this path: its redirect names it, or hides its target in a variable.
        const mayWrite = (u: UnrunCommand) => u.writes === undefined || u.writes === path || u.writes.includes('$');
        const skipped = unrun.find((u) => u.script.split('/').pop() === named && mayWrite(u));
        const why = skipped
          ? `${skipped.source} runs ${skipped.script}, but not as a simple command cuckoo can re-run (${skipped.why})`
          : read.length === 0
            ? `the tag has none of ${bootstrapFiles.join(', ')} to say how ${path} is written`
            : `no command in the tag's ${read.join(' or ')} writes ${path} with ${named} and a plain redirect`;
        return { status: 'not-tried', generator: named, why };
      }
      // Every command writing a release-only file, in the bootstrap's order, in one run.
      const wanted = all.filter((c) => options.releaseOnly.has(c.output));
      const steps = wanted.map((c) => ({ command: c.text, argv: () => [...(c.interpreter ? [c.interpreter] : []), `./${c.script}`, ...c.args], stdoutTo: c.output, reads: [c.output] }));
      scripts ??= session([options.tagCommit], exportTag, steps, `${steps.length} bootstrap command(s) of the tag's own scripts`);
      return judged(await scripts, { generator: command.script, tool: 'tag', version: shortId(options.tagCommit), command: command.text, source: command.source }, path);
    },

    async gnulibOutput(path, args, recordedIn) {
      const generator = 'gnulib-tool';
      const refused = unrunnable(args);
      if (refused) return { status: 'not-tried', generator, why: refused };
      if (!gnulibOutputs(args).includes(path)) return { status: 'not-tried', generator, why: `the gnulib-tool run ${recordedIn} records does not write ${path}` };
      const gnulib = options.gnulib;
      if ('why' in gnulib) return { status: 'not-tried', generator, why: gnulib.why, hint: 'name a clone with --submodule gnulib=PATH' };
      const command = ['gnulib-tool', ...args].join(' ');
      const key = `${gnulib.commit}\0${command}`;
      let run = gnulibRuns.get(key);
      if (!run) {
        const exportBoth = async (dir: string) => {
          const tar = `${dir}/gnulib.tar`;
          await gnulib.export(tar);
          return [...(await exportTag(dir)), { tar, into: 'gnulib' }];
        };
        const step: BootstrapStep = { command, argv: (scratch) => [`${scratch}/gnulib/gnulib-tool`, ...args], reads: gnulibOutputs(args), timeoutSeconds: options.gnulibTimeoutSeconds };
        run = session([options.tagCommit, gnulib.commit], exportBoth, [step], `gnulib-tool of gnulib ${shortId(gnulib.commit)} (${args.filter((a) => !a.startsWith('-')).length} modules)`);
        gnulibRuns.set(key, run);
      }
      return judged(await run, { generator, tool: 'gnulib', version: shortId(gnulib.commit), command, source: recordedIn }, path);
    },

    async distHookOutput(path) {
      // The Makefile.am of each folder above the file: make runs the deepest dist-hook first.
      const files = foldersAbove(path).map((prefix) => `${prefix}Makefile.am`).filter(isScript);
      const found = await Promise.all(files.map(hookOf));
      const edits = found.flatMap((f) => f.edits.filter((e) => e.path === path));
      const skipped = found.flatMap((f) => f.skipped.filter((e) => e.path === path || e.path === undefined));
      if (edits.length === 0 && skipped.length === 0) return undefined;
      if (skipped.length > 0) return { status: 'not-tried', generator: 'sed', why: `${skipped[0]!.source} runs sed on it in a way cuckoo does not re-run (${skipped[0]!.why})` };
      const steps: BootstrapStep[] = edits.map((e) => ({
        command: ['sed', ...e.options, ...e.scripts.flatMap((s) => ['-e', shellQuote(s)]), '-i', path].join(' '),
        // GNU sed's --sandbox refuses the e, r and w commands: a script only edits the file.
        argv: () => ['sed', '--sandbox', ...e.options, ...e.scripts.flatMap((s) => ['-e', s]), '-i', '--', path],
        reads: [path],
      }));
      let run = hookRuns.get(path);
      if (!run) hookRuns.set(path, (run = session([options.tagCommit], exportTag, steps, `${plural(steps.length, 'sed edit')} of the tag's dist-hook on ${path}`)));
      const done = await run;
      const last = edits.at(-1)!;
      const base = { generator: 'sed', tool: 'tag', version: shortId(options.tagCommit), command: steps.map((st) => st.command).join('; '), source: edits.map((e) => e.source).join(', ') };
      if (!('why' in done)) {
        const failed = steps.find((st) => done.steps.get(st.command)?.exitCode !== 0);
        if (failed) return judged(done, { ...base, command: failed.command }, path);
      }
      const outcome = judged(done, { ...base, command: steps.at(-1)!.command, source: last.source }, path);
      return outcome.status === 'ran' ? { ...outcome, command: base.command, source: base.source } : outcome;
    },

    async recipeOutput(path) {
      // The Makefile.am beside the file first, then each one above it (a non-recursive one names `src/x.h`).
      for (const prefix of foldersAbove(path)) {
        const file = `${prefix}Makefile.am`;
        if (!isScript(file)) continue;
        let rules = makefiles.get(file);
        if (!rules) makefiles.set(file, (rules = rulesOf(file)));
        const read = await rules;
        const recipeOf = read?.recipeOf;
        const recipe = recipeOf?.(path.slice(prefix.length));
        if (!recipe) continue;
        if ('why' in recipe) return madeByMake(path, prefix, file, read!.recipeOf, read!.text, recipe);
        // Every release-only file under the folder that a rule of this Makefile.am makes, in one run.
        let run = recipeRuns.get(file);
        if (!run) {
          const steps: BootstrapStep[] = [];
          for (const other of [...options.releaseOnly].filter((p) => p.startsWith(prefix)).sort()) {
            const r = recipeOf!(other.slice(prefix.length));
            if (r && !('why' in r)) steps.push({ command: r.shown, argv: () => ['/bin/sh', '-c', r.script], stdoutTo: other, reads: [other] });
          }
          recipeRuns.set(file, (run = session([options.tagCommit], exportTag, steps, `${plural(steps.length, 'recipe')} of ${file}`)));
        }
        return judged(await run, { generator: recipe.program, tool: 'tag', version: shortId(options.tagCommit), command: recipe.shown, source: recipe.source }, path);
      }
      return undefined;
    },

    async wholeScriptOutput(path) {
      whole ??= (async () => {
        const found = await wholeScript(isScript, options.tagText);
        if (found === undefined) return undefined;
        if ('why' in found) {
          notes.push(`the tag's bootstrap script was not run whole: ${found.why}`);
          return undefined;
        }
        const { script } = found;
        const exportWithStubs = async (dir: string) => {
          await mkdir(join(dir, stubFolder));
          for (const name of leftOut) await writeFile(join(dir, stubFolder, name), stubText, { mode: 0o755 });
          return exportTag(dir);
        };
        const step: BootstrapStep = {
          command: `NOCONFIGURE=1 ./${script}, with ${leftOut.slice(0, 3).join(', ')} and ${leftOut.length - 3} more autotools left out`,
          argv: (scratch) => wholeScriptArgv(script, scratch),
          reads: [...options.releaseOnly].sort(),
          followLinks: true,
        };
        const run = await session([options.tagCommit, stubText], exportWithStubs, [step], `the tag's ${script}, run whole`);
        // What went wrong on the way (a program the system lacks), which a file that came out different may owe to
        // it; not what the autotools left out would have written (configure, aclocal.m4, ...).
        const said = ('why' in run ? '' : (run.steps.get(step.command)?.stderr ?? ''))
          .split('\n')
          .filter((l) => /not found|No such file|\b[Ee]rror\b|\bcannot\b/.test(l) && !l.includes('left out of this run') && !/\b(configure|config\.status|aclocal\.m4|Makefile\.in|config\.h\.in)\b/.test(l))
          .map((l) => l.trim().slice(0, 200));
        return { script, run, said };
      })();
      const done = await whole;
      if (done === undefined || 'why' in done.run) return undefined;
      const [command, step] = [...done.run.steps][0]!;
      const bytes = done.run.outputs.get(path);
      if (!bytes || step.timedOut) return undefined;
      const status = step.exitCode === 0 ? '' : ` (the script then stopped with exit ${step.exitCode})`;
      return {
        status: 'ran',
        generator: `./${done.script}`,
        tool: 'tag',
        version: shortId(options.tagCommit),
        command: `${command}${status}`,
        source: done.script,
        seconds: Math.round(step.seconds * 100) / 100,
        cached: done.run.cached,
        regenerated: bytes,
        ...(done.said.length > 0 ? { said: done.said } : {}),
      };
    },

    notes: () => [...notes],
  };
}
