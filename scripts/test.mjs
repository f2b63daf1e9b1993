#!/usr/bin/env node
// Runs the uvu suites compiled to dist/test and closes with one plain line,
// "tests: N passed, N failed", that any CI can read. Exit code is uvu's.
// Usage: node scripts/test.mjs [filter]   (filter: a regex on test file paths)
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CLI tests run bin/cuckoo.js, which loads the bundle (scripts/bundle.mjs):
// after a bare `tsc`, it is made again so that they never test stale code.
const root = fileURLToPath(new URL('..', import.meta.url));
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

const uvuBin = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
// An optional filter narrows the run: `node scripts/test.mjs git` runs dist/test/**/git*…/*.test.js.
const pattern = `${process.argv[2] ? `(${process.argv[2]}).*` : ''}\\.test\\.js$`;
// uvu sets FORCE_COLOR for its colours, which every child process would inherit.
const colour = process.env.FORCE_COLOR ? [] : ['--no-color'];
const child = spawn(process.execPath, ['--enable-source-maps', uvuBin, 'dist/test', pattern, ...colour], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: process.env.FORCE_COLOR ? process.env : { ...process.env, NO_COLOR: '1' },
});
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  // uvu's Total counts the tests that ran; skipped ones are apart.
  const failed = Math.max(0, total - passed);
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code === 0 && total > 0 && failed === 0 ? 0 : 1);
});
