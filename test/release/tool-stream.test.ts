import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, getPriority } from 'node:os';
import { join } from 'node:path';
import { type Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { CuckooError } from '../../src/errors.js';
import { findOnPath, pickDecoder, xzOptionsFor } from '../../src/release/decompress.js';
import { programVersion } from '../../src/reproduce/tools.js';
import { decoderNiceness, ToolStream } from '../../src/release/tool-stream.js';
import { compress, tempDir } from '../helpers/archives.js';
import { loggingRun, withStandIn } from '../helpers/stand-in.js';

/** Runs ToolStream with a fake `xz` (a shell script) first on PATH. */
async function withFakeXz(script: string, input: Buffer): Promise<unknown> {
  return withStandIn('xz', () => script, async () => {
    try {
      await pipeline(Readable.from([input]), new ToolStream('xz', 'xz', 'rel.tar.xz'), async (out: AsyncIterable<Buffer>) => {
        for await (const _ of out) void _;
      });
      return undefined;
    } catch (err) {
      return err;
    }
  });
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

test('a file of several blocks: the system xz decodes it on two threads, byte for byte', async () => {
  const xz = await findOnPath('xz');
  assert.ok(xz, 'xz is on PATH');
  // Text that compresses about tenfold, in blocks of 64 KiB: a thread each.
  const data = Buffer.from(Array.from({ length: 40000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}\n`).join(''));
  const packed = (await execa(xz, ['-T2', '--block-size=64KiB', '-c'], { input: data, encoding: 'buffer' })).stdout;
  const packedPath = join(tempDir(), `blocks-${Math.random().toString(36).slice(2)}.xz`);
  await writeFile(packedPath, packed);
  const blocks = (await execa(xz, ['--robot', '-lv', packedPath])).stdout.split('\n').filter((line) => line.startsWith('block\t'));
  assert.ok(blocks.length > 4, `${blocks.length} blocks`);
  const version = await programVersion(xz!);
  // Run through a stand-in first on PATH that writes down its arguments and runs the real xz.
  const out: Buffer[] = [];
  const runs = await withStandIn('xz', loggingRun(xz!), async (dir) => {
    const decoder = await pickDecoder('xz');
    await pipeline(Readable.from([packed]), decoder.create('blocks.tar.xz'), async (s: AsyncIterable<Buffer>) => {
      for await (const chunk of s) out.push(chunk);
    });
    return (await readFile(join(dir, 'args'), 'utf8')).trim().split('\n');
  });
  assert.ok(Buffer.concat(out).equals(data));
  const decode = runs.find((line) => line.endsWith('-dc'));
  assert.ok(decode, runs.join(' | '));
  // Threads for an xz that decodes on them, on a machine with a second core.
  if (xzOptionsFor(version).length > 0 && availableParallelism() > 1) {
    assert.is(decode, '--threads=2 --memlimit-mt-decompress=128MiB -dc');
  } else {
    assert.is(decode, '-dc');
  }
});

/**
 * Runs a decoder whose `xz` is a stand-in that takes its input, writes down
 * how nice it runs, relative to this process, and its arguments, then runs the real xz.
 */
async function nicenessOf(make: () => Duplex, input: Buffer): Promise<{ niceness: number; args: string }> {
  const xz = await findOnPath('xz');
  // The input comes only after the priority is set: take it all, then say how nice it runs, then decode it.
  const script = (dir: string) =>
    `in=$(mktemp)\ncat > "$in"\nnice > '${dir}/niceness'\necho "$*" > '${dir}/args'\n'${xz}' "$@" < "$in"\nrc=$?\nrm -f "$in"\nexit $rc`;
  return withStandIn('xz', script, async (dir) => {
    await pipeline(Readable.from([input]), make(), async (out: AsyncIterable<Buffer>) => {
      for await (const _ of out) void _;
    });
    return { niceness: Number((await readFile(join(dir, 'niceness'), 'utf8')).trim()) - getPriority(), args: (await readFile(join(dir, 'args'), 'utf8')).trim() };
  });
}

test('a decompressor given a niceness runs that much below the reader it feeds; by default, level with it', async () => {
  assert.ok(decoderNiceness > 0);
  const packed = await compress(Buffer.from('x'.repeat(1000)), 'xz');
  const lowered = Math.min(19, getPriority() + decoderNiceness) - getPriority();
  assert.is((await nicenessOf(() => new ToolStream('xz', 'xz', 'rel.tar.xz', [], decoderNiceness), packed)).niceness, lowered);
  assert.is((await nicenessOf(() => new ToolStream('xz', 'xz', 'rel.tar.xz'), packed)).niceness, 0);
});

test('xz runs below the reader only on threads, which a file of one block does not get', async () => {
  const xz = (await findOnPath('xz'))!;
  const threaded = xzOptionsFor(await programVersion(xz)).length > 0 && availableParallelism() > 1;
  const lowered = Math.min(19, getPriority() + decoderNiceness) - getPriority();
  const data = Buffer.from(Array.from({ length: 40000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}\n`).join(''));
  const write = async (args: string[]) => {
    const path = join(tempDir(), `layout-${Math.random().toString(36).slice(2)}.xz`);
    await writeFile(path, (await execa(xz, [...args, '-c'], { input: data, encoding: 'buffer' })).stdout);
    return path;
  };
  const one = await write(['-T1']);
  const several = await write(['-T2', '--block-size=64KiB']);
  const run = async (path: string, whole: boolean) => {
    const decoder = await pickDecoder('xz', false, whole ? path : undefined);
    return nicenessOf(() => decoder.create(path), await readFile(path));
  };
  // Decoded whole: the stand-in writes down its arguments too.
  assert.equal(await run(one, true), { niceness: 0, args: '-dc' });
  assert.equal(await run(several, true), threaded ? { niceness: lowered, args: '--threads=2 --memlimit-mt-decompress=128MiB -dc' } : { niceness: 0, args: '-dc' });
  // A download still arriving: its layout is not known yet.
  assert.equal(await run(one, false), threaded ? { niceness: lowered, args: '--threads=2 --memlimit-mt-decompress=128MiB -dc' } : { niceness: 0, args: '-dc' });
});

test('threads only for an xz that decodes on them: 5.4 and later', () => {
  const threads = ['--threads=2', '--memlimit-mt-decompress=128MiB'];
  assert.equal(xzOptionsFor('5.4.1'), threads);
  assert.equal(xzOptionsFor('5.4.0'), threads);
  assert.equal(xzOptionsFor('5.6.2'), threads);
  assert.equal(xzOptionsFor('5.3.3alpha'), []);
  assert.equal(xzOptionsFor('5.2.5'), []);
  assert.equal(xzOptionsFor(undefined), []);
});

test.run();
