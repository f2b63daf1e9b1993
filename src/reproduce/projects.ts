/**
 * Where reproduction has work: the project folders of a release, the files
 * generated in each, and the tools at the versions those files name.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { splitPath } from '../analyze/places.js';
import { generatorSteps, mayBeGenerated } from './generators/index.js';
import { headerOf, type GeneratorStep, type RootPlan } from './generators/step.js';
import { wholeScripts } from './bootstrap/whole-script.js';
import type { ReleaseFile } from './inputs.js';
import { findTool, isFound, type FoundTool, type MissingTool, type ToolName } from './tools.js';

export interface Target {
  path: string;
  step: GeneratorStep;
  version?: string;
  /** A file the run of another target's step writes too (the header `bison -d` writes beside its parser): that target's path. */
  stepOf?: string;
}

export interface Project {
  plan: RootPlan;
  targets: Target[];
  tools: Partial<Record<ToolName, FoundTool | MissingTool>>;
  /** Versions each tool is needed at (the first target's; a second version is not tried). */
  versions: Partial<Record<ToolName, string>>;
}

const headOf = async (file: ReleaseFile) => (await file.content())?.subarray(0, 2048).toString('latin1');

/** The configure.ac (or configure.in) of a folder, if the release has one. */
export function configureAcOf(dir: string, files: ReadonlyMap<string, ReleaseFile>): string | undefined {
  for (const name of ['configure.ac', 'configure.in']) {
    const path = dir ? `${dir}/${name}` : name;
    if (files.has(path)) return path;
  }
  return undefined;
}

/** The nearest folder at or above `dir` with a configure.ac. */
export function rootOf(dir: string, files: ReadonlyMap<string, ReleaseFile>): string | undefined {
  let d = dir;
  for (;;) {
    if (configureAcOf(d, files)) return d;
    if (!d) return undefined;
    d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
  }
}

/** The `-I DIR` pairs among `words`, only plain relative folders inside the tree: --install would copy files in, and $(...) is make's. */
function macroFolders(words: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-I' && words[i + 1] && /^[A-Za-z0-9_.\-/]+$/.test(words[i + 1]!) && !words[i + 1]!.split('/').includes('..')) flags.push('-I', words[++i]!);
  }
  return flags;
}

function aclocalFlags(text: string | undefined): string[] {
  const line = /^ACLOCAL_AMFLAGS\s*=\s*(.*)$/m.exec(text ?? '')?.[1] ?? '';
  return macroFolders(line.trim().split(/\s+/).filter(Boolean));
}


