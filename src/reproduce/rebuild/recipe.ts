/**
 * How a project makes its release, found from the files of its tag, not
 * configured: the steps a maintainer runs in a fresh checkout. First a recipe
 * the policy names; else the project's own bootstrap script (autogen.sh,
 * gnulib's bootstrap, buildconf) or autoreconf; then, for an automake project,
 * ./configure and `make distdir` (what `make dist` archives); for meson,
 * `meson dist`.
 */
export interface RecipeStep {
  /** Short name for the report: autogen.sh, configure, make distdir. */
  name: string;
  /** A shell command, run in the exported tag's top folder in the sandbox. */
  command: string;
  /** Why this step is part of the recipe. */
  why: string;
}

export interface Recipe {
  /** `policy`: the policy file's `rebuild.steps`; `found`: recognised from the tag's files. */
  source: 'policy' | 'found';
  steps: RecipeStep[];
  /**
   * The folder, relative to the tag's top, that holds the rebuilt release once
   * every step ran (make distdir's); '' when the steps rebuild in place.
   */
  tree: string;
}

/** Where `make distdir` is asked to write: a name no project uses for itself. */
export const distdirName = '.cuckoo-distdir';

export interface TagFiles {
  has(path: string): boolean;
  executable(path: string): boolean;
  /** A hand-written Makefile.in (no Makefile.am) with a `distprep` rule: the project's own release preparation (OpenSSH's). */
  distprep?: boolean;
}

const run = (files: TagFiles, script: string, args = '') => `${files.executable(script) ? `./${script}` : `sh ./${script}`}${args ? ` ${args}` : ''}`;

/** gnulib's bootstrap: skip the translations (fetched from the network) and use the gnulib the tag pins when it has one. */
function bootstrapStep(files: TagFiles): RecipeStep {
  const conf = files.has('bootstrap.conf');
  const gnulib = files.has('gnulib/gnulib-tool') ? 'gnulib' : files.has('.gnulib/gnulib-tool') ? '.gnulib' : undefined;
  // Only gnulib's bootstrap knows these options: another project's passes them on (strace's, to autoreconf).
  const args = conf || gnulib ? ['--skip-po', ...(gnulib ? ['--no-git', `--gnulib-srcdir=${gnulib}`] : [])].join(' ') : '';
  return {
    name: 'bootstrap',
    command: run(files, 'bootstrap', args),
    why: gnulib
      ? `gnulib's bootstrap (bootstrap.conf), with the gnulib the tag pins (${gnulib}/)`
      : conf
        ? "gnulib's bootstrap (bootstrap.conf); the tag pins no gnulib, so bootstrap must find one (it cannot fetch: the sandbox has no network)"
        : "the project's bootstrap script",
  };
}

/** The steps that prepare a fresh checkout: the project's own script, or autoreconf. */
function prepare(files: TagFiles): RecipeStep[] {
  if (files.has('autogen.sh')) return [{ name: 'autogen.sh', command: run(files, 'autogen.sh'), why: "the project's own autogen.sh" }];
  if (files.has('bootstrap')) return [bootstrapStep(files)];
  if (files.has('buildconf')) return [{ name: 'buildconf', command: run(files, 'buildconf'), why: "the project's own buildconf" }];
  if (files.has('configure.ac') || files.has('configure.in')) {
    return [{ name: 'autoreconf', command: 'autoreconf -fi', why: 'configure.ac without a bootstrap script: autoreconf -fi, as its documentation says' }];
  }
  return [];
}

/** A policy step's name for the report: its program, with the target or subcommand of make, meson, sh and perl. */
function stepName(command: string): string {
  const words = command.trim().split(/\s+/);
  const first = words[0] ?? command;
  const second = words.slice(1).find((w) => !w.startsWith('-'));
  return ['make', 'meson', 'sh', 'bash', 'perl', 'python3'].includes(first) && second ? `${first} ${second}` : first;
}

/** The recipe for a tag's files; undefined when no shape is recognised. */
export function findRecipe(files: TagFiles, policy?: { steps: string[]; tree?: string }): Recipe | undefined {
  if (policy && policy.steps.length > 0) {
    return {
      source: 'policy',
      steps: policy.steps.map((command) => ({ name: stepName(command), command, why: 'named by the policy file (rebuild.steps)' })),
      tree: policy.tree ?? '',
    };
  }
  const autotools = files.has('configure.ac') || files.has('configure.in');
  if (autotools) {
    const steps = prepare(files);
    if (files.has('Makefile.am')) {
      steps.push(
        { name: 'configure', command: './configure', why: 'make dist needs a configured tree' },
        {
          name: 'make distdir',
          command: `make distdir distdir=${distdirName}`,
          why: 'the files make dist would archive (EXTRA_DIST, dist-hook, the generated files automake distributes)',
        },
      );
      return { source: 'found', steps, tree: distdirName };
    }
    if (files.distprep) {
      steps.push(
        { name: 'configure', command: './configure', why: 'make distprep needs a configured tree' },
        { name: 'make distprep', command: 'make distprep', why: "Makefile.in's own release preparation (distprep: rendered manuals, autoreconf)" },
      );
    }
    return { source: 'found', steps, tree: '' };
  }
  if (files.has('meson.build')) {
    // meson dist archives a git checkout: the export becomes one, with one commit.
    return {
      source: 'found',
      steps: [
        {
          name: 'git init',
          command: 'git init -q && git add -A && git -c user.name=cuckoo -c user.email=cuckoo@localhost commit -q -m export',
          why: 'meson dist archives a git checkout',
        },
        { name: 'meson setup', command: 'meson setup .cuckoo-build', why: 'meson dist needs a configured build folder' },
        { name: 'meson dist', command: 'meson dist -C .cuckoo-build --no-tests --allow-dirty --formats gztar', why: "meson's own release archive (dist scripts included)" },
        {
          name: 'unpack',
          command: `mkdir ${distdirName} && tar -xzf .cuckoo-build/meson-dist/*.tar.gz -C ${distdirName} --strip-components=1`,
          why: "the files of meson's archive, to compare",
        },
      ],
      tree: distdirName,
    };
  }
  const steps = prepare(files);
  return steps.length > 0 ? { source: 'found', steps, tree: '' } : undefined;
}
