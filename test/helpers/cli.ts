import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
  // Reproduction results are shared by the private caches of one test process:
  // the samples' generators then run once, not in every test that verifies them.
  if (ownCache) seedReproduction(cacheHome);
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
      if (ownCache) {
        keepReproduction(cacheHome);
        rmSync(cacheHome, { recursive: true, force: true });
      }
      resolve({ code, stdout, stderr });
    });
  });
}

const sharedReproduction = join(tmpdir(), `cuckoo-test-reproduce-${process.pid}`);
process.on('exit', () => rmSync(sharedReproduction, { recursive: true, force: true }));

function seedReproduction(cacheHome: string): void {
  if (!existsSync(sharedReproduction)) return;
  mkdirSync(join(cacheHome, 'cuckoo'), { recursive: true });
  cpSync(sharedReproduction, join(cacheHome, 'cuckoo', 'reproduce'), { recursive: true });
}

function keepReproduction(cacheHome: string): void {
  const made = join(cacheHome, 'cuckoo', 'reproduce');
  if (existsSync(made)) cpSync(made, sharedReproduction, { recursive: true, force: false, errorOnExist: false });
}
