import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync } from 'node:zlib';
import { join } from 'node:path';
import { hashFile } from '../../src/analyze/knowledge/hash.js';
import { encodeHistory, readHistory, type HistoryVersion } from '../../src/analyze/knowledge/history-file.js';
import { shippedIndexPath } from '../../src/analyze/knowledge/index-file.js';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { byPreference, sortedByPreference } from '../../src/analyze/knowledge/origin.js';
import type { KnownFile } from '../../src/analyze/knowledge/types.js';
import { encodeTexts, TextStore } from '../../src/analyze/knowledge/texts-file.js';
import { m4CodeHash, parseSerial } from '../../src/analyze/m4.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { buildToHost3, context, makeFixture, releaseFile } from './knowledge-fixture.js';

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.match(err instanceof Error ? err.message : String(err), message);
    return;
  }
  assert.unreachable('expected a rejection');
}

const version = (name: string, text: string, commit: string, date: string): HistoryVersion => {
  const h = hashFile(Buffer.from(text));
  const serial = parseSerial(text);
  return { name, dir: 'm4', ...(serial !== undefined ? { serial } : {}), codeHash: m4CodeHash(text), blobId: h.blobId, sha256: h.sha256, size: h.size, commit, version: date, package: 'gnulib' };
};

// gnulib's xalloc.m4 as a project of 2022 copied it, and as gnulib has it later.
const xalloc1 = '# xalloc.m4 serial 18\ndnl Copyright (C) 2002-2022 Free Software Foundation, Inc.\nAC_DEFUN([gl_XALLOC], [:])\n';
const xalloc2 = '# xalloc.m4 serial 18\ndnl Copyright (C) 2002-2023 Free Software Foundation, Inc.\nAC_DEFUN([gl_XALLOC], [:])\n';
const xalloc3 = '# xalloc.m4 serial 19\ndnl Copyright (C) 2002-2024 Free Software Foundation, Inc.\nAC_DEFUN([gl_XALLOC], [gl_PREREQ_XALLOC])\n';

test('the m4 history reads back by name and by hash, with commit and date', () => {
  const fx = makeFixture();
  try {
    const versions = [
      version('xalloc.m4', xalloc1, 'a'.repeat(40), '20220401'),
      version('xalloc.m4', xalloc2, 'b'.repeat(40), '20230101'),
      version('xalloc.m4', xalloc3, 'c'.repeat(40), '20240301'),
      version('00gnulib.m4', '# 00gnulib.m4 serial 8\n', 'a'.repeat(40), '20220401'),
    ];
    const path = join(fx.dir, 'history.bin');
    writeFileSync(path, encodeHistory(versions));
    const history = readHistory(path);
    assert.is(history.size, 4);
    const xalloc = history.byName('xalloc.m4');
    assert.equal(xalloc.map((f) => [f.serial, f.origin.version]), [[18, '20220401'], [18, '20230101'], [19, '20240301']]);
    assert.is(xalloc[0]!.path, `gnulib.git:m4/xalloc.m4@${'a'.repeat(12)}`);
    assert.is(xalloc[0]!.codeHash, xalloc[1]!.codeHash);
    assert.equal(history.byName('nope.m4'), []);
    const h = hashFile(Buffer.from(xalloc2));
    // By git blob id, and by sha256 on the 128-bit prefix kept; the same row is the same object.
    assert.ok(history.byHash(h.blobId)[0] === xalloc[1]);
    assert.ok(history.byHash(h.sha256)[0] === xalloc[1]);
    assert.equal(history.byHash(h.blobId256!), []);
    assert.equal(history.byHash('0'.repeat(40)), []);
    assert.equal(history.byHash('not a hash'), []);
    writeFileSync(path, 'garbage');
    assert.throws(() => readHistory(path), /reading knowledge history .*history\.bin/);
  } finally {
    fx.cleanup();
  }
});

