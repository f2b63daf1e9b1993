import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { TarWalk } from '../../src/release/tar-walk.js';
import { buildTar } from '../helpers/archives.js';

const commit = '0123456789abcdef0123456789abcdef01234567';
const entries = buildTar(
  [
    { path: 'p/file', content: 'x'.repeat(700) },
    { path: `p/${'pax'.repeat(50)}`, content: 'pax', longName: 'pax' },
    { path: `p/${'gnu'.repeat(50)}`, content: 'gnu', longName: 'gnu' },
    { path: 'p/dir', type: 'directory' },
    { path: 'p/empty', content: '' },
  ],
  { globalPax: { comment: commit }, endBlocks: 0 },
);
const garbage = Buffer.from('garbage after the end');
const tar = Buffer.concat([entries, Buffer.alloc(1024), garbage]);

async function walk(chunkSize: number, check = (_: Buffer): CuckooError | undefined => undefined) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < tar.length; i += chunkSize) chunks.push(tar.subarray(i, i + chunkSize));
  const walker = new TarWalk({ checkFirstBlock: check, maxOverheadBytes: 1e9, overLimit: () => new CuckooError('limit', 'over') });
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), walker, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return { out: Buffer.concat(out), walker };
}

test('cuts at the end-of-archive block, whatever the chunking', async () => {
  for (const size of [1, 7, 100, 511, 512, 513, 1000, 4096, tar.length]) {
    const { out, walker } = await walk(size);
    assert.ok(out.equals(entries), `chunks of ${size}: forwarded exactly the entries`);
    assert.is(walker.comment, commit, `chunks of ${size}: comment`);
    assert.is(walker.sawEnd, true);
    assert.is(walker.trailingBytes, 512 + garbage.length, `chunks of ${size}: trailing bytes`);
    assert.is(walker.trailingNonZero, true);
  }
});

test('the first block is checked once, even when it arrives byte by byte', async () => {
  const seen: number[] = [];
  await walk(1, (block) => {
    seen.push(block.length);
    return undefined;
  });
  assert.equal(seen, [512]);
  try {
    await walk(3, () => new CuckooError('input', 'not a tar'));
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'not a tar');
  }
});

test('too much data outside entries is a limit error', async () => {
  const walker = new TarWalk({ checkFirstBlock: () => undefined, maxOverheadBytes: 100, overLimit: () => new CuckooError('limit', 'over') });
  try {
    await pipeline(Readable.from([tar]), walker, async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source) void _;
    });
    assert.unreachable();
  } catch (err) {
    assert.is((err as CuckooError).code, 'limit');
  }
});

test.run();
