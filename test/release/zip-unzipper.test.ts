import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { defaultLimits } from '../../src/limits.js';
import { openRelease } from '../../src/release/open.js';
import { listingThread } from '../../src/release/zip-listing.js';
import { readRelease, writeTemp } from '../helpers/archives.js';
import { rawZip, twoDirectories } from '../helpers/zip-raw.js';

const blob = (s: string) => createHash('sha1').update(`blob ${Buffer.byteLength(s)}\0`).update(s).digest('hex');
let n = 0;
const read = async (bytes: Buffer) => (await readRelease(await writeTemp(`two-dirs-${n++}.zip`, bytes))).entries;
const text = 'int main(void) { return 0; }\n'.repeat(20);

const honest = () =>
  rawZip([
    { name: 'p/a.c', data: text, deflate: true },
    { name: 'p/b.c', data: 'b\n' },
  ]);
/** The length of the first central directory record of `honest()`: 46 bytes and its 5-byte name. */
const FIRST_RECORD = 46 + 5;

// Each case runs twice: unzipper reading in this thread, as for small zips, and in a
// worker thread while the members are walked by cuckoo's own reading, as for large ones.
const modes = [
  ['in this thread', Infinity],
  ['in a worker thread', 0],
] as const;
const workerFrom = listingThread.workerFrom;
const both = (name: string, body: () => Promise<void>) => {
  for (const [mode, from] of modes) {
    test(`${name} (unzipper ${mode})`, async () => {
      listingThread.workerFrom = from;
      await body();
    });
  }
};
test.after(() => {
  listingThread.workerFrom = workerFrom;
});

both('an honest zip: unzipper and cuckoo list the same members, and nothing is marked', async () => {
  const entries = await read(honest());
  assert.equal(entries.map((e) => [e.index, e.path, e.blobId, e.ambiguity]), [
    [0, 'p/a.c', blob(text), undefined],
    [1, 'p/b.c', blob('b\n'), undefined],
  ]);
});

both('a zip only opened, as --previous checks it, is not listed by unzipper; reading its entries lists it once', async () => {
  const path = await writeTemp(`opened-${n++}.zip`, honest());
  const before = listingThread.started;
  const opened = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits, keepContent: () => false });
  assert.is(opened.formatName, 'zip');
  assert.is(listingThread.started, before, 'no listing at open');
  const entries = [];
  for await (const e of opened.entries()) entries.push(e.path);
  assert.equal(entries, ['p/a.c', 'p/b.c']);
  assert.is(listingThread.started, before + 1);
});

