// One worker of scripts/test.mjs: runs the uvu test files it is sent, one at
// a time, in this process, and answers each with the file's output and counts.
//
// Messages in: { file } (a path under dist/test), { end: true }.
// Messages out: { ready: true }, then per file
//   { file, output, total, passed, skipped, failed, seconds }.
// Test files share this process as they would share one `uvu` run: modules
// load once, and a file's top-level code runs when the file's turn comes.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const testDir = process.argv[2];
// Deferred: test.run() only queues a file's suites, and exec() below runs them.
globalThis.UVU_DEFER = 1;
const uvu = await import('uvu');

const stdoutWrite = process.stdout.write;
const count = (text, name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text.replace(/\x1b\[[0-9;]*m/g, ''))?.[1] ?? 0);

async function runFile(file) {
  const started = performance.now();
  let output = '';
  // uvu and the tests write to stdout: what one file prints is sent whole, with its counts.
  process.stdout.write = (chunk, encoding, callback) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
  let failed = 0;
  try {
    globalThis.UVU_QUEUE.length = 0;
    globalThis.UVU_INDEX = 0;
    globalThis.UVU_QUEUE.push([file]);
    process.exitCode = undefined;
    try {
      await import(pathToFileURL(join(testDir, file)).href);
    } catch (err) {
      output += `${file}\n  could not load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
      failed = 1;
    }
    if (!failed) {
      await uvu.exec(false);
      // exec sets the exit code of the run: 1 when a test of this file failed.
      if (process.exitCode === 1) failed = Math.max(1, count(output, 'Total') - count(output, 'Passed'));
    }
  } finally {
    process.stdout.write = stdoutWrite;
  }
  process.exitCode = undefined;
  return { file, output, total: count(output, 'Total'), passed: count(output, 'Passed'), skipped: count(output, 'Skipped'), failed, seconds: (performance.now() - started) / 1000 };
}

process.on('message', async (message) => {
  if (message.end) {
    // Nothing more: the process ends when what the tests left open is closed, as a uvu run does.
    process.disconnect();
    return;
  }
  process.send(await runFile(message.file));
});
process.send({ ready: true });
