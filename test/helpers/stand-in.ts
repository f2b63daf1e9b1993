import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './archives.js';

/**
 * Runs `run` with a shell script called `name` first on PATH, in a folder of
 * its own, and puts PATH back after. `script(dir)` is the script's body
 * (after `#!/bin/sh`); `dir`, that folder, is where it may write down what it
 * saw, and is given to `run` to read it.
 */
export async function withStandIn<T>(name: string, script: (dir: string) => string, run: (dir: string) => Promise<T>): Promise<T> {
  const dir = join(tempDir(), `stand-in-${name}-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir);
  await writeFile(join(dir, name), `#!/bin/sh\n${script(dir)}\n`);
  await chmod(join(dir, name), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${dir}:${saved}`;
  try {
    return await run(dir);
  } finally {
    process.env.PATH = saved;
  }
}

/** A stand-in body that writes down its arguments (one line a run, in `args`) and runs the real `tool`. */
export function loggingRun(tool: string): (dir: string) => string {
  return (dir) => `echo "$*" >> '${dir}/args'\nexec '${tool}' "$@"`;
}