both('a member only one reading of the central directory lists is read and marked', async () => {
  // The legacy directory lists a.c alone: unzipper would extract one file, cuckoo's own reading finds two.
  const entries = await read(twoDirectories(honest(), (d) => d.subarray(0, FIRST_RECORD), 1));
  assert.equal(entries.map((e) => [e.path, e.blobId]), [
    ['p/a.c', blob(text)],
    ['p/b.c', blob('b\n')],
  ]);
  assert.is(entries[0]!.ambiguity, undefined);
  assert.match(entries[1]!.ambiguity!, /^zip member p\/b\.c: only cuckoo's own reading of the central directory lists it \(2 entries; unzipper finds 1\)/);
  // The legacy directory sits between the members and the one cuckoo reads.
  assert.match(entries[1]!.ambiguity!, /\d+ bytes after it belong to no member/);
});

both('a record the two readings see differently is marked with what differs', async () => {
  const renamed = twoDirectories(
    honest(),
    (d) => {
      // Same count, same member bytes; the legacy listing calls b.c by another name.
      d.write('p/x.c', FIRST_RECORD + 46, 'latin1');
      return d;
    },
    2,
  );
  const entries = await read(renamed);
  // unzipper's listing is the one read: x.c, whose local header says b.c.
  assert.equal(entries.map((e) => e.path), ['p/a.c', 'p/x.c']);
  assert.is(entries[0]!.ambiguity, undefined);
  assert.match(entries[1]!.ambiguity!, /unzipper and cuckoo read its central directory record differently \(name: "p\/x\.c" \/ "p\/b\.c"\)/);
  assert.match(entries[1]!.ambiguity!, /its local header names it "p\/b\.c"/);
});

both('names that read alike but differ in bytes are a record read differently', async () => {
  // cuckoo's directory spells U+FFFD in UTF-8 (EF BF BD); unzipper's legacy one has three bytes
  // that are not UTF-8 (F0 9F 98, a cut four-byte sequence) and also read as one U+FFFD.
  const zip = rawZip([
    { name: 'p/a.c', data: text, deflate: true },
    { name: 'p/u.c', nameBytes: Buffer.from('p/\ufffd.c'), data: 'b\n' },
  ]);
  const renamed = twoDirectories(zip, (d) => Buffer.concat([d.subarray(0, FIRST_RECORD + 48), Buffer.from([0xf0, 0x9f, 0x98]), d.subarray(FIRST_RECORD + 51)]), 2);
  const entries = await read(renamed);
  assert.equal(entries.map((e) => e.path), ['p/a.c', 'p/\ufffd.c']);
  assert.is(entries[0]!.ambiguity, undefined);
  assert.match(entries[1]!.ambiguity!, /unzipper and cuckoo read its central directory record differently \(name: "p\/\ufffd\.c" \/ "p\/\ufffd\.c"\)/);
});

both('a record only cuckoo reads as zip64 is marked, and walked as unzipper reads it', async () => {
  // b.c's record says its local header is on disk 0xFFFF, which asks for a zip64 extra field
  // (APPNOTE 4.5.3): cuckoo reads the record as zip64, unzipper looks only at the 32-bit sizes.
  const zip = rawZip([
    { name: 'p/a.c', data: text, deflate: true },
    { name: 'p/b.c', data: 'b\n', descriptor: true },
  ]);
  const end = zip.length - 22;
  const start = zip.readUInt32LE(end + 16);
  const record = start + FIRST_RECORD;
  const patched = Buffer.concat([zip.subarray(0, record + 46 + 5), Buffer.from([0x01, 0x00, 0x00, 0x00]), zip.subarray(record + 46 + 5)]);
  patched.writeUInt16LE(4, record + 30); // extra field length: the empty zip64 field
  patched.writeUInt16LE(0xffff, record + 34); // disk number start
  const endAt = patched.length - 22;
  patched.writeUInt32LE(patched.readUInt32LE(endAt + 12) + 4, endAt + 12); // the directory grew by 4
  const entries = await read(patched);
  assert.equal(entries.map((e) => [e.path, e.blobId]), [
    ['p/a.c', blob(text)],
    ['p/b.c', blob('b\n')],
  ]);
  assert.is(entries[0]!.ambiguity, undefined);
  assert.match(entries[1]!.ambiguity!, /unzipper and cuckoo read its central directory record differently \(zip64: no \/ yes\)/);
  // Walked by unzipper's record: its 32-bit data descriptor is what that reading expects, so nothing else is said.
  assert.not.match(entries[1]!.ambiguity!, /descriptor/);
});

both('a legacy end record pointing at no central directory is a clean input error', async () => {
  const bytes = twoDirectories(honest(), (d) => Buffer.alloc(d.length), 2);
  let err: unknown;
  try {
    await read(bytes);
  } catch (e) {
    err = e;
  }
  assert.instance(err, CuckooError);
  assert.is((err as CuckooError).code, 'input');
  assert.match((err as CuckooError).message, /corrupt zip archive: unzipper reads entry 0 of the central directory where there is no central directory header$/);
});

both('a limit reached in the walk is raised after the entries before it', async () => {
  const path = await writeTemp(`two-dirs-${n++}.zip`, honest());
  const release = await openRelease(path, { objectFormat: 'sha1', limits: { ...defaultLimits, maxEntries: 1 } });
  const seen: string[] = [];
  let err: unknown;
  try {
    for await (const entry of release.entries()) seen.push(entry.path);
  } catch (e) {
    err = e;
  }
  assert.equal(seen, ['p/a.c']);
  assert.instance(err, CuckooError);
  assert.is((err as CuckooError).message, `${path}: more than 1 entries`);
});

test.run();
