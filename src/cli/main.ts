import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CuckooError, exitCodeFor } from '../errors.js';
import { version } from '../version.js';
import type { Io } from './io.js';
import { visible } from './render/visible.js';
import { cliDescription, registerCommands } from './commands.js';
import { exitCodesText } from './verify-command.js';
import { raiseInterruptBudget } from './compile-budget.js';
import { capYoungGeneration } from './young-generation.js';

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
const repeatable = new Set(['format', 'submodule', 'from-debian', 'from-rpm-spec', 'from-srcinfo', 'source', 'summary']);

const positionals = new Set(['release', 'manifest', 'source', 'summary']);

/**
 * yargs turns any repeated option into an array; for the others that is a
 * mistake to name, not a value to pass on (or to take the first or last of).
 */
function checkValues(args: Record<string, unknown>, y: { getOptions(): { string: string[] } }): void {
  const strings = new Set(y.getOptions().string);
  for (const [key, value] of Object.entries(args)) {
    if (/[A-Z]/.test(key) || key === '_' || key === '$0') continue;
    if (Array.isArray(value) && !repeatable.has(key)) throw new CuckooError('usage', `--${key} given ${value.length} times`, { hint: 'give it once' });
    // An empty value is most often an unset variable in a script (--previous "$PREV").
    if (value === '' && strings.has(key)) {
      const name = positionals.has(key) ? key.toUpperCase() : `--${key}`;
      throw new CuckooError('usage', `${name}: empty value`, { hint: positionals.has(key) ? 'name a file or URL' : 'give it a value, or leave the option out' });
    }
    if (value === false && strings.has(key) && key !== 'policy') throw new CuckooError('usage', `--no-${key} is not an option`, { hint: `leave --${key} out` });
  }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  try {
    await registerCommands(
      yargs(argv).scriptName('cuckoo').usage(`$0 <command> [options]\n\n${cliDescription}`),
      io,
      (code) => {
        exitCode = code;
      },
    )
      .middleware(checkValues as unknown as Parameters<ReturnType<typeof yargs>['middleware']>[0], true)
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
        const command = ['verify', 'rebuild', 'batch', 'knowledge', 'tools', 'completion'].find((c) => argv[0] === c);
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
  // A reader that stops early (`cuckoo verify … | head`) closes the pipe: the
  // rest of the output has nowhere to go, and the run still ends with its own
  // exit code, as `git log | head` does without a word.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  capYoungGeneration();
  raiseInterruptBudget();
  // Not awaited at the top: the bundle is loaded as a CommonJS script (load-bundle.ts), which has no top-level await.
  void runCli(hideBin(process.argv), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
    process.exitCode = code;
  });
}
