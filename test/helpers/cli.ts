import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (tests run from dist/test/…). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real `bin/cuckoo.js` in a child process, from the project root, with a
 * private cache folder and no colour unless the caller's env asks for it.
 */
export function runCuckoo(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; cacheHome?: string } = {}): Promise<CliResult> {
  // A private cache per run unless the caller brings one (and then cleans it).
  const ownCache = options.cacheHome === undefined;
  const cacheHome = options.cacheHome ?? mkdtempSync(join(tmpdir(), 'cuckoo-test-cache-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/cuckoo.js'), ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (ownCache) rmSync(cacheHome, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}
