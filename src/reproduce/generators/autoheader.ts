import { join } from 'node:path';
import type { GeneratorStep } from './step.js';

/**
 * The template of configure.ac's first AC_CONFIG_HEADERS (config.h.in, or the
 * name it gives). autoheader leaves an unchanged template untouched, so the
 * release's copies are left out of the layout and it writes them anew.
 */
export const autoheader: GeneratorStep = {
  generator: 'autoheader',
  tool: 'autoconf',
  program: 'autoheader',
  header: /^\/\* \S+\.\s+Generated from configure\.(?:ac|in) by autoheader\./m,
  writes: (path) => /\.h\.in$|\.hin$|^config\.in$|\/config\.in$/.test(path),
  names: /\.h\.in$|\.hin$|^config\.in$/,
  inPlace: true,
  argv: (program) => [program, '--force'],
  output: (path, _plan, tree) => join(tree, ...path.split('/')),
};
