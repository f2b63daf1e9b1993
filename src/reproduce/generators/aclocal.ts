import { join } from 'node:path';
import type { GeneratorStep } from './step.js';
import { relative } from './step.js';

/**
 * aclocal.m4 from configure.ac, the release's m4 folders (ACLOCAL_AMFLAGS) and
 * the macros installed with the tools. Written beside the tree: the release's
 * aclocal.m4 stays an input of autoconf, autoheader and automake.
 */
export const aclocal: GeneratorStep = {
  generator: 'aclocal',
  tool: 'automake',
  program: 'aclocal',
  header: /^# generated automatically by aclocal ([\d.]+[a-z]?)/m,
  writes: (path, plan) => relative(path, plan.root) === 'aclocal.m4',
  names: /^aclocal\.m4$/,
  inPlace: false,
  argv: (program, plan) => [program, ...plan.aclocalFlags, `--output=${join(plan.out, 'aclocal.m4')}`],
  output: (_path, plan) => join(plan.out, 'aclocal.m4'),
};
