import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CuckooError, exitCodeFor } from '../errors.js';
import { version } from '../version.js';
import type { Io } from './io.js';
import { visible } from './render/visible.js';
import { batchBuilder } from './batch-command.js';
import { knowledgeBuilder } from './knowledge-command.js';
import { exitCodesText, runVerify, verifyBuilder } from './verify-command.js';

const epilog = `${exitCodesText}

Reports: text on a terminal; --format json, sarif, markdown or html, repeatable,
each to stdout or to a file (--format html=report.html). See cuckoo verify --help.`;

/** One line per error: what failed, then what to check. Stack traces only with CUCKOO_DEBUG=1. */
function reportError(err: unknown, io: Io): number {
  if (err instanceof CuckooError) {
    io.stderr.write(`cuckoo: ${visible(err.message)}${err.hint ? ` (${visible(err.hint)})` : ''}\n`);
    if (io.env.CUCKOO_DEBUG) io.stderr.write(`${err.stack}\n`);
    return exitCodeFor[err.code];
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`cuckoo: internal error: ${visible(message)} (set CUCKOO_DEBUG=1 for details and report it)\n`);
  if (io.env.CUCKOO_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
  return 3;
}

/** Options that may be given more than once (and positionals that take several values). */
const repeatable = new Set(['format', 'submodule', 'from-debian', 'fromDebian', 'source', 'summary', '_', '$0']);

/**
 * yargs turns any repeated option into an array; for the others that is a
 * mistake to name, not a value to pass on (or to take the first or last of).
 */
function refuseRepeats(args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    if (!Array.isArray(value) || repeatable.has(key) || /[A-Z]/.test(key)) continue;
    throw new CuckooError('usage', `--${key} given ${value.length} times`, { hint: 'give it once' });
  }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  try {
    await yargs(argv)
      .scriptName('cuckoo')
      .usage('$0 <command> [options]\n\nCheck a release archive against the git tag it claims to come from, and explain every difference.')
      .command(
        'verify <release>',
        'compare a release archive with its tag',
        (y) => verifyBuilder(y),
        async (args) => {
          exitCode = await runVerify(args, io);
        },
      )
      .command('batch', 'check many releases from a manifest; merge shard summaries', (y) =>
        batchBuilder(y, io, (code) => {
          exitCode = code;
        }),
      )
      .command('knowledge', 'manage your own library of known-good build-tool files', (y) =>
        knowledgeBuilder(y, io, (code) => {
          exitCode = code;
        }),
      )
      .middleware(refuseRepeats, true)
      .demandCommand(1, 'name a command: cuckoo verify RELEASE --repo REPO')
      .strict()
      .recommendCommands()
      .version(version)
      .help()
      .alias('help', 'h')
      .epilog(epilog)
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .fail((message, err) => {
        if (err) throw err;
        const command = ['verify', 'batch', 'knowledge'].find((c) => argv[0] === c);
        throw new CuckooError('usage', message, { hint: `see cuckoo ${command ? `${command} ` : ''}--help` });
      })
      .parseAsync();
  } catch (err) {
    return reportError(err, io);
  }
  return exitCode;
}

const isMain = process.argv[1] !== undefined && /(?:^|[\\/])(?:cuckoo(?:\.js)?|main\.js)$/.test(process.argv[1]);
if (isMain) {
  const code = await runCli(hideBin(process.argv), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  process.exitCode = code;
}
