/**
 * The rebuild flags of verify (and of cuckoo rebuild, which always rebuilds):
 * run the project's release steps on the tag in the sandbox, within one time
 * budget, with the tool versions the release names.
 */
import type { Argv } from 'yargs';
import { defaultRebuildTimeout, type RebuildOptions } from '../commands/rebuild-side.js';
import { CuckooError } from '../errors.js';
import { parseCount } from './parse.js';

export const rebuildFlags = ['rebuild', 'rebuild-timeout', 'rebuild-nearest', 'keep'] as const;

export function rebuildBuilder<T>(y: Argv<T>) {
  return y
    .option('rebuild', {
      type: 'boolean',
      default: false,
      describe: "also rebuild the release from the tag: the project's own steps (autogen.sh or bootstrap, configure, make distdir) in the sandbox, and each differing file compared with what they wrote",
    })
    .option('rebuild-timeout', { type: 'string', default: defaultRebuildTimeout, describe: 'seconds the whole rebuild may take' })
    .option('rebuild-nearest', {
      type: 'boolean',
      default: false,
      describe: 'rebuild with the nearest autoconf, automake, libtool or gettext here when the version the release names is not (each file they write is marked)',
    })
    .option('keep', { type: 'boolean', default: false, describe: "keep the rebuild's scratch folder under the cache (the report names it)" });
}

export function parseRebuildOptions(args: { rebuild?: boolean; 'rebuild-timeout'?: string | number; 'rebuild-nearest'?: boolean; keep?: boolean; reproduce?: boolean }, always = false): RebuildOptions {
  const rebuild = always || args.rebuild === true;
  if (!rebuild) {
    for (const flag of ['rebuild-nearest', 'keep'] as const) {
      if (args[flag] === true) throw new CuckooError('usage', `--${flag}: only used with --rebuild`, { hint: 'add --rebuild, or leave it out' });
    }
    return {};
  }
  return {
    rebuild: true,
    rebuildTimeout: parseCount('--rebuild-timeout', args['rebuild-timeout'] ?? defaultRebuildTimeout, 1),
    rebuildNearest: args['rebuild-nearest'] === true,
    keep: args.keep === true,
  };
}