/** A command line of a shell script that runs aclocal: by name (a versioned one too) or through `$ACLOCAL` with aclocal as its default. */
const aclocalCommand = /^[ \t]*(?:\$\{ACLOCAL:?-aclocal(?:-[\d.]+)?\}|\$ACLOCAL|\$\{ACLOCAL\}|aclocal(?:-[\d.]+)?)[ \t]+([^\n;&|#`$()<>]*)/gm;

/**
 * The macro folders the project's bootstrap script gives aclocal, when its
 * Makefile.am has no ACLOCAL_AMFLAGS (swig 4.1.0: no top Makefile.am, and
 * its autogen.sh runs `${ACLOCAL-aclocal} -I Tools/config`): the `-I`
 * folders of the first command line that runs aclocal (not one that asks
 * its version), nothing else of it.
 */
function bootstrapAclocalFlags(text: string): string[] {
  for (const m of text.replace(/\\\n/g, ' ').matchAll(aclocalCommand)) {
    const words = m[1]!.trim().split(/[ \t]+/);
    if (words[0] === '--version' || words[0] === '--help') continue;
    return macroFolders(words);
  }
  return [];
}

const recordedStrictness = /\$\(AUTOMAKE\) (--(?:foreign|gnu|gnits|cygnus))\b/;

/** Whether a Makefile.am names a strictness in AUTOMAKE_OPTIONS (continuation lines and += included). */
export function setsOwnStrictness(am: string): boolean {
  for (const m of am.matchAll(/^[ \t]*AUTOMAKE_OPTIONS[ \t]*\+?=((?:[^\n]*\\\n)*[^\n]*)/gm)) {
    if (/(?:^|\s)(?:foreign|gnu|gnits|cygnus)(?=\s|$)/.test(m[1]!.replace(/\\\n/g, ' '))) return true;
  }
  return false;
}

/**
 * The strictness to give automake on its command line: the one a Makefile.in
 * records in its own rebuild rule (`$(AUTOMAKE) --gnu doc/Makefile`) where its
 * Makefile.am names none in AUTOMAKE_OPTIONS. The command line ranks below
 * both AUTOMAKE_OPTIONS and AM_INIT_AUTOMAKE's options, so such a record is
 * the command line's or AM_INIT_AUTOMAKE's, and passing it changes no other
 * file (libffi 3.4.4: the top Makefile.am says foreign, doc/'s takes the
 * default, gnu; passing the top's --foreign made doc/Makefile.in differ).
 * Where every Makefile.am names its own, the top one's record is given: it
 * changes nothing.
 */
async function strictnessOf(project: Project, files: ReadonlyMap<string, ReleaseFile>): Promise<string | undefined> {
  const depth = (p: string) => p.split('/').length;
  const made = project.targets
    .filter((t) => t.step.generator === 'automake')
    .map((t) => t.path)
    .sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  let first: string | undefined;
  for (const path of made) {
    const recorded = recordedStrictness.exec((await files.get(path)?.content())?.subarray(0, 1 << 20).toString('utf8') ?? '')?.[1];
    if (!recorded) continue;
    first ??= recorded;
    const am = (await files.get(path.replace(/\.in$/, '.am'))?.content())?.toString('utf8');
    if (am !== undefined && !setsOwnStrictness(am)) return recorded;
  }
  return first;
}

/**
 * The project folders of a release (each folder with a configure.ac) and the
 * generated files in each: the files a generator step claims by name and
 * whose head carries that generator's header, with the version it names; then
 * each tool at that version, found here or provisioned.
 */
export async function findProjects(
  files: ReadonlyMap<string, ReleaseFile>,
  cacheDir: string,
  provision?: (tool: ToolName, version: string) => Promise<FoundTool | MissingTool>,
): Promise<Map<string, Project>> {
  const found = new Map<string, Project>();
  const has = (p: string) => files.has(p);
  // Looked up once a folder: a release of 40,000 files has a few thousand.
  const roots = new Map<string, string | undefined>();
  for (const [path, file] of files) {
    const { dir, name } = splitPath(path);
    if (!mayBeGenerated(name)) continue;
    let root = roots.get(dir);
    if (root === undefined && !roots.has(dir)) roots.set(dir, (root = rootOf(dir, files)));
    if (root === undefined) continue;
    const plan = { root } as RootPlan;
    const steps = generatorSteps.filter((s) => s.names.test(name) && s.writes(path, plan, has));
    if (steps.length === 0) continue;
    const head = await headOf(file);
    if (!head) continue;
    for (const step of steps) {
      const header = headerOf(step, head);
      if (!header) continue;
      let project = found.get(root);
      if (!project) {
        const amText = (await files.get(root ? `${root}/Makefile.am` : 'Makefile.am')?.content())?.toString('utf8');
        const inText = amText === undefined ? (await files.get(root ? `${root}/Makefile.in` : 'Makefile.in')?.content())?.subarray(0, 1 << 20).toString('utf8') : undefined;
        let flags = aclocalFlags(amText ?? inText);
        // The project's own bootstrap scripts, where it runs aclocal when no Makefile.am says how (see bootstrapAclocalFlags).
        for (const name of flags.length > 0 ? [] : wholeScripts) {
          const script = await files.get(root ? `${root}/${name}` : name)?.content();
          if (script === undefined) continue;
          flags = bootstrapAclocalFlags(script.subarray(0, 1 << 20).toString('utf8'));
          break;
        }
        project = {
          plan: { root, cwd: '', out: '', aclocalFlags: flags },
          targets: [],
          tools: {},
          versions: {},
        };
        found.set(root, project);
      }
      const { version } = header;
      project.targets.push({ path, step, ...(version ? { version } : {}) });
      if (version && !project.versions[step.tool] && step.generator !== 'autoheader') project.versions[step.tool] = version;
      break;
    }
  }
  for (const project of found.values()) {
    const strictness = await strictnessOf(project, files);
    if (strictness) project.plan.strictness = strictness;
    for (const tool of ['autoconf', 'automake', 'bison', 'flex'] as const) {
      const version = project.versions[tool];
      if (!version) continue;
      let t = await findTool(tool, version, cacheDir);
      if (!isFound(t) && provision) t = await provision(tool, version);
      project.tools[tool] = t;
    }
  }
  return found;
}


/**
 * The folders of macros the system's packages install (pkg.m4, libtool's,
 * gettext's), for an automake cuckoo built into its cache: its own macro
 * folder is empty, where a distribution's aclocal reads the system's, as the
 * maintainer's did (libusb 1.0.28's aclocal.m4 copies pkg.m4). Searched
 * after the project's `-I` folders, as `ACLOCAL_PATH`.
 */
export function systemMacroFolders(tool: FoundTool): string[] {
  return tool.source === 'cache' ? ['/usr/share/aclocal'].filter((dir) => existsSync(dir)) : [];
}

/** The environment of a project's steps: a step that runs another tool (automake runs autoconf --trace, aclocal runs autom4te) runs the same versions. */
export function toolEnv(project: Project): Record<string, string> {
  const env: Record<string, string> = {};
  const bins: string[] = [];
  const ac = project.tools.autoconf;
  if (ac && isFound(ac)) {
    env.AUTOCONF = ac.programs.autoconf!;
    env.AUTOHEADER = ac.programs.autoheader!;
    env.AUTOM4TE = ac.programs.autom4te!;
    if (ac.root) bins.push(join(ac.root, 'bin'));
  }
  const am = project.tools.automake;
  if (am && isFound(am)) {
    env.AUTOMAKE = am.programs.automake!;
    env.ACLOCAL = am.programs.aclocal!;
    if (am.root) bins.push(join(am.root, 'bin'));
    const system = systemMacroFolders(am);
    if (system.length > 0) env.ACLOCAL_PATH = system.join(':');
  }
  if (bins.length > 0) env.PATH = [...bins, '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  return env;
}
