import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { TarWalk } from '../../src/release/tar-walk.js';
import { buildTar, tarHeader } from '../helpers/archives.js';

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

test('an entry header hidden anywhere after the end is found, whatever the chunking and the checksum style', async () => {
  const header = tarHeader({ name: 'p/evil.sh', size: 0 });
  // The same header with a name byte over 127 and its checksum summed as signed chars.
  const signed = Buffer.from(header);
  signed[9] = 0xe9;
  signed.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of signed) sum += b > 127 ? b - 256 : b;
  signed.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  for (const [name, block] of [['p/evil.sh', header], ['p/evil.sh\xe9', signed]] as const) {
    const noise = Buffer.alloc(1024, 0x41);
    const data = Buffer.concat([entries, Buffer.alloc(70 * 1024), noise, block, Buffer.alloc(1024)]);
    for (const size of [1, 333, 512, 4096, data.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
      const walker = new TarWalk({ checkFirstBlock: () => undefined, maxOverheadBytes: 1e9, overLimit: () => new CuckooError('limit', 'over') });
      await pipeline(Readable.from(chunks), walker, async (source: AsyncIterable<Buffer>) => {
        for await (const _ of source) void _;
      });
      assert.is(walker.hiddenEntry, name, `chunks of ${size}`);
    }
  }
  // Garbage with no block that checks out as a header is no entry.
  const { walker } = await walk(100);
  assert.is(walker.hiddenEntry, undefined);
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
