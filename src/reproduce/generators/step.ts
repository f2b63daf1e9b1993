import type { ToolName } from '../tools.js';

/** A project folder with its configure.ac, and what reproduction found there. */
export interface RootPlan {
  /** The folder, relative to the release's top ('' for the top). */
  root: string;
  /** Absolute path of that folder in the scratch tree. */
  cwd: string;
  /** Absolute path of a folder for outputs a step writes beside the tree. */
  out: string;
  /** `-I DIR` pairs of ACLOCAL_AMFLAGS, as the top Makefile.am (or Makefile.in) gives them. */
  aclocalFlags: string[];
  /** `--foreign`, `--gnu` or `--cygnus`: the strictness the release's Makefile.in files record where their Makefile.am sets none (projects.ts, strictnessOf). */
  strictness?: string;
}

/** One generator: which files it writes, and how it is run on the release's inputs. */
export interface GeneratorStep {
  generator: 'aclocal' | 'autoconf' | 'autoheader' | 'automake' | 'bison' | 'flex';
  tool: ToolName;
  program: string;
  /** The header the generator writes, in a file's first 2 KiB; group 1 is its version when it states one. */
  header: RegExp;
  /** The version from the header's match, when group 1 alone is not it (flex's three defines). */
  versionOf?: (match: RegExpExecArray) => string;
  /** Whether `path` may be this generator's output (`has`: whether the release has a path). */
  writes(path: string, plan: RootPlan, has?: (path: string) => boolean): boolean;
  /** The file names its outputs can have: `writes` is false for a path whose last segment does not match. */
  names: RegExp;
  /** Written where it lies in the tree: the release's copy is left out of the layout. */
  inPlace: boolean;
  /** Run once per file (bison, one grammar each), not once per project folder. */
  perFile?: boolean;
  /** The command line, given the program's absolute path. */
  argv(program: string, plan: RootPlan): string[];
  /** Where the regenerated copy of `path` (relative to the release's top) is once the step ran. */
  output(path: string, plan: RootPlan, tree: string): string;
}

/** The header of `step` in a file's first bytes, with the version it states (undefined when it states none); undefined without it. */
export function headerOf(step: Pick<GeneratorStep, 'header' | 'versionOf'>, head: string): { version: string | undefined } | undefined {
  const match = step.header.exec(head);
  return match ? { version: step.versionOf ? step.versionOf(match) : match[1] } : undefined;
}

export const within = (path: string, root: string) => (root ? path.startsWith(`${root}/`) : true);
export const relative = (path: string, root: string) => (root ? path.slice(root.length + 1) : path);
