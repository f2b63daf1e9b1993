import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { buildTar, readRelease, tarHeader, writeTemp, type BuildTarOptions, type TarItem } from '../helpers/archives.js';

/** Git's blob id, computed here independently of the code under test. */
function blob(content: string | Buffer): string {
  const buf = Buffer.from(content);
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

let counter = 0;
async function readTar(items: TarItem[], options?: BuildTarOptions) {
  const path = await writeTemp(`tar-${counter++}.tar`, buildTar(items, options));
  return { path, ...(await readRelease(path)) };
}

async function tarError(items: TarItem[] | Buffer, options?: BuildTarOptions): Promise<CuckooError> {
  const bytes = Buffer.isBuffer(items) ? items : buildTar(items, options);
  const path = await writeTemp(`bad-${counter++}.tar`, bytes);
  try {
    await readRelease(path);
  } catch (err) {
    assert.instance(err, CuckooError);
    return err as CuckooError;
  }
  throw new assert.Assertion({ message: 'expected the read to fail', operator: 'rejects', expects: 'an error', actual: 'success' });
}

const brief = (e: ReleaseEntry) => ({ path: e.path, type: e.type, mode: e.mode, size: e.size, linkTarget: e.linkTarget, index: e.index });

test('every entry type, with modes, sizes, targets and blob ids', async () => {
  const { entries, release } = await readTar([
    { path: 'pkg', type: 'directory' },
    { path: 'pkg/configure', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
    { path: 'pkg/README', content: 'read me\n' },
    { path: 'pkg/link', type: 'symlink', target: 'README' },
    { path: 'pkg/hard', type: 'hardlink', target: 'pkg/README' },
    { path: 'pkg/pipe', type: 'fifo', mode: 0o600 },
    { path: 'pkg/tty', type: 'char-device', devmajor: 4, devminor: 1, mode: 0o620 },
    { path: 'pkg/disk', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 },
    { path: 'pkg/contig', type: 'contiguous', content: 'contiguous data' },
    { path: 'pkg/suid', content: 'x', mode: 0o4755 },
  ]);
  assert.is(release.archive, 'tar');
  assert.is(release.formatName, 'tar');
  assert.is(release.compression, 'none');
  assert.equal(entries.map(brief), [
    { path: 'pkg', type: 'directory', mode: 0o755, size: 0, linkTarget: undefined, index: 0 },
    { path: 'pkg/configure', type: 'file', mode: 0o755, size: 18, linkTarget: undefined, index: 1 },
    { path: 'pkg/README', type: 'file', mode: 0o644, size: 8, linkTarget: undefined, index: 2 },
    { path: 'pkg/link', type: 'symlink', mode: 0o777, size: 6, linkTarget: 'README', index: 3 },
    { path: 'pkg/hard', type: 'hardlink', mode: 0o644, size: 0, linkTarget: 'pkg/README', index: 4 },
    { path: 'pkg/pipe', type: 'fifo', mode: 0o600, size: 0, linkTarget: undefined, index: 5 },
    { path: 'pkg/tty', type: 'device', mode: 0o620, size: 0, linkTarget: undefined, index: 6 },
    { path: 'pkg/disk', type: 'device', mode: 0o660, size: 0, linkTarget: undefined, index: 7 },
    { path: 'pkg/contig', type: 'file', mode: 0o644, size: 15, linkTarget: undefined, index: 8 },
    { path: 'pkg/suid', type: 'file', mode: 0o4755, size: 1, linkTarget: undefined, index: 9 },
  ]);
  assert.is(entries[1]!.blobId, blob('#!/bin/sh\necho hi\n'));
  assert.is(entries[1]!.sha256, createHash('sha256').update('#!/bin/sh\necho hi\n').digest('hex'));
  assert.is(entries[3]!.blobId, blob('README'), 'symlinks hash their target, as git stores them');
  assert.is(entries[3]!.sha256, createHash('sha256').update('README').digest('hex'));
  for (const i of [0, 4, 5, 6, 7]) assert.is(entries[i]!.blobId, undefined, entries[i]!.path);
  assert.is(entries[1]!.content, undefined, 'no content unless asked for');
});

test('mode keeps permission bits only', async () => {
  const { entries } = await readTar([{ path: 'f', content: 'x', mode: 0o100755 }]);
  assert.is(entries[0]!.mode, 0o755);
});

test('pax extended header: a long path and a long link target', async () => {
  const long = `dir/${'n'.repeat(150)}.txt`;
  const target = `../${'t'.repeat(140)}`;
  const { entries } = await readTar([
    { path: long, content: 'long', longName: 'pax' },
    { path: 'l', type: 'symlink', target, longName: 'pax' },
  ]);
  assert.equal(entries.map((e) => e.path), [long, 'l']);
  assert.is(entries[0]!.blobId, blob('long'));
  assert.is(entries[1]!.linkTarget, target);
  assert.is(entries[1]!.blobId, blob(target));
});

test('pax path and linkpath override the header fields', async () => {
  const { entries } = await readTar([
    { path: 'decoy.txt', content: 'real', pax: { path: 'real/name.txt' } },
    { path: 'l', type: 'symlink', target: 'decoy', pax: { linkpath: 'actual-target' } },
    { path: 'after.txt', content: 'a' },
  ]);
  assert.equal(entries.map((e) => e.path), ['real/name.txt', 'l', 'after.txt']);
  assert.is(entries[1]!.linkTarget, 'actual-target');
});

test('pax size overrides the header size', async () => {
  const { entries } = await readTar([
    { path: 'p', content: 'hello', size: 0, pax: { size: '5' } },
    { path: 'q', content: 'after' },
  ]);
  assert.equal(entries.map((e) => [e.path, e.size, e.blobId]), [
    ['p', 5, blob('hello')],
    ['q', 5, blob('after')],
  ]);
});

test('GNU long names and long link targets (L and K headers)', async () => {
  const long = `gnu/${'g'.repeat(200)}`;
  const target = `${'k'.repeat(120)}/x`;
  const { entries } = await readTar(
    [
      { path: long, content: 'gnu', longName: 'gnu' },
      { path: 'gl', type: 'symlink', target, longName: 'gnu' },
    ],
    { format: 'gnu' },
  );
  assert.equal(entries.map((e) => [e.path, e.type, e.linkTarget]), [
    [long, 'file', undefined],
    ['gl', 'symlink', target],
  ]);
  assert.is(entries[0]!.blobId, blob('gnu'));
});

test('ustar prefix field joins the path', async () => {
  const path = `${'p'.repeat(90)}/${'q'.repeat(90)}/file.c`;
  const { entries } = await readTar([{ path, content: 'int x;' }]);
  assert.is(entries[0]!.path, path);
});

test('old v7 tars (no magic) are read', async () => {
  const { entries } = await readTar([{ path: 'old/file', content: 'v7' }], { format: 'v7' });
  assert.equal(entries.map((e) => [e.path, e.type, e.blobId]), [['old/file', 'file', blob('v7')]]);
});

test('the same path twice: both entries, in order, with their index', async () => {
  const { entries } = await readTar([
    { path: 'dup', content: 'first' },
    { path: 'other', content: 'o' },
    { path: 'dup', content: 'second' },
  ]);
  assert.equal(entries.map((e) => [e.path, e.index, e.blobId]), [
    ['dup', 0, blob('first')],
    ['other', 1, blob('o')],
    ['dup', 2, blob('second')],
  ]);
});

test('absolute paths and .. components are kept as data', async () => {
  const { entries } = await readTar([
    { path: '/etc/passwd', content: 'root' },
    { path: '../escape', content: 'e' },
    { path: 'a/../../b', content: 'b' },
    { path: 'l', type: 'symlink', target: '/etc/shadow' },
    { path: 'h', type: 'hardlink', target: '../outside' },
  ]);
  assert.equal(entries.map((e) => [e.path, e.linkTarget]), [
    ['/etc/passwd', undefined],
    ['../escape', undefined],
    ['a/../../b', undefined],
    ['l', '/etc/shadow'],
    ['h', '../outside'],
  ]);
});

test('a leading ./ is removed (and a directory trailing /), nothing else', async () => {
  const { entries } = await readTar([
    { path: './', type: 'directory' },
    { path: './src/', type: 'directory' },
    { path: './src/main.c', content: 'int main;' },
    { path: './src/hard', type: 'hardlink', target: './src/main.c' },
    { path: './src/sym', type: 'symlink', target: './main.c' },
    { path: 'x//y', content: 'y' },
  ]);
  assert.equal(entries.map((e) => [e.path, e.type, e.linkTarget]), [
    ['.', 'directory', undefined],
    ['src', 'directory', undefined],
    ['src/main.c', 'file', undefined],
    ['src/hard', 'hardlink', 'src/main.c'],
    ['src/sym', 'symlink', './main.c'],
    ['x//y', 'file', undefined],
  ]);
});

test('unknown typeflags are "other"; their data is skipped', async () => {
  const { entries } = await readTar([
    { path: 'label', typeflag: 'V' },
    { path: 'sparse', typeflag: 'S', content: 'sparse data' },
    { path: 'after', content: 'ok' },
  ]);
  assert.equal(entries.map((e) => [e.path, e.type, e.blobId]), [
    ['label', 'other', undefined],
    ['sparse', 'other', undefined],
    ['after', 'file', blob('ok')],
  ]);
});

test('a directory that declares a size does not hang the reader', async () => {
  // Neither GNU tar nor tar-stream skips data after a directory header.
  const { entries } = await readTar([
    { path: 'd', type: 'directory', size: 1024 },
    { path: 'd/f', content: 'f' },
  ]);
  assert.equal(entries.map((e) => [e.path, e.type]), [
    ['d', 'directory'],
    ['d/f', 'file'],
  ]);
});

test('the pax global header comment (git archive commit id) is exposed after reading', async () => {
  const commit = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
  const path = await writeTemp('global.tar', buildTar([{ path: 'p/a', content: 'a' }], { globalPax: { comment: commit } }));
  const { release, entries } = await readRelease(path);
  assert.equal(entries.map((e) => e.path), ['p/a'], 'the global header is not an entry');
  assert.is(release.comment, commit);
});

test('zero padding after the end is quiet; trailing garbage is ignored but counted', async () => {
  const padded = await readTar([{ path: 'a', content: 'a' }], { recordSize: 10240 });
  assert.equal(padded.entries.map((e) => e.path), ['a']);
  assert.is(padded.release.trailingGarbage, 0);

  const garbage = await readTar([{ path: 'a', content: 'a' }], { trailing: Buffer.from('this is not tar data at all') });
  assert.equal(garbage.entries.map((e) => e.path), ['a']);
  assert.is(garbage.release.trailingGarbage, 512 + 27, 'the second end block and the garbage');
});

test('entries after the end-of-archive block are not part of the archive (as for GNU tar)', async () => {
  const { entries, release } = await readTar([{ path: 'a', content: 'a' }, { raw: Buffer.alloc(512) }, { path: 'hidden', content: 'h' }]);
  assert.equal(entries.map((e) => e.path), ['a']);
  assert.ok(release.trailingGarbage! > 0);
});

test('an archive without end blocks is read to its end', async () => {
  const { entries } = await readTar([{ path: 'a', content: 'a' }, { path: 'b', content: 'b' }], { endBlocks: 0 });
  assert.equal(entries.map((e) => e.path), ['a', 'b']);
});

test('truncated inside an entry: one input error naming the entry', async () => {
  const full = buildTar([{ path: 'ok', content: 'fine' }, { path: 'big.bin', content: Buffer.alloc(5000, 1) }]);
  const err = await tarError(full.subarray(0, 512 * 2 + 512 + 2048));
  assert.is(err.code, 'input');
  assert.match(err.message, /bad-\d+\.tar: truncated tar archive \(entry big\.bin\)$/);
  assert.ok(err.hint);
});

test('declared size larger than the data: truncated', async () => {
  const err = await tarError([{ path: 'liar', content: 'short', size: 100000 }], { endBlocks: 0 });
  assert.is(err.code, 'input');
  assert.match(err.message, /truncated tar archive \(entry liar\)/);
});

test('truncated inside a header', async () => {
  const full = buildTar([{ path: 'a', content: 'a' }, { path: 'b', content: 'b' }]);
  const err = await tarError(full.subarray(0, 1024 + 300));
  assert.is(err.code, 'input');
  assert.match(err.message, /truncated tar archive \(after entry a\)/);
});

test('a bad header checksum', async () => {
  const err = await tarError([{ path: 'a', content: 'a' }, { path: 'b', content: 'b', badChecksum: true }]);
  assert.is(err.code, 'input');
  assert.match(err.message, /corrupt tar archive: bad header checksum \(after entry a\)/);
  assert.not.match(err.message, /\n/, 'one line, no stack');
});

test('a header block blank but for its checksum field is skipped (tar-stream reads on); one more byte set is a header', async () => {
  const blank = Buffer.alloc(512);
  blank.write('0017777\0', 148, 'latin1');
  const { entries } = await readTar([{ path: 'a', content: 'a' }, { raw: blank }, { path: 'b', content: 'b' }]);
  assert.equal(entries.map((e) => e.path), ['a', 'b']);
  // The bytes on each side of the checksum field, and the first and last, count.
  for (const at of [0, 147, 156, 511]) {
    const set = Buffer.from(blank);
    set[at] = 1;
    const err = await tarError([{ path: 'a', content: 'a' }, { raw: set }, { path: 'b', content: 'b' }]);
    assert.match(err.message, /corrupt tar archive: bad header checksum \(after entry a\)/, `byte ${at}`);
  }
});

test('a hand-made header spliced in raw', async () => {
  const data = Buffer.alloc(512);
  data.write('raw!');
  const { entries } = await readTar([{ raw: tarHeader({ name: 'by-hand', size: 4, mode: 0o600 }) }, { raw: data }]);
  assert.equal(entries.map((e) => [e.path, e.mode, e.blobId]), [['by-hand', 0o600, blob('raw!')]]);
});

test('sha256 of the archive is the sha256 of the file', async () => {
  const bytes = buildTar([{ path: 'a', content: 'abc' }], { recordSize: 10240 });
  const path = await writeTemp('digest.tar', bytes);
  const { release } = await readRelease(path);
  assert.is(await release.sha256(), createHash('sha256').update(bytes).digest('hex'));
});

test.run();
