// Tar entries whose pax, GNU and ustar fields disagree: extractors that
// ignore pax (or GNU) records would unpack another name, target or size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { tarHeaderInfo } from '../../src/release/tar-header.js';
import { buildTar, paxData, readRelease, tarHeader, writeTemp, type TarItem } from '../helpers/archives.js';

let counter = 0;
async function read(items: TarItem[]) {
  const path = await writeTemp(`headers-${counter++}.tar`, buildTar(items));
  return (await readRelease(path)).entries;
}

/** A pax extended header with raw record bytes (values that are not UTF-8). */
function rawPax(records: Buffer): TarItem {
  const padded = Buffer.concat([records, Buffer.alloc((512 - (records.length % 512)) % 512)]);
  return { raw: Buffer.concat([tarHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: records.length }), padded]) };
}

test('a short pax path that is not the header name is extractor-dependent, naming both', async () => {
  const [e] = await read([{ path: 'pkg/configure', content: 'x', pax: { path: 'pkg/README' } }]);
  assert.is(e!.path, 'pkg/README');
  assert.match(e!.ambiguity ?? '', /pax name is "pkg\/README" but the header says "pkg\/configure"/);
});

test('a long pax path with a stand-in header name is expected (GNU tar, Python, git archive)', async () => {
  const long = `pkg/${'d'.repeat(90)}/${'f'.repeat(60)}.c`;
  const entries = await read([
    { path: long, content: 'x', longName: 'pax' },
    { path: 'pkg/0123456789012345678901234567890123456789.data', content: 'y', pax: { path: `pkg/${'g'.repeat(120)}` } },
    { path: 'pkg/caf?.txt', content: 'z', pax: { path: 'pkg/café.txt' } },
  ]);
  assert.equal(entries.map((e) => e.ambiguity), [undefined, undefined, undefined]);
  assert.is(entries[0]!.path, long);
});

test('GNU long name and pax path that differ; GNU long name and a header that would have fitted', async () => {
  const [both] = await read([{ path: `pkg/${'x'.repeat(120)}`, content: 'x', longName: 'gnu', pax: { path: 'pkg/other' } }]);
  assert.is(both!.path, 'pkg/other');
  assert.match(both!.ambiguity ?? '', /pax name is "pkg\/other" but the GNU long name is "pkg\/x+"/);
  const gnu = Buffer.from('pkg/short\0');
  const padded = Buffer.concat([gnu, Buffer.alloc(512 - gnu.length)]);
  const [alone] = await read([{ raw: Buffer.concat([tarHeader({ name: '././@LongLink', typeflag: 'L', size: gnu.length }), padded]) }, { path: 'pkg/evil', content: 'x' }]);
  assert.is(alone!.path, 'pkg/short');
  assert.match(alone!.ambiguity ?? '', /GNU long name is "pkg\/short" but the header says "pkg\/evil"/);
});

test('pax linkpath against the header link target, and pax size against the header size', async () => {
  const [link] = await read([{ path: 'pkg/l', type: 'symlink', target: '/etc/passwd', pax: { linkpath: 'README' } }]);
  assert.is(link!.linkTarget, 'README');
  assert.match(link!.ambiguity ?? '', /pax link target is "README" but the header says "\/etc\/passwd"/);
  const [sized, after] = await read([{ path: 'pkg/a', content: 'abcd', size: 600, pax: { size: '4' } }, { path: 'pkg/b', content: 'b' }]);
  assert.is(sized!.size, 4);
  assert.is(after!.path, 'pkg/b');
  assert.match(sized!.ambiguity ?? '', /pax size is 4 but the header says 600/);
  // A size too large for the header's 11 octal digits is what pax size is for: GNU tar writes 0 there.
  const block = tarHeader({ name: 'pkg/big.iso', size: 0 });
  const info = (size: string) => tarHeaderInfo({ block, size: 0, dataSize: Number(size), pax: { size: Buffer.from(size) }, gnuLongPath: undefined, gnuLongLink: undefined });
  assert.is(info('8589934592').ambiguity, undefined);
  assert.match(info('8589934591').ambiguity ?? '', /pax size is 8589934591 but the header says 0/);
});

test('hdrcharset=BINARY: the pax path bytes are kept, like a Latin-1 header name', async () => {
  const records = Buffer.concat([paxData({ hdrcharset: 'BINARY' }), Buffer.from('19 path=pkg/caf\xe9.c\n', 'latin1')]);
  const [binary] = await read([rawPax(records), { path: 'pkg/x.c', content: 'x' }]);
  const [latin1] = await read([{ raw: tarHeaderLatin1("pkg/caf\xe9.c") }]);
  assert.is(binary!.path, latin1!.path);
  assert.is(binary!.path, 'pkg/caf\udce9.c');
  // A name that is not ASCII has no exact header form: any stand-in is expected.
  assert.is(binary!.ambiguity, undefined);
});