test('history lookups by hash find every row with those bytes and no other, among rows sharing their first bytes; the older brotli layout reads the same', () => {
  const fx = makeFixture();
  try {
    // 400 versions whose blob ids and sha256s fall on 7 four-byte keys, so that
    // many rows share a key (the hash lookup's unit), some of them equal.
    const versions: HistoryVersion[] = [];
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    for (let i = 0; i < 400; i++) {
      const key = hex(((i % 7) * 0x2468ace1) >>> 0, 8);
      const bytesId = i % 50;
      versions.push({
        name: `m${i % 13}.m4`,
        dir: 'm4',
        codeHash: hex(i, 64),
        blobId: key + hex(bytesId, 32),
        // The history keeps the first 128 bits of a sha256: these differ there.
        sha256: key + hex(bytesId, 24) + '0'.repeat(32),
        size: i,
        commit: hex(i % 9, 40),
        version: `2020${hex((i % 9) + 1, 4)}`,
        package: 'gnulib',
      });
    }
    const path = join(fx.dir, 'history.bin');
    const encoded = encodeHistory(versions);
    writeFileSync(path, encoded);
    const history = readHistory(path);
    const all = [...new Set(versions.map((v) => v.name))].flatMap((n) => history.byName(n));
    assert.is(all.length, 400);
    for (const v of versions) {
      const want = all.filter((f) => f.blobId === v.blobId).map((f) => f.path + f.size);
      assert.equal(history.byHash(v.blobId).map((f) => f.path + f.size).sort(), want.sort(), v.blobId);
      assert.equal(history.byHash(v.sha256).map((f) => f.path + f.size).sort(), want.sort(), v.sha256);
    }
    // A key between and beyond the stored ones.
    assert.equal(history.byHash('00000001' + '0'.repeat(32)), []);
    assert.equal(history.byHash('ffffffff' + '0'.repeat(32)), []);

    // Files written before the uncompressed layout: the same bytes after its magic line, brotli-compressed.
    const older = join(fx.dir, 'older.bin');
    writeFileSync(older, brotliCompressSync(encoded.subarray(encoded.indexOf(10) + 1)));
    const old = readHistory(older);
    assert.equal(
      versions.map((v) => old.byHash(v.blobId).map((f) => f.path + f.size)),
      versions.map((v) => history.byHash(v.blobId).map((f) => f.path + f.size)),
    );
  } finally {
    fx.cleanup();
  }
});

test('known files are ordered as reasons name them, the same as by localeCompare, on every name of the shipped knowledge', async () => {
  const lib = await loadKnowledge({ hostDirs: [] });
  const index = JSON.parse(readFileSync(shippedIndexPath, 'utf8')) as { files: Array<{ name: string }> };
  const rank = (f: KnownFile) => (/^\d{8}$/.test(f.origin.version) ? 2 : f.variant ? 1 : 0);
  const before = (a: KnownFile, b: KnownFile) =>
    rank(a) - rank(b) || a.origin.package.localeCompare(b.origin.package) || b.origin.version.localeCompare(a.origin.version, 'en', { numeric: true });
  const names = [...new Set([...index.files.map((f) => f.name), 'xalloc.m4', 'gettext.m4', 'po.m4'])];
  let compared = 0;
  for (const name of names) {
    const known = lib.byName(name);
    // Stable sorts of the same list: equal when the two orders agree on every pair.
    assert.equal([...known].sort(byPreference), [...known].sort(before), name);
    // Ranked, each package and version compared once: the same order, with a key before it too.
    assert.equal(sortedByPreference(known), [...known].sort(before), name);
    const odd = (f: KnownFile) => known.indexOf(f) % 2;
    assert.equal(sortedByPreference(known, odd), [...known].sort((a, b) => odd(a) - odd(b) || before(a, b)), name);
    compared += known.length;
  }
  assert.ok(compared > 10000, `${compared} known files compared`);
});

