import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { buildZip, patchZipEntry, readRelease, writeTemp, type ZipEntrySpec } from '../helpers/archives.js';

function blob(content: string | Buffer): string {
  const buf = Buffer.from(content);
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

let counter = 0;
async function zipFile(entries: ZipEntrySpec[], comment?: string): Promise<string> {
  return writeTemp(`z-${counter++}.zip`, await buildZip(entries, comment === undefined ? {} : { comment }));
}

async function zipError(bytes: Buffer): Promise<CuckooError> {
  const path = await writeTemp(`bad-${counter++}.zip`, bytes);
  try {
    await readRelease(path);
  } catch (err) {
    assert.instance(err, CuckooError);
    return err as CuckooError;
  }
  throw new assert.Assertion({ message: 'expected the read to fail', operator: 'rejects', expects: 'error', actual: 'ok' });
}

const sample: ZipEntrySpec[] = [
  { path: 'pkg-1.0/', type: 'directory' },
  { path: 'pkg-1.0/configure', content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  { path: 'pkg-1.0/README', content: 'readme '.repeat(500) },
  { path: 'pkg-1.0/stored.bin', content: Buffer.from([0, 1, 2, 3]), compress: false },
  { path: 'pkg-1.0/empty', content: '' },
  { path: 'pkg-1.0/link', type: 'symlink', target: 'README' },
];

test('unix zip: types, modes, sizes, blob ids, symlink targets', async () => {
  const bytes = await buildZip(sample);
  const path = await writeTemp('sample.zip', bytes);
  const { release, entries } = await readRelease(path);
  assert.is(release.archive, 'zip');
  assert.is(release.formatName, 'zip');
  assert.is(release.compression, 'none');
  assert.is(release.decoder, 'zlib');
  assert.is(release.comment, undefined);
  assert.equal(
    entries.map((e) => [e.index, e.path, e.type, e.mode, e.size, e.blobId, e.linkTarget]),
    [
      [0, 'pkg-1.0', 'directory', 0o755, 0, undefined, undefined],
      [1, 'pkg-1.0/configure', 'file', 0o755, 17, blob('#!/bin/sh\nexit 0\n'), undefined],
      [2, 'pkg-1.0/README', 'file', 0o644, 3500, blob('readme '.repeat(500)), undefined],
      [3, 'pkg-1.0/stored.bin', 'file', 0o644, 4, blob(Buffer.from([0, 1, 2, 3])), undefined],
      [4, 'pkg-1.0/empty', 'file', 0o644, 0, blob(''), undefined],
      [5, 'pkg-1.0/link', 'symlink', 0o777, 6, blob('README'), 'README'],
    ],
  );
  assert.is(entries[2]!.sha256, createHash('sha256').update('readme '.repeat(500)).digest('hex'));
  assert.is(await release.sha256(), createHash('sha256').update(bytes).digest('hex'));
});

test('the zip comment is exposed, including comments longer than some readers look for', async () => {
  const commit = 'e83c5163316f89bfbde7d9ab23ca2e25604af290';
  assert.is((await readRelease(await zipFile(sample, commit))).release.comment, commit);
  const long = 'a release comment that is much longer than eighty bytes, which is where some readers stop looking';
  const { release, entries } = await readRelease(await zipFile(sample, long));
  assert.is(release.comment, long);
  assert.is(entries.length, sample.length);
});

test('a zip made elsewhere (not Unix) gets default modes', async () => {
  let bytes = await buildZip([
    { path: 'dos/', type: 'directory' },
    { path: 'dos/FILE.TXT', content: 'x', mode: 0o755 },
  ]);
  bytes = patchZipEntry(bytes, 'dos/', { versionMadeBy: 0x0014, externalAttributes: 0x10 });
  bytes = patchZipEntry(bytes, 'dos/FILE.TXT', { versionMadeBy: 0x0014, externalAttributes: 0x20 });
  const { entries } = await readRelease(await writeTemp('dos.zip', bytes));
  assert.equal(entries.map((e) => [e.path, e.type, e.mode]), [
    ['dos', 'directory', 0o755],
    ['dos/FILE.TXT', 'file', 0o644],
  ]);
});

test('an empty zip (end record only) has no entries', async () => {
  const bytes = await buildZip([]);
  assert.is(bytes.length, 22);
  const { entries } = await readRelease(await writeTemp('empty.zip', bytes));
  assert.equal(entries, []);
});

test('duplicate names, absolute paths and .. stay as they are', async () => {
  let bytes = await buildZip([
    { path: 'dup', content: '1' },
    { path: 'dup', content: '2' },
    { path: 'xx/up', content: 'u' },
    { path: 'a/xx/xx/b', content: 'b' },
    { path: 'xetc/passwd', content: 'p' },
  ]);
  bytes = patchZipEntry(bytes, 'xx/up', { path: '../up' });
  bytes = patchZipEntry(bytes, 'a/xx/xx/b', { path: 'a/../../b' });
  bytes = patchZipEntry(bytes, 'xetc/passwd', { path: '/etc/passwd' });
  const { entries } = await readRelease(await writeTemp('paths.zip', bytes));
  assert.equal(entries.map((e) => [e.index, e.path, e.blobId]), [
    [0, 'dup', blob('1')],
    [1, 'dup', blob('2')],
    [2, '../up', blob('u')],
    [3, 'a/../../b', blob('b')],
    [4, '/etc/passwd', blob('p')],
  ]);
});

test('unsupported compression methods are refused, naming the entry', async () => {
  const bytes = patchZipEntry(await buildZip(sample), 'pkg-1.0/README', { compressionMethod: 12 });
  const err = await zipError(bytes);
  assert.is(err.code, 'input');
  assert.match(err.message, /: entry pkg-1\.0\/README uses unsupported compression method 12 \(bzip2\)$/);
});

test('encrypted entries are refused, naming the entry', async () => {
  const bytes = patchZipEntry(await buildZip(sample), 'pkg-1.0/configure', { flags: 0x1 });
  const err = await zipError(bytes);
  assert.is(err.code, 'input');
  assert.match(err.message, /: entry pkg-1\.0\/configure is encrypted$/);
});

test('streamed bytes that disagree with the directory size are an error', async () => {
  const longer = await zipError(patchZipEntry(await buildZip(sample), 'pkg-1.0/README', { uncompressedSize: 5000 }));
  assert.is(longer.code, 'input');
  assert.match(longer.message, /corrupt zip archive: entry pkg-1\.0\/README holds 3500 bytes but its directory record says 5000$/);
  const shorter = await zipError(patchZipEntry(await buildZip(sample), 'pkg-1.0/README', { uncompressedSize: 100 }));
  assert.match(shorter.message, /entry pkg-1\.0\/README holds more than 100 bytes but its directory record says 100$/);
});

test('a CRC-32 mismatch is an error', async () => {
  const err = await zipError(patchZipEntry(await buildZip(sample), 'pkg-1.0/stored.bin', { crc32: 0x12345678 }));
  assert.is(err.code, 'input');
  assert.match(err.message, /entry pkg-1\.0\/stored\.bin fails its CRC-32 check$/);
});

test('a truncated zip (no end record) is an input error', async () => {
  const bytes = await buildZip(sample);
  const err = await zipError(bytes.subarray(0, bytes.length - 30));
  assert.is(err.code, 'input');
  assert.match(err.message, /corrupt zip archive: no end of central directory record/);
});

test('an end record pointing at the wrong place is an input error', async () => {
  const bytes = Buffer.from(await buildZip(sample));
  const end = bytes.length - 22;
  bytes.writeUInt32LE(bytes.readUInt32LE(end + 16) + 7, end + 16);
  const err = await zipError(bytes);
  assert.is(err.code, 'input');
  assert.match(err.message, /corrupt zip archive: the central directory/);
});

test('a zip64 marker (0xffffffff) with no zip64 record is an input error, not a hang', async () => {
  // Found by fuzzing: a central header's local-header offset overwritten with 0xff bytes.
  const bytes = Buffer.from(await buildZip(sample));
  const central = bytes.indexOf(Buffer.from('504b0102', 'hex'));
  bytes.writeUInt32LE(0xffffffff, central + 42);
  const err = await zipError(bytes);
  assert.is(err.code, 'input');
  assert.match(err.message, /corrupt zip archive: entry .+ needs a zip64 extra field and has none$/);
  const size = await zipError(patchZipEntry(await buildZip(sample), 'pkg-1.0/README', { uncompressedSize: 0xffffffff }));
  assert.match(size.message, /entry pkg-1\.0\/README needs a zip64 extra field and has none$/);
});

test('stopping early closes the file', async () => {
  const path = await zipFile(sample);
  const { openRelease } = await import('../../src/release/open.js');
  const { defaultLimits } = await import('../../src/limits.js');
  const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
  const seen: string[] = [];
  for await (const entry of release.entries()) {
    seen.push(entry.path);
    if (seen.length === 2) break;
  }
  assert.equal(seen, ['pkg-1.0', 'pkg-1.0/configure']);
  const { readdirSync, readlinkSync } = await import('node:fs');
  const open = readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
  assert.equal(open, []);
});

test.run();
