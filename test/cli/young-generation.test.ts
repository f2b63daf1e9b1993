import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The command line's cap on V8's young generation (young-generation.ts), in
 * a process of its own (the flag it sets is the process's): a program that
 * keeps what it makes, and yields between batches as a run does, grows its
 * young generation to V8's maximum without the cap and no further than the
 * cap with it, also once a worker thread has started (V8 sets the growth
 * factor back when it makes the worker's heap). What is measured is the
 * heap's size, not time.
 */
const module = fileURLToPath(new URL('../../src/cli/young-generation.js', import.meta.url));
const cap = 4 * 1024 * 1024;

const program = `
import { getHeapSpaceStatistics } from 'node:v8';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
const { capYoungGeneration } = await import(${JSON.stringify(module)});
const [mode, withWorker] = process.argv.slice(1);
if (mode === 'cap') capYoungGeneration(${cap});
const keep = [];
let largest = 0;
let worker;
for (let round = 0; round < 400; round++) {
  if (withWorker === 'worker' && round === 100) {
    worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await once(worker, 'online');
  }
  for (let i = 0; i < 5000; i++) keep.push({ i, s: 'x' + i });
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  if (round === 99) console.log(largest);
}
await worker?.terminate();
console.log(largest);
`;

/** The young generation's largest size before the 100th round and over all 400. */
async function largestYoungGeneration(capped: boolean, worker = false): Promise<{ before: number; all: number }> {
  const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', program, capped ? 'cap' : 'free', worker ? 'worker' : 'none']);
  const [before, all] = stdout.trim().split('\n').map(Number);
  return { before: before!, all: all! };
}

test('the young generation grows past the cap without it, and stops at the cap with it', async () => {
  const free = (await largestYoungGeneration(false)).all;
  const capped = (await largestYoungGeneration(true)).all;
  assert.ok(free > cap, `without the cap it grew to ${free} bytes`);
  assert.ok(capped <= cap, `with the cap it grew to ${capped} bytes`);
  assert.ok(capped > 0);
});

test('a worker thread started after the young generation reached the cap does not undo it', async () => {
  const { before, all } = await largestYoungGeneration(true, true);
  assert.ok(before === cap, `the cap was reached before the worker started (${before} bytes)`);
  assert.ok(all <= cap, `after the worker started it grew to ${all} bytes`);
});

test.run();
