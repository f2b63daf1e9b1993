// Tar entries whose pax, GNU and ustar fields disagree: extractors that
// ignore pax (or GNU) records would unpack another name, target or size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
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
  // A size too large for the header is what pax size is for.
  const [big] = await read([{ path: 'pkg/c', content: 'c', pax: { size: '1' }, size: 1 }]);
  assert.is(big!.ambiguity, undefined);
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

test.run();
