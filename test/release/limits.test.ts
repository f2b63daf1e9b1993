import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { compareTrees } from '../../src/compare/compare.js';
import { runCuckooHere } from '../helpers/cli.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { defaultLimits, type Limits } from '../../src/limits.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { openRelease } from '../../src/release/open.js';
import { buildTar, buildZip, compress, patchZipEntry, readRelease, writeTemp, type TarItem } from '../helpers/archives.js';

function blob(content: string | Buffer): string {
  const buf = Buffer.from(content);
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

const limits = (overrides: Partial<Limits>): Limits => ({ ...defaultLimits, ...overrides });

/** Reads until the first error; returns the error and the paths seen before it. */
async function readUntilError(path: string, options: Partial<Limits>): Promise<{ err: CuckooError; seen: string[] }> {
  const seen: string[] = [];
  try {
    const release = await openRelease(path, { objectFormat: 'sha1', limits: limits(options) });
    for await (const entry of release.entries()) seen.push(entry.path);
  } catch (err) {
    assert.instance(err, CuckooError);
    return { err: err as CuckooError, seen };
  }
  throw new assert.Assertion({ message: 'expected a limit error', operator: 'rejects', expects: 'error', actual: 'ok' });
}

const five: TarItem[] = ['a', 'b', 'c', 'd', 'e'].map((p) => ({ path: p, content: p.repeat(600) }));

test('tar: more entries than --max-entries', async () => {
  const path = await writeTemp('five.tar', buildTar(five));
  const { err, seen } = await readUntilError(path, { maxEntries: 4 });
  assert.is(err.code, 'limit');
  assert.is(err.message, `${path}: more than 4 entries`);
  assert.is(err.hint, 'raise it with --max-entries');
  assert.equal(seen, ['a', 'b', 'c', 'd']);
  assert.is((await readRelease(path, { limits: limits({ maxEntries: 5 }) })).entries.length, 5, 'exactly at the limit is fine');
});

test('tar: unpacking to more than --max-total-size', async () => {
  const path = await writeTemp('five-bytes.tar', buildTar(five));
  const { err, seen } = await readUntilError(path, { maxTotalBytes: 2000 });
  assert.is(err.code, 'limit');
  assert.is(err.message, `${path}: unpacks to more than 2000 bytes`);
  assert.is(err.hint, 'raise it with --max-total-size');
  assert.equal(seen, ['a', 'b', 'c'], 'stops at the header that crosses the limit');
});

test('a decompression bomb stops at its header, before inflating', async () => {
  // 64 MiB of zeros, about 10 kB of xz: the size declared in the header is refused there.
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  const tar = buildTar([{ path: 'bomb', content: zeros }]);
  const path = await writeTemp('bomb.tar.xz', await compress(tar, 'xz'));
  const { err, seen } = await readUntilError(path, { maxTotalBytes: 1024 * 1024 });
  assert.is(err.code, 'limit');
  assert.equal(seen, []);
  // The same header over 1 KiB of data and no end: refused as a bomb, so its data was never read
  // (reading it would have found the archive cut short). With room for it, it is cut short.
  const claim = await writeTemp('bomb-claim.tar.xz', await compress(buildTar([{ path: 'bomb', content: Buffer.alloc(1024), size: zeros.length }], { endBlocks: 0 }), 'xz'));
  assert.is((await readUntilError(claim, { maxTotalBytes: 1024 * 1024 })).err.code, 'limit');
  assert.is.not((await readUntilError(claim, { maxTotalBytes: 128 * 1024 * 1024 })).err.code, 'limit');
});

test('zeros after the end of the tar count too (a bomb with no entries)', async () => {
  const tar = buildTar([{ path: 'a', content: 'a' }], { trailing: Buffer.alloc(8 * 1024 * 1024) });
  const path = await writeTemp('trailing-bomb.tar.gz', await compress(tar, 'gzip'));
  const { err } = await readUntilError(path, { maxTotalBytes: 1024 * 1024 });
  assert.is(err.code, 'limit');
  assert.is(err.message, `${path}: unpacks to more than 1048576 bytes`);
});

test('a gzip bomb of 10 GiB of zeros (concatenated members) stops at --max-total-size: one line, exit 2', async () => {
  // Built as a stream of 10,240 copies of one gzip member of 1 MiB zeros: about 10 MB on disk.
  const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  const path = await writeTemp('bomb/hello-1.0.tar.gz', Buffer.alloc(0));
  const out = createWriteStream(path);
  out.write(gzipSync(buildTar([{ path: 'hello-1.0/README', content: 'hello\n' }], { endBlocks: 0 })));
  for (let i = 0; i < 10_240; i++) if (!out.write(member)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
  const started = performance.now();
  const r = await runCuckooHere(['verify', path, '--repo', 'samples/hello.bundle', '--tag', 'v1.0', '--max-total-size', '256M']);
  console.log(`    10 GiB gzip bomb refused in ${(performance.now() - started).toFixed(0)} ms`);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /unpacks to more than \d+ bytes.*--max-total-size/);
});

test('a .tar.gz inside the release is one file, not unpacked', async () => {
  const inner = gzipSync(buildTar([{ path: 'inner/evil.sh', content: '#!/bin/sh\n' }]));
  const path = await writeTemp('nested.tar', buildTar([{ path: 'pkg/vendor.tar.gz', content: inner }, { path: 'pkg/README', content: 'r' }]));
  const { entries } = await readRelease(path);
  assert.equal(entries.map((e) => [e.path, e.blobId]), [['pkg/vendor.tar.gz', blob(inner)], ['pkg/README', blob('r')]]);
});

test('2000 nested folders and 100,000 tiny files are read and compared within the limits', async () => {
  const deep: TarItem[] = [];
  let dir = 'pkg';
  for (let i = 0; i < 2000; i++) {
    dir += `/d${i % 10}`;
    deep.push({ path: dir, type: 'directory', longName: 'pax' });
  }
  deep.push({ path: `${dir}/leaf`, content: 'leaf', longName: 'pax' });
  let started = performance.now();
  const deepRead = await readRelease(await writeTemp('deep.tar.gz', gzipSync(buildTar(deep))));
  assert.is(deepRead.entries.length, 2001);
  assert.is(deepRead.entries[2000]!.path.length, 'pkg'.length + 2000 * 3 + '/leaf'.length);
  compareTrees(deepRead.entries, { entries: [], attributes: new Map(), archiveOids: new Map(), uncompared: [] });
  console.log(`    2000 levels deep (path of ${deepRead.entries[2000]!.path.length} bytes): ${(performance.now() - started).toFixed(0)} ms`);

  const many: TarItem[] = Array.from({ length: 100_000 }, (_, i) => ({ path: `pkg/${i % 100}/f${i}` }));
  const path = await writeTemp('many.tar.gz', gzipSync(buildTar(many), { level: 1 }));
  started = performance.now();
  const { entries } = await readRelease(path);
  const comparison = compareTrees(entries, { entries: [], attributes: new Map(), archiveOids: new Map(), uncompared: [] });
  console.log(`    100,000 entries read and compared: ${(performance.now() - started).toFixed(0)} ms`);
  assert.is(entries.length, 100_000);
  assert.is(comparison.changes.length, 100_000);
  const { err } = await readUntilError(path, { maxEntries: 99_999 });
  assert.is(err.hint, 'raise it with --max-entries');
});

test('zip: entries and total size limits', async () => {
  const zip = await buildZip(['a', 'b', 'c'].map((p) => ({ path: p, content: p.repeat(600) })));
  const path = await writeTemp('three.zip', zip);
  const entries = await readUntilError(path, { maxEntries: 2 });
  assert.is(entries.err.message, `${path}: more than 2 entries`);
  assert.equal(entries.seen, ['a', 'b']);
  const bytes = await readUntilError(path, { maxTotalBytes: 1000 });
  assert.is(bytes.err.message, `${path}: unpacks to more than 1000 bytes`);
  assert.equal(bytes.seen, ['a']);
});

test('zip: an entry that inflates past its declared size is stopped', async () => {
  const zip = patchZipEntry(await buildZip([{ path: 'bomb', content: Buffer.alloc(20 * 1024 * 1024) }]), 'bomb', { uncompressedSize: 1000 });
  const path = await writeTemp('zip-bomb.zip', zip);
  const { err } = await readUntilError(path, {});
  assert.is(err.code, 'input');
  assert.match(err.message, /entry bomb holds more than 1000 bytes/);
});

const keepTar: TarItem[] = [
  { path: 'small.c', content: 'int x;\n' },
  { path: 'big.bin', content: Buffer.alloc(5000, 7) },
  { path: 'skip.txt', content: 'not wanted' },
  { path: 'link', type: 'symlink', target: 'small.c' },
  { path: 'empty', content: '' },
];

async function keepTest(path: string): Promise<void> {
  const offered: Array<[string, string | undefined, string | undefined]> = [];
  const { entries } = await readRelease(path, {
    limits: limits({ maxFileMemory: 1000 }),
    keepContent: (entry: ReleaseEntry) => {
      offered.push([entry.path, entry.blobId, entry.sha256 === undefined ? undefined : 'sha256']);
      assert.is(entry.content, undefined, 'content is attached after the callback');
      return entry.path !== 'skip.txt';
    },
  });
  assert.equal(offered, [
    ['small.c', blob('int x;\n'), 'sha256'],
    ['big.bin', blob(Buffer.alloc(5000, 7)), 'sha256'],
    ['skip.txt', blob('not wanted'), 'sha256'],
    ['empty', blob(''), 'sha256'],
  ], 'files only, with their hashes known');
  const byPath = new Map(entries.map((e) => [e.path, e]));
  assert.equal(byPath.get('small.c')!.content, Buffer.from('int x;\n'));
  assert.is(byPath.get('small.c')!.contentTooLarge, undefined);
  assert.is(byPath.get('big.bin')!.content, undefined);
  assert.is(byPath.get('big.bin')!.contentTooLarge, true);
  assert.is(byPath.get('big.bin')!.blobId, blob(Buffer.alloc(5000, 7)), 'hashed in full all the same');
  assert.is(byPath.get('skip.txt')!.content, undefined);
  assert.is(byPath.get('skip.txt')!.contentTooLarge, undefined);
  assert.equal(byPath.get('empty')!.content, Buffer.alloc(0));
  assert.is(byPath.get('link')!.content, undefined);
}

test('keepContent and maxFileMemory (tar)', async () => {
  await keepTest(await writeTemp('keep.tar.gz', await compress(buildTar(keepTar), 'gzip')));
});

test('keepContent and maxFileMemory (zip)', async () => {
  const zip = await buildZip([
    { path: 'small.c', content: 'int x;\n' },
    { path: 'big.bin', content: Buffer.alloc(5000, 7) },
    { path: 'skip.txt', content: 'not wanted' },
    { path: 'link', type: 'symlink', target: 'small.c' },
    { path: 'empty', content: '' },
  ]);
  await keepTest(await writeTemp('keep.zip', zip));
});

test('an error thrown by keepContent reaches the caller unchanged', async () => {
  const boom = new Error('boom');
  for (const path of [await writeTemp('throws.tar', buildTar(keepTar)), await writeTemp('throws.zip', await buildZip([{ path: 'a', content: 'a' }]))]) {
    try {
      await readRelease(path, { keepContent: () => { throw boom; } });
      assert.unreachable();
    } catch (err) {
      assert.is(err, boom, path);
    }
  }
});

test('kept buffers belong to their entry (not reused)', async () => {
  const path = await writeTemp('distinct.tar', buildTar([{ path: 'one', content: 'AAAA' }, { path: 'two', content: 'BBBB' }]));
  const { entries } = await readRelease(path, { keepContent: () => true });
  assert.equal(entries.map((e) => e.content!.toString()), ['AAAA', 'BBBB']);
});

test.run();
