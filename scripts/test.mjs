#!/usr/bin/env node
// Runs the uvu suites compiled to dist/test and closes with one plain line,
// "tests: N passed, N failed, N skipped", that any CI can read.
//
// The test files go to worker processes (one per core, or --jobs N /
// CUCKOO_TEST_JOBS; scripts/test-worker.mjs), heaviest first by the rough
// costs in scripts/test-weights.json, each file to the next worker that is
// free. Each file's output is printed whole once the file is done; the
// files' totals are added up into the closing line. Exit code: 0 when every
// file passed and at least one test ran, else 1.
//
// Usage: node scripts/test.mjs [--jobs N] [--times] [--save-weights] [filter]
//   filter          a regex on test file paths: `git` runs dist/test/**/git*…/*.test.js
//   --times         print each file's duration at the end, slowest first
//   --save-weights  write the durations of this (whole) run to scripts/test-weights.json
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

// The CLI tests run bin/cuckoo.js, which loads the bundle (scripts/bundle.mjs):
// after a bare `tsc`, it is made again so that they never test stale code.
const newest = (dir) => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
const bundled = (() => {
  try {
    return statSync(join(root, 'dist/cli/cuckoo.cjs')).mtimeMs;
  } catch {
    return 0;
  }
})();
if (bundled < newest(join(root, 'dist/src'))) {
  const made = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(1);
}
const testDir = join(root, 'dist/test');
const weightsFile = join(root, 'scripts/test-weights.json');

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const showTimes = flag('--times');
const saveWeights = flag('--save-weights');
const jobsArg = option('--jobs') ?? process.env.CUCKOO_TEST_JOBS;
const filter = args[0];

// The files uvu would pick for this filter (its pattern is a case-insensitive regex on the path under dist/test).
const pattern = new RegExp(`${filter ? `(${filter}).*` : ''}\\.test\\.js$`, 'i');
const files = readdirSync(testDir, { recursive: true })
  .map((f) => String(f).split('\\').join('/'))
  .filter((f) => pattern.test(f))
  .sort();
if (files.length === 0) {
  console.log(`no test file matches ${filter ?? '*.test.js'} under ${relative(root, testDir)}`);
  console.log('\ntests: 0 passed, 0 failed, 0 skipped');
  process.exit(1);
}

// Rough seconds per file; a file not in the table counts as an average small one.
const weights = existsSync(weightsFile) ? JSON.parse(readFileSync(weightsFile, 'utf8')) : {};
const weightOf = (f) => weights[f] ?? 1;
const jobs = Math.max(1, Math.min(files.length, Number(jobsArg) || availableParallelism()));
// Heaviest first, each to the next free worker: a slow file starts early, and
// the light ones fill in around it whatever the weights got wrong.
const queue = [...files].sort((a, b) => weightOf(b) - weightOf(a) || (a < b ? -1 : 1));

const env = { ...process.env };
if (!env.FORCE_COLOR) env.NO_COLOR = '1';
// Results the workers can share (the samples' reproduction runs): one folder for this run.
const shared = mkdtempSync(join(tmpdir(), 'cuckoo-test-shared-'));
env.CUCKOO_TEST_SHARED = shared;

const durations = {};
const failedFiles = [];
const totals = { total: 0, passed: 0, skipped: 0, failed: 0 };

// uvu closes each file's output with its own totals; the closing line adds them up.
const report = (result) => {
  durations[result.file] = result.seconds;
  for (const key of Object.keys(totals)) totals[key] += result[key];
  if (result.failed > 0) failedFiles.push(result.file);
  const block = result.output
    .split('\n')
    .filter((line) => !/^\s*(Total|Passed|Skipped|Duration):/.test(line.replace(/\x1b\[[0-9;]*m/g, '')))
    .join('\n')
    .trimEnd();
  if (block) process.stdout.write(`${block}\n\n`);
};

/** One worker process: takes files from the queue until it is empty; a worker that dies fails its file, and another takes its place. */
function runWorker() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'scripts/test-worker.mjs'), testDir], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env,
    });
    let current;
    const next = () => {
      current = queue.shift();
      if (current === undefined) child.send({ end: true });
      else child.send({ file: current });
    };
    child.on('message', (message) => {
      if (!message.ready) report(message);
      next();
    });
    child.on('exit', (code, signal) => {
      if (current !== undefined) {
        report({ file: current, output: `${current}\n  the worker ended (${signal ?? `exit ${code}`}) while this file ran\n`, total: 0, passed: 0, skipped: 0, failed: 1, seconds: 0 });
        resolve(runWorker());
      } else resolve();
    });
  });
}

const began = performance.now();
await Promise.all(Array.from({ length: jobs }, runWorker));
rmSync(shared, { recursive: true, force: true });

const { passed, skipped, failed } = totals;
const seconds = (performance.now() - began) / 1000;

if (showTimes) {
  console.log('\nseconds per file, slowest first:');
  for (const [f, s] of Object.entries(durations).sort((a, b) => b[1] - a[1])) console.log(`${s.toFixed(1).padStart(8)}  ${f}`);
}
if (saveWeights) {
  const merged = { ...(filter ? weights : {}), ...Object.fromEntries(Object.entries(durations).map(([f, s]) => [f, Math.max(0.1, Math.round(s * 10) / 10)])) };
  writeFileSync(weightsFile, `${JSON.stringify(Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1))), null, 1)}\n`);
  console.log(`\nwrote ${relative(root, weightsFile)}`);
}
if (failedFiles.length > 0) console.log(`\nfailed in: ${failedFiles.join(' ')}`);
console.log(`\n${files.length} files in ${jobs} worker${jobs === 1 ? '' : 's'}, ${seconds.toFixed(1)} s`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
const ok = totals.total > 0 && failed === 0 && failedFiles.length === 0;
process.exit(ok ? 0 : 1);
