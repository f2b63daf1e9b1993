import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { xzBlockCount } from '../../src/release/xz-layout.js';
import { tempDir } from '../helpers/archives.js';

const data = Buffer.from(Array.from({ length: 40000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}\n`).join(''));

async function xz(args: string[], input: Buffer = data): Promise<Buffer> {
  return Buffer.from((await execa('xz', [...args, '-c'], { input, encoding: 'buffer' })).stdout);
}

async function saved(bytes: Buffer): Promise<string> {
  const path = join(tempDir(), `layout-${Math.random().toString(36).slice(2)}.xz`);
  await writeFile(path, bytes);
  return path;
}

/** The number of blocks xz itself lists. */
async function listed(path: string): Promise<number> {
  return (await execa('xz', ['--robot', '-lv', path])).stdout.split('\n').filter((line) => line.startsWith('block\t')).length;
}

test('one block, and several: the count xz lists', async () => {
  const one = await saved(await xz(['-T1']));
  assert.is(xzBlockCount(one), 1);
  assert.is(await listed(one), 1);
  const several = await saved(await xz(['-T2', '--block-size=64KiB']));
  const count = await listed(several);
  assert.ok(count > 4, `${count} blocks`);
  assert.is(xzBlockCount(several), count);
});

test('stream padding after the footer is looked through', async () => {
  const padded = await saved(Buffer.concat([await xz(['-T1']), Buffer.alloc(8)]));
  await execa('xz', ['-t', padded]);
  assert.is(xzBlockCount(padded), 1);
});

test('an empty stream has no blocks', async () => {
  assert.is(xzBlockCount(await saved(await xz([], Buffer.alloc(0)))), 0);
});

test('two streams of one block each: not known from the last index alone', async () => {
  const one = await xz(['-T1']);
  const two = await saved(Buffer.concat([one, one]));
  assert.is(await listed(two), 2);
  assert.is(xzBlockCount(two), undefined);
});

test('a truncated file, a file that is not xz, and no file: not known', async () => {
  const whole = await xz(['-T1']);
  assert.is(xzBlockCount(await saved(whole.subarray(0, whole.length - 5))), undefined);
  assert.is(xzBlockCount(await saved(whole.subarray(0, 100))), undefined);
  assert.is(xzBlockCount(await saved(Buffer.from('not an xz file at all, just some text\n'))), undefined);
  assert.is(xzBlockCount(await saved(Buffer.alloc(0))), undefined);
  assert.is(xzBlockCount(join(tempDir(), 'no-such-file.xz')), undefined);
});

test('a footer whose index size points before the stream header: not known', async () => {
  const bytes = Buffer.from(await xz(['-T1']));
  // Backward size (after the footer's CRC32) set to the largest value.
  bytes.writeUInt32LE(0xffffffff, bytes.length - 8);
  assert.is(xzBlockCount(await saved(bytes)), undefined);
});

test.run();
