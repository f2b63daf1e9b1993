import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryIndexPath, encodeIndex, readBinaryIndex, writeIndexFiles } from '../../src/analyze/knowledge/index-bin.js';
import { shippedIndexPath } from '../../src/analyze/knowledge/index-file.js';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import type { KnownFile } from '../../src/analyze/knowledge/types.js';
import { buildToHost3, installSh, known, makeFixture, nls6 } from './knowledge-fixture.js';

const asText = (files: readonly KnownFile[]) => files.map((f) => JSON.stringify(f));

/** Every name and hash key of `files`, with the records a JSON reader files under it, in order. */
function jsonLookups(files: readonly KnownFile[]) {
  const names = new Map<string, KnownFile[]>();
  const hashes = new Map<string, KnownFile[]>();
  const push = (map: Map<string, KnownFile[]>, key: string, f: KnownFile) => (map.get(key) ?? map.set(key, []).get(key)!).push(f);
  for (const f of files) {
    push(names, f.name, f);
    push(hashes, f.blobId, f);
    if (f.blobId256) push(hashes, f.blobId256, f);
    if (f.sha256 !== f.blobId256) push(hashes, f.sha256, f);
  }
  return { names, hashes };
}

test('the shipped index.bin holds index.json: every record field for field, in order, and the same answer for every name and hash', () => {
  const json = readFileSync(shippedIndexPath);
  const files = (JSON.parse(json.toString('utf8')) as { files: KnownFile[] }).files;
  const bin = readBinaryIndex(shippedIndexPath);
  assert.ok(bin, `${binaryIndexPath(shippedIndexPath)} is there and made from this index.json (make knowledge writes both)`);
  assert.is(bin.jsonSize, json.length);
  assert.is(bin.size, files.length);
  const { names, hashes } = jsonLookups(files);
  for (const [name, list] of names) assert.equal(asText(bin.byName(name)), asText(list), name);
  // Upper case too: ids are compared as lowercase hex.
  for (const [id, list] of hashes) assert.equal(asText(bin.byHash(id.toUpperCase())), asText(list), id);
  assert.equal(bin.byName('no-such-file'), []);
  assert.equal(bin.byHash('0'.repeat(40)), []);
  assert.equal(bin.byHash('f'.repeat(64)), []);
  assert.equal(bin.byHash('not a hash'), []);
  // Every record, rare fields (variants, version hashes) included, comes back as index.json has it.
  const all = [...names.keys()].flatMap((n) => bin.byName(n));
  assert.is(all.length, files.length);
  assert.equal(new Set(asText(all)), new Set(asText(files)));
  assert.ok(
    files.some((f) => f.variant) && files.some((f) => f.versionHash) && files.some((f) => f.stampHash),
    'the shipped index has each rare field, so this checks them',
  );
});

test('a library reads the binary form while it matches its JSON, the JSON once the JSON changes, and names a damaged one', async () => {
  const fx = makeFixture();
  try {
    const a = known('install-sh', installSh, { package: 'automake', version: '1:1.16.5-1.3' });
    const b = known('nls.m4', nls6, { package: 'gettext', version: '0.21-12' });
    const c = known('build-to-host.m4', buildToHost3, { package: 'gnulib', version: '20230209+stable-1' });
    const indexPath = join(fx.dir, 'lib.json');
    writeIndexFiles(indexPath, [a, b]);
    assert.ok(readBinaryIndex(indexPath));
    const viaBin = await loadKnowledge({ indexPaths: [indexPath], hostDirs: [] });
    assert.equal(asText(viaBin.byHash(b.blobId)), asText([b]));
    assert.equal(viaBin.byName('build-to-host.m4'), []);

    // The JSON edited by hand (a record added): its binary form no longer counts.
    writeFileSync(indexPath, JSON.stringify({ format: 'cuckoo.knowledge/v1', files: [a, b, c] }));
    assert.is(readBinaryIndex(indexPath), undefined);
    const viaJson = await loadKnowledge({ indexPaths: [indexPath], hostDirs: [] });
    assert.equal(asText(viaJson.byName('build-to-host.m4')), asText([c]));

    writeIndexFiles(indexPath, [a, b, c]);
    writeFileSync(binaryIndexPath(indexPath), 'garbage');
    assert.throws(() => readBinaryIndex(indexPath), /reading knowledge index .*lib\.bin/);
  } finally {
    fx.cleanup();
  }
});

test('the binary form refuses records it cannot keep exactly', () => {
  const a = known('install-sh', installSh, { package: 'automake', version: '1.16.5' });
  assert.throws(() => encodeIndex([{ ...a, extra: 1 } as KnownFile], 0), /fields the binary form does not keep: extra/);
  assert.throws(() => encodeIndex([{ ...a, blobId: a.blobId.toUpperCase() }], 0), /not lowercase hex/);
  assert.throws(() => encodeIndex([{ ...a, size: 2 ** 32 }], 0), /size/);
  assert.throws(() => encodeIndex([{ ...a, origin: { ...a.origin, epoch: '1' } as KnownFile['origin'] }], 0), /origin fields/);
});

test.run();
