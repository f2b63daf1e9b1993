#!/usr/bin/env node
// Runs the uvu suites compiled to dist/test and closes with one plain line,
// "tests: N passed, N failed, N skipped", that any CI can read.
//
// The test files are shared out between worker processes (one per core, or
// --jobs N / CUCKOO_TEST_JOBS), heaviest first by the rough costs in
// scripts/test-weights.json, each worker one uvu run over its files. Each
// file's output is printed whole once the file is done; the workers' totals
// are added up into the closing line. Exit code: 0 when every worker passed
// and at least one test ran, else 1.
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
    return statSync(join(root, 'dist/cli/cuckoo.mjs')).mtimeMs;
  } catch {
    return 0;
  }
})();
if (bundled < newest(join(root, 'dist/src'))) {
  const made = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(1);
}
const uvuBin = join(root, 'node_modules/uvu/bin.js');
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
const shards = Array.from({ length: jobs }, () => ({ files: [], weight: 0 }));
for (const f of [...files].sort((a, b) => weightOf(b) - weightOf(a) || (a < b ? -1 : 1))) {
  const lightest = shards.reduce((min, s) => (s.weight < min.weight ? s : min));
  lightest.files.push(f);
  lightest.weight += weightOf(f);
}

// uvu sets FORCE_COLOR for its colours, which every child process would inherit.
const colour = process.env.FORCE_COLOR ? [] : ['--no-color'];
const env = process.env.FORCE_COLOR ? { ...process.env } : { ...process.env, NO_COLOR: '1' };
// Results the workers can share (the samples' reproduction runs): one folder for this run.
const shared = mkdtempSync(join(tmpdir(), 'cuckoo-test-shared-'));
env.CUCKOO_TEST_SHARED = shared;

const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const durations = {};
const failedFiles = [];

function runShard(shard, index) {
  return new Promise((resolve) => {
    const only = `^(?:${shard.files.map(escape).join('|')})$`;
    const child = spawn(process.execPath, ['--enable-source-maps', uvuBin, testDir, only, ...colour], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    const names = new Set(shard.files);
    let all = '';
    let pending = '';
    // The output of the file running now: printed whole when the next one starts, or at the end.
    let block = '';
    let current;
    let started = performance.now();
    const flush = () => {
      if (current !== undefined) {
        durations[current] = (performance.now() - started) / 1000;
        // uvu closes each suite's line with (passed / total).
        const short = [...plain(block).matchAll(/\((\d+) \/ (\d+)\)$/gm)].some(([, a, b]) => a !== b);
        if (short) failedFiles.push(current);
      }
      if (block.trim()) process.stdout.write(block.endsWith('\n') ? block : `${block}\n`);
      block = '';
    };
    child.stdout.on('data', (chunk) => {
      all += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const text = plain(line).trim();
        if (names.has(text)) {
          flush();
          current = text;
          started = performance.now();
        } else if (/^Total:\s+\d+/.test(text)) {
          flush();
          current = undefined;
        }
        if (current !== undefined || !/^(Total|Passed|Skipped|Duration):/.test(text)) block += `${line}\n`;
      }
    });
    child.on('close', (code, signal) => {
      block += pending;
      flush();
      const out = plain(all);
      const count = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(out)?.[1] ?? 0);
      const done = { code, signal, total: count('Total'), passed: count('Passed'), skipped: count('Skipped') };
      if (!/Total:\s+\d+/.test(out)) console.log(`worker ${index + 1} of ${jobs} ended (${signal ?? `exit ${code}`}) before its summary; its files: ${shard.files.join(' ')}`);
      resolve(done);
    });
  });
}

const began = performance.now();
const results = await Promise.all(shards.map(runShard));
rmSync(shared, { recursive: true, force: true });

const total = results.reduce((n, r) => n + r.total, 0);
const passed = results.reduce((n, r) => n + r.passed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
// uvu's Total counts the tests that ran; skipped ones are apart.
const failed = Math.max(0, total - passed);
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
const ok = results.every((r) => r.code === 0) && total > 0 && failed === 0;
process.exit(ok ? 0 : 1);
