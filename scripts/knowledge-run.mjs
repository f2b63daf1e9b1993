// What the knowledge build scripts (build-knowledge.mjs, build-variants.mjs) share:
// reading an option, and running a tool with its error output in the message.
import { execFileSync } from 'node:child_process';

/** The value after `name` in args, or undefined. */
export function option(args, name) {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

/** A tool's standard output (utf8 unless opts.encoding says otherwise); its standard error in the message when it fails. */
export function run(cmd, argv, opts = {}) {
  try {
    const stdin = opts.input === undefined ? 'ignore' : 'pipe';
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: [stdin, 'pipe', 'pipe'], maxBuffer: 1 << 26, ...opts });
  } catch (err) {
    throw new Error(`${cmd} ${argv.join(' ')}: ${err.stderr || err.stdout || err.message}`);
  }
}
