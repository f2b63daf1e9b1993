import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { ToolStream } from '../../src/release/tool-stream.js';
import { compress, tempDir } from '../helpers/archives.js';

/** Runs ToolStream with a fake `xz` (a shell script) first on PATH. */
async function withFakeXz(script: string, input: Buffer): Promise<unknown> {
  const dir = join(tempDir(), `fake-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir);
  await writeFile(join(dir, 'xz'), `#!/bin/sh\n${script}\n`);
  await chmod(join(dir, 'xz'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${dir}:${saved}`;
  try {
    await pipeline(Readable.from([input]), new ToolStream('xz', 'xz', 'rel.tar.xz'), async (out: AsyncIterable<Buffer>) => {
      for await (const _ of out) void _;
    });
    return undefined;
  } catch (err) {
    return err;
  } finally {
    process.env.PATH = saved;
  }
}

test('the real tool: output, then a clean end', async () => {
  const data = Buffer.from('some data '.repeat(10000));
  const out: Buffer[] = [];
  await pipeline(Readable.from([await compress(data, 'xz')]), new ToolStream('xz', 'xz', 'x.xz'), async (s: AsyncIterable<Buffer>) => {
    for await (const chunk of s) out.push(chunk);
  });
  assert.ok(Buffer.concat(out).equals(data));
});

test('bad data: an input error with the tool\'s first message line', async () => {
  const err = await withFakeXz('cat > /dev/null; echo "xz: (stdin): File format not recognized" >&2; echo "second line" >&2; exit 1', Buffer.from('x'));
  assert.instance(err, CuckooError);
  assert.is((err as CuckooError).code, 'input');
  assert.is((err as CuckooError).message, 'rel.tar.xz: corrupt or truncated xz data: xz: (stdin): File format not recognized');
});

test('out of memory is the machine\'s problem: a tool error', async () => {
  const err = await withFakeXz('cat > /dev/null; echo "xz: Cannot allocate memory" >&2; exit 1', Buffer.from('x'));
  assert.is((err as CuckooError).code, 'tool');
  assert.is((err as CuckooError).message, 'rel.tar.xz: xz failed: xz: Cannot allocate memory');
});

test('killed by a signal: a tool error', async () => {
  const err = await withFakeXz('kill -9 $$', Buffer.from('x'));
  assert.is((err as CuckooError).code, 'tool');
  assert.is((err as CuckooError).message, 'rel.tar.xz: xz was killed by SIGKILL');
});

test('a tool that stops reading early does not hang the writer', async () => {
  // 8 MB into a tool that exits at once: the pipe breaks, the exit status explains.
  const err = await withFakeXz('echo "xz: (stdin): Compressed data is corrupt" >&2; exit 1', Buffer.alloc(8 * 1024 * 1024, 1));
  assert.is((err as CuckooError).code, 'input');
  assert.match((err as CuckooError).message, /Compressed data is corrupt$/);
});

test.run();
