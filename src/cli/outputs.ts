import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CuckooError } from '../errors.js';

/** The report formats `--format` accepts, in the order `--help` lists them. */
export const formatNames = ['text', 'json', 'sarif', 'markdown', 'html'] as const;
export type FormatName = (typeof formatNames)[number];

/** One report to write: to stdout when `file` is absent. */
export interface OutputTarget {
  format: FormatName;
  file?: string;
  /** The flag as given, for error messages. */
  flag: string;
}

function isFormatName(value: string): value is FormatName {
  return (formatNames as readonly string[]).includes(value);
}

/**
 * `--format NAME` or `--format NAME=FILE`, repeatable. At most one report goes
 * to stdout: two would interleave into something no reader can parse. A
 * missing folder is an error here, before the comparison runs, rather than
 * after minutes of work (and we never create folders the user did not ask for).
 */
export function parseOutputs(values: readonly string[], cwd: string = process.cwd()): OutputTarget[] {
  const targets: OutputTarget[] = [];
  for (const value of values.length === 0 ? ['text'] : values) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    const flag = `--format ${value}`;
    if (!isFormatName(name)) {
      throw new CuckooError('usage', `--format: unknown format ${JSON.stringify(name)}`, { hint: `use one of ${formatNames.join(', ')}, each optionally =FILE` });
    }
    if (eq === -1) {
      targets.push({ format: name, flag });
      continue;
    }
    const file = value.slice(eq + 1);
    if (file === '') throw new CuckooError('usage', `${flag}: no file after "="`, { hint: `write --format ${name} for stdout or --format ${name}=FILE` });
    const folder = dirname(resolve(cwd, file));
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new CuckooError('usage', `${flag}: folder ${dirname(file)} does not exist`, { hint: 'create it first; cuckoo does not create folders' });
    }
    targets.push({ format: name, file, flag });
  }
  const toStdout = targets.filter((t) => t.file === undefined);
  if (toStdout.length > 1) {
    throw new CuckooError('usage', `${toStdout.map((t) => t.flag).join(' and ')} would both print to stdout`, {
      hint: 'give all but one a file: --format NAME=FILE',
    });
  }
  const files = new Map<string, string>();
  for (const t of targets) {
    if (t.file === undefined) continue;
    const key = resolve(cwd, t.file);
    const earlier = files.get(key);
    if (earlier) throw new CuckooError('usage', `${earlier} and ${t.flag} write the same file`, { hint: 'give each format its own file' });
    files.set(key, t.flag);
  }
  return targets;
}
