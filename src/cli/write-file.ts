import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CuckooError } from '../errors.js';

/**
 * Write a report atomically: a temp file in the same folder, then rename, so a
 * CI job that picks up the file never reads half a report, and an old report
 * is replaced whole or not at all. Failures are usage errors naming the flag
 * (exit 2): the path given was not writable.
 */
export function writeReportFile(file: string, text: string, flag: string, cwd: string = process.cwd()): void {
  const target = resolve(cwd, file);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new CuckooError('usage', `${flag}: cannot write ${file} (${why})`, { hint: 'check the path and its permissions' });
  }
}