/** A header whose name is the given latin1 bytes, with no data. */
function tarHeaderLatin1(name: string): Buffer {
  const header = tarHeader({ name: 'n', size: 0 });
  header.fill(0, 0, 100);
  header.write(name, 0, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return header;
}

test('a pax path with a NUL byte keeps it (the comparison flags it)', async () => {
  const [e] = await read([{ path: 'pkg/a', content: 'x', pax: { path: 'pkg/a\0b' } }]);
  assert.is(e!.path, 'pkg/a\0b');
});

test('a file header named like a directory with data behind it is extractor-dependent, and the entries after it are read as tar reads them', async () => {
  const data = Buffer.from(tarHeader({ name: 'pkg/planted', size: 3 }));
  const entries = await read([{ raw: Buffer.concat([tarHeader({ name: 'pkg/sub/', typeflag: '0', size: 512 }), data]) }, { path: 'pkg/README', content: 'x' }]);
  assert.equal(entries.map((e) => `${e.type} ${e.path}`), ['directory pkg/sub', 'file pkg/README']);
  assert.match(entries[0]!.ambiguity ?? '', /name ends in "\/" .* carries 512 bytes of data/);
  assert.is(entries[1]!.ambiguity, undefined);
  // Without data it is just an old-style directory.
  const [dir] = await read([{ raw: tarHeader({ name: 'pkg/sub/', typeflag: '0', size: 0 }) }]);
  assert.is(dir!.ambiguity, undefined);
  assert.is(`${dir!.type} ${dir!.path}`, 'directory pkg/sub');
});

test("GNU tar's stand-in for a long name, cut at a slash, is not a directory header when its typeflag is '0'; with typeflag NUL it is", async () => {
  // As GNU tar writes a pax archive (shadow 4.17.4): the name in a pax record, the header's name its first 100 bytes cut at a /.
  const long = 'shadow-4.17.4/tests/failures/groupmod/03_groupmod_change_group_name_group_rename_failure/config/etc/group';
  const standIn = long.slice(0, long.slice(0, 100).lastIndexOf('/') + 1);
  assert.ok(long.length > 100 && standIn.length <= 100);
  const content = Buffer.from('root:x:0:\n');
  const entry = (typeflag: string) => {
    const records = paxData({ path: long });
    const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
    return Buffer.concat([tarHeader({ name: 'PaxHeaders/group', typeflag: 'x', size: records.length }), padded(records), tarHeader({ name: standIn, typeflag, size: content.length }), padded(content)]);
  };
  const [file] = await read([{ raw: entry('0') }]);
  assert.is(`${file!.type} ${file!.path}`, `file ${long}`);
  assert.is(file!.ambiguity, undefined);
  // Python's tarfile makes a typeflag NUL header named like a directory one before the pax path replaces its name.
  const [nul] = await read([{ raw: entry('\0') }]);
  assert.match(nul!.ambiguity ?? '', /name ends in "\/" .* carries 10 bytes of data/);
});

test('an empty GNU long name: GNU tar unpacks ".", tar-stream the header name; the entries after it are still checked', async () => {
  const empty = Buffer.concat([tarHeader({ name: '././@LongLink', typeflag: 'L', size: 1 }), Buffer.alloc(512)]);
  const entries = await read([{ raw: empty }, { path: 'pkg/x', content: 'x' }, { path: 'pkg/evil', content: 'y', pax: { path: 'pkg/README' } }]);
  assert.equal(entries.map((e) => e.path), ['pkg/x', 'pkg/README']);
  assert.match(entries[0]!.ambiguity ?? '', /GNU long name is empty but the header says "pkg\/x"/);
  assert.match(entries[1]!.ambiguity ?? '', /pax name is "pkg\/README" but the header says "pkg\/evil"/);
});

test('an extended header whose size field is not a number fails the read instead of being skipped', async () => {
  const pax = tarHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: 0 });
  pax.write('9', 124, 'latin1');
  pax.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of pax) sum += b;
  pax.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const path = await writeTemp(`headers-${counter++}.tar`, buildTar([{ path: 'pkg/a', content: 'a' }, { raw: pax }, { path: 'pkg/b', content: 'b' }]));
  try {
    await readRelease(path);
    assert.unreachable('the read should fail');
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.match((err as Error).message, /corrupt tar archive: invalid size field/);
  }
});

test.run();
