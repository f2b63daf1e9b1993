import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
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

const helps = new Map<string, Promise<CliResult>>();

/**
 * `cuckoo WORDS --help` as bin/cuckoo.js prints it (yargs ends the process
 * after --help, so it runs in a child), once per test process: the text
 * depends on nothing a test sets, and several files read the same page.
 */
export function cuckooHelp(words: string[]): Promise<CliResult> {
  const key = words.join(' ');
  let help = helps.get(key);
  if (!help) helps.set(key, (help = runCuckoo([...words, '--help'])));
  return help;
}

/**
 * The same command run by `runCli` in this process, with what `runCuckoo` gives
 * a child: the project root as the working folder (the test runner's) unless
 * `cwd` names another (this process moves there for the run, and back), a
 * private cache, no colour unless asked, and the same small environment.
 * For tests of what a command prints and returns; what needs a process of its
 * own (signals, the exit code bin/cuckoo.js sets, colour picked from the
 * environment at start) stays with runCuckoo.
 */
export async function runCuckooHere(args: string[], options: { env?: NodeJS.ProcessEnv; cacheHome?: string; cwd?: string } = {}): Promise<CliResult> {
  const home = root.replace(/\/$/, '');
  if (process.cwd() !== home) throw new Error(`runCuckooHere runs from the project root, not ${process.cwd()}`);
  // yargs ends the process after --help and --version: those run in a child (runCuckoo).
  if (args.some((a) => a === '--help' || a === '-h' || a === '--version')) throw new Error('runCuckooHere: --help and --version end the process; use runCuckoo');
  const { runCli } = await import('../../src/cli/main.js');
  const ownCache = options.cacheHome === undefined;
  const cacheHome = options.cacheHome ?? mkdtempSync(join(tmpdir(), 'cuckoo-test-cache-'));
  if (ownCache) seedReproduction(cacheHome);
  let stdout = '';
  let stderr = '';
  // Test files run one at a time in a worker, and their tests one after another: nothing else here needs the folder meanwhile.
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await runCli(args, {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome, ...options.env },
    });
    return { code, stdout, stderr };
  } finally {
    if (options.cwd) process.chdir(home);
    if (ownCache) {
      keepReproduction(cacheHome);
      rmSync(cacheHome, { recursive: true, force: true });
    }
  }
}

// The folder scripts/test.mjs makes for its workers, else one for this process.
const sharedReproduction = process.env.CUCKOO_TEST_SHARED ? join(process.env.CUCKOO_TEST_SHARED, 'reproduce') : join(tmpdir(), `cuckoo-test-reproduce-${process.pid}`);
if (!process.env.CUCKOO_TEST_SHARED) process.on('exit', () => rmSync(sharedReproduction, { recursive: true, force: true }));

/** Copies the reproduction results other tests of this run have kept into the cache folder under `cacheHome` (XDG_CACHE_HOME). */
export function seedReproduction(cacheHome: string): void {
  seedReproductionCache(join(cacheHome, 'cuckoo'));
}

/**
 * What a run keeps in `<cache>/reproduce` that the next private cache may
 * start with: the results (by their inputs) and the generators' versions (by
 * program path, size, mtime and inode: five perl start-ups a run otherwise).
 */
const shareable = (name: string) => name.endsWith('.run.gz') || name === 'versions.json';

/** The same for a cuckoo cache folder itself (--cache-dir, VerifyOptions.cacheDir). */
export function seedReproductionCache(cacheDir: string): void {
  if (!existsSync(sharedReproduction)) return;
  const into = join(cacheDir, 'reproduce');
  mkdirSync(into, { recursive: true });
  for (const name of readdirSync(sharedReproduction)) if (shareable(name)) copyFileSync(join(sharedReproduction, name), join(into, name));
}

/** Keeps the new reproduction results of `cacheHome` for the other tests; each goes in by rename, so a worker seeding its cache never copies half of one. */
export function keepReproduction(cacheHome: string): void {
  keepReproductionCache(join(cacheHome, 'cuckoo'));
}

/** The same for a cuckoo cache folder itself. */
export function keepReproductionCache(cacheDir: string): void {
  const made = join(cacheDir, 'reproduce');
  if (!existsSync(made)) return;
  mkdirSync(sharedReproduction, { recursive: true });
  for (const name of readdirSync(made)) {
    const to = join(sharedReproduction, name);
    // versions.json grows as runs meet other programs: the newest copy is kept.
    if (!shareable(name) || (existsSync(to) && name !== 'versions.json')) continue;
    const temp = `${to}.${process.pid}.tmp`;
    copyFileSync(join(made, name), temp);
    renameSync(temp, to);
  }
}
