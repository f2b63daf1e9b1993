import { aclocal } from './aclocal.js';
import { autoconf } from './autoconf.js';
import { autoheader } from './autoheader.js';
import { automake } from './automake.js';
import { bison, flex } from './parsers.js';
import type { GeneratorStep } from './step.js';

/**
 * In the order autoreconf runs them. Each reads the release's own inputs
 * (aclocal.m4 included), never another step's output, so each file is
 * reproduced from what the release ships. bison and flex last, one source
 * file at a time.
 */
export const generatorSteps: readonly GeneratorStep[] = [aclocal, autoconf, autoheader, automake, bison, flex];

const anyName = new RegExp(generatorSteps.map((s) => `(?:${s.names.source})`).join('|'));

/**
 * Whether some step can write a file of this name: a release's files are
 * tens of thousands, and few of them are any step's output.
 */
export const mayBeGenerated = (name: string) => anyName.test(name);
