import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The command line's cap on V8's young generation (young-generation.ts), in
 * a process of its own (the flag it sets is the process's): a program that
 * keeps what it makes, and yields between batches as a run does, grows its
 * young generation to V8's maximum without the cap and no further than the
 * cap with it. What is measured is the heap's size, not time.
 */
const module = fileURLToPath(new URL('../../src/cli/young-generation.js', import.meta.url));
const cap = 4 * 1024 * 1024;

const program = `
import { getHeapSpaceStatistics } from 'node:v8';
const { capYoungGeneration } = await import(${JSON.stringify(module)});
if (process.argv[1] === 'cap') capYoungGeneration(${cap});
const keep = [];
let largest = 0;
for (let round = 0; round < 400; round++) {
  for (let i = 0; i < 5000; i++) keep.push({ i, s: 'x' + i });
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
console.log(largest);
`;

async function largestYoungGeneration(capped: boolean): Promise<number> {
  const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', program, capped ? 'cap' : 'free']);
  return Number(stdout.trim());
}

test('the young generation grows past the cap without it, and stops at the cap with it', async () => {
  const free = await largestYoungGeneration(false);
  const capped = await largestYoungGeneration(true);
  assert.ok(free > cap, `without the cap it grew to ${free} bytes`);
  assert.ok(capped <= cap, `with the cap it grew to ${capped} bytes`);
  assert.ok(capped > 0);
});

test.run();
