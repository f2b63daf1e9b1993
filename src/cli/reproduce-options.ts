/**
 * The reproduction flags, shared by verify and batch: whether generated files
 * are re-made by their generators, in which sandbox, and within what bounds.
 */
import type { Argv } from 'yargs';
import type { ReproduceOptions } from '../commands/reproduction.js';
import { CuckooError } from '../errors.js';
import { defaultSandboxLimits } from '../reproduce/sandbox.js';
import { parseCount, parseSize } from './parse.js';

export const reproduceFlags = ['reproduce', 'sandbox', 'reproduce-timeout', 'reproduce-memory', 'fetch-tools', 'gnu-mirror'] as const;

export function reproduceBuilder<T>(y: Argv<T>) {
  return y
    .option('reproduce', {
      type: 'boolean',
      default: true,
      describe: "re-run the generator of each generated file (configure, aclocal.m4, config.h.in, Makefile.in, bison parsers, flex scanners, what the tag's bootstrap script and Makefile.am rules write) in the sandbox and compare bytes (--no-reproduce: judge them by their shape only)",
    })
    .option('sandbox', { type: 'string', default: 'bwrap', describe: 'where generators run: bwrap (no network, read-only system), or none (unconfined: only for releases you trust)' })
    .option('reproduce-timeout', { type: 'string', default: defaultSandboxLimits.timeoutSeconds, describe: "seconds each generator (the tag's bootstrap script, run whole, among them) may run" })
    .option('reproduce-memory', { type: 'string', default: '2G', describe: 'address space each generator process may use' })
    .option('fetch-tools', {
      type: 'boolean',
      default: false,
      describe: "install a generator version the release names that is not here: GNU's release tarball, checked against its pinned sha256, built in the sandbox (as cuckoo tools install)",
    })
    .option('gnu-mirror', { type: 'string', describe: 'GNU mirror for --fetch-tools (default https://ftp.gnu.org/gnu)' });
}

export function parseReproduceOptions(args: {
  reproduce?: boolean;
  sandbox?: string;
  'reproduce-timeout'?: string | number;
  'reproduce-memory'?: string | number;
  'fetch-tools'?: boolean;
  'gnu-mirror'?: string;
}): ReproduceOptions {
  const sandbox = String(args.sandbox ?? 'bwrap');
  if (sandbox !== 'bwrap' && sandbox !== 'none') throw new CuckooError('usage', `--sandbox: unknown sandbox ${JSON.stringify(sandbox)}`, { hint: 'use bwrap, or none to run generators unconfined' });
  if (args['gnu-mirror'] !== undefined && args['fetch-tools'] !== true) {
    throw new CuckooError('usage', '--gnu-mirror: only used with --fetch-tools', { hint: 'add --fetch-tools, or leave --gnu-mirror out' });
  }
  if (args['fetch-tools'] === true && args.reproduce === false) {
    throw new CuckooError('usage', '--fetch-tools: nothing to fetch for with --no-reproduce', { hint: 'leave one of them out' });
  }
  return {
    reproduce: args.reproduce !== false,
    sandbox,
    reproduceTimeout: parseCount('--reproduce-timeout', args['reproduce-timeout'] ?? defaultSandboxLimits.timeoutSeconds, 1),
    reproduceMemory: parseSize('--reproduce-memory', args['reproduce-memory'] ?? '2G'),
    fetchTools: args['fetch-tools'] === true,
    ...(args['gnu-mirror'] !== undefined ? { gnuMirror: args['gnu-mirror'] } : {}),
  };
}