test("the shipped knowledge has pkg-config's pkg.m4 beside pkgconf's: releases made on Ubuntu carry the former", async () => {
  const lib = await loadKnowledge({ hostDirs: [] });
  const pkg = lib.byName('pkg.m4');
  assert.ok(pkg.some((f) => f.origin.package === 'pkg-config' && f.serial === 12), 'pkg-config 0.29.2');
  assert.ok(pkg.some((f) => f.origin.package === 'pkgconf'), 'pkgconf');
});

test('ranked, values the collator finds equal keep one place: the next key decides, as with byPreference', () => {
  // é precomposed and e with a combining accent collate as equal: the version orders these.
  const file = (pkg: string, version: string) => ({ name: 'x.m4', origin: { package: pkg, version } }) as unknown as KnownFile;
  const files = [file('caf\u00e9', '1.0'), file('cafe\u0301', '2.0'), file('caf\u00e9', '3.0')];
  assert.equal(sortedByPreference(files), [...files].sort(byPreference));
  assert.equal(sortedByPreference(files).map((f) => f.origin.version), ['3.0', '2.0', '1.0']);
});

test('genuine texts read back by name and blob id, across chunks, checked by their full id', async () => {
  const texts = [xalloc1, xalloc2, xalloc3].map((t) => ({ name: 'xalloc.m4', blobId: hashFile(Buffer.from(t)).blobId, bytes: Buffer.from(t) }));
  // A text too large for one chunk starts another.
  const big = Buffer.alloc(5 * 1024 * 1024, 'x\n');
  texts.push({ name: 'texinfo.tex', blobId: hashFile(big).blobId, bytes: big }, { name: 'texinfo.tex', blobId: hashFile(Buffer.from('y\n')).blobId, bytes: Buffer.from('y\n') });
  const fx = makeFixture();
  try {
    const path = join(fx.dir, 'texts.bin');
    writeFileSync(path, encodeTexts([...texts, texts[0]!], { quality: 1 }));
    const store = new TextStore(path);
    // Each asked twice: the first ask of a chunk reads part of it, the next ones what was kept or more of it.
    for (const t of [...texts, ...texts]) assert.ok((await store.text(t.name, t.blobId))?.equals(t.bytes), t.name);
    // Same blob, another name: stored under the name it was given.
    assert.is(await store.text('other.m4', texts[0]!.blobId), undefined);
    // The same 8-digit prefix with another id is not a match.
    assert.is(await store.text('xalloc.m4', texts[0]!.blobId.slice(0, 8) + '0'.repeat(32)), undefined);
    await rejectsWith(new TextStore(join(fx.dir, 'none.bin')).text('x', 'y'), /reading knowledge texts/);
    // Chunks are read from the file when asked: a file cut short fails at the chunk it lost, naming the file.
    const cut = join(fx.dir, 'cut.bin');
    const whole = readFileSync(path);
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    const damaged = new TextStore(cut);
    assert.ok((await damaged.text('texinfo.tex', texts[4]!.blobId))?.equals(texts[4]!.bytes), 'an earlier chunk still reads');
    await rejectsWith(damaged.text('xalloc.m4', texts[0]!.blobId), /reading knowledge texts .*cut\.bin: the texts of xalloc\.m4: the file ends at byte/);
  } finally {
    fx.cleanup();
  }
});

test('genuine texts: a chunk is decompressed only as far as the texts asked need, again from its start at least twice as far, and what it took is kept', async () => {
  const mb = 1024 * 1024;
  const texts = ['a', 'b', 'c', 'd'].map((c) => Buffer.alloc(1.5 * mb, `${c}\n`)).map((bytes) => ({ name: 'texinfo.tex', blobId: hashFile(bytes).blobId, bytes }));
  const fx = makeFixture();
  try {
    const path = join(fx.dir, 'texts.bin');
    writeFileSync(path, encodeTexts(texts, { quality: 1 }));
    const store = new TextStore(path);
    const ask = async (k: number) => assert.ok((await store.text('texinfo.tex', texts[k]!.blobId))?.equals(texts[k]!.bytes), `text ${k}`);
    // The second of four 1.5 MB texts ends at 3 MB: at most a piece (1 MB) more is decompressed.
    await ask(1);
    const first = store.decompressedBytes;
    assert.ok(first >= 3 * mb && first <= 4 * mb, `${first} bytes decompressed for the first text asked`);
    // A text past that decompresses the chunk again to its end (6 MB, twice 3 MB), once for two asks at a time, and keeps it.
    await Promise.all([ask(3), ask(0)]);
    assert.is(store.decompressedBytes, first + 6 * mb);
    await ask(2);
    await ask(1);
    assert.is(store.decompressedBytes, first + 6 * mb);
  } finally {
    fx.cleanup();
  }
});

