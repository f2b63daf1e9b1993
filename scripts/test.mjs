#!/usr/bin/env node
// Runs the uvu suites compiled to dist/test and closes with one plain line,
// "tests: N passed, N failed", that any CI can read. Exit code is uvu's.
// Usage: node scripts/test.mjs [filter]   (filter: a regex on test file paths)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