test('the library reads the m4 history only for m4 names, and diffs against shipped texts without host copies', async () => {
  const fx = makeFixture();
  try {
    const historyPath = join(fx.dir, 'history.bin');
    writeFileSync(historyPath, encodeHistory([version('xalloc.m4', xalloc1, 'a'.repeat(40), '20220401'), version('xalloc.m4', xalloc3, 'c'.repeat(40), '20240301')]));
    const textsPath = join(fx.dir, 'texts.bin');
    writeFileSync(textsPath, encodeTexts([buildToHost3, xalloc1, xalloc3].map((t) => ({ name: /^# (\S+)/.exec(t)![1]!, blobId: hashFile(Buffer.from(t)).blobId, bytes: Buffer.from(t) })), { quality: 1 }));

    // A damaged history is never read while no m4 name is asked.
    const damaged = join(fx.dir, 'damaged.bin');
    writeFileSync(damaged, 'garbage');
    const lazy = await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [], historyPaths: [damaged] });
    assert.is(lazy.byName('install-sh').length, 1);
    assert.is(lazy.byHash(hashFile(Buffer.from('x')).blobId, 'install-sh').length, 0);
    assert.throws(() => lazy.byName('xalloc.m4'), /reading knowledge history/);
    try {
      await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [], historyPaths: [join(fx.dir, 'missing.bin')] });
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.match((err as Error).message, 'missing.bin');
    }

    const lib = await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [], historyPaths: [historyPath], textsPaths: [textsPath] });
    const ctx = context(lib);
    // An older gnulib's macro, same serial as nothing in index.json: explained by the history.
    const copied = { kind: 'only-in-release' as const, path: 'm4/xalloc.m4', release: releaseFile('m4/xalloc.m4', xalloc1) };
    const j = await knownGood.judge(copied, ctx);
    assert.is(j?.severity, 'low');
    assert.match(j!.reasons[0]!, 'identical to xalloc.m4 serial 18 of gnulib 20220401');
    assert.is(j!.evidence!.matches![0]!.path, `gnulib.git:m4/xalloc.m4@${'a'.repeat(12)}`);
    assert.is(await m4Serial.judge(copied, ctx), undefined);
    // Its copyright years updated by the project: the same code, low.
    const years = xalloc1.replace('2002-2022', '2002-2025');
    const same = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/xalloc.m4', release: releaseFile('m4/xalloc.m4', years) }, ctx);
    assert.is(same?.severity, 'low');
    assert.match(same!.reasons[0]!, 'same macro code as xalloc.m4 serial 18 of gnulib 20220401');

    // The xz shape with no host copy: the diff comes from the shipped texts.
    const bth30 = buildToHost3.replace('serial 3', 'serial 30').replace('\n])', '\n  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`\n])');
    const x = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/build-to-host.m4', release: releaseFile('m4/build-to-host.m4', bth30) }, ctx);
    assert.is(x?.severity, 'critical');
    assert.is(x!.evidence!.diffNote, undefined);
    assert.match(x!.evidence!.diff!, '-# build-to-host.m4 serial 3\n+# build-to-host.m4 serial 30');
    assert.match(x!.evidence!.diff!, '+  gl_am_configmake=`grep -aErls');
    assert.ok(x!.reasons.includes('diff against the nearest genuine build-to-host.m4 serial 3 of gnulib 20230209+stable (Debian)'), x!.reasons.join('\n'));
  } finally {
    fx.cleanup();
  }
});

test.run();
