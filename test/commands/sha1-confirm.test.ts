import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confirmSha1 } from '../../src/commands/sha1-confirm.js';
import { openTagSide, startTagSide } from '../../src/commands/tag-side.js';
import { BlobReader } from '../../src/git/blobs.js';
import { openRepo } from '../../src/git/repo.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { buildTar, compress, readRelease, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

/**
 * No public pair of git blobs collides under SHA-1 (the published collisions
 * are of raw files; git's blob header breaks them), so a collision is stood
 * for by a release entry that carries a tag blob's id with other bytes' sha256:
 * exactly what a colliding file would give the streaming hasher.
 */

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-sha1-'));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

test.after(async () => {
  rmSync(cacheDir, { recursive: true, force: true });
  await removeTempDirs();
});

const entry = (path: string, blobId: string, content: string, index: number): ReleaseEntry => ({ path, type: 'file', mode: 0o644, size: content.length, blobId, sha256: sha256(content), index });

test('a SHA-1 match is confirmed by sha256 of both sides; bytes that differ under the same blob id are a critical finding', async () => {
  const made = await makeRepo({ files: { 'src/a.c': 'int a;\n', 'b.txt': 'bee\n' }, tags: ['v1'] });
  const repo = await openRepo(made.dir, { cacheDir });
  const a = await made.hashObject('int a;\n');
  const b = await made.hashObject('bee\n');
  const reader = new BlobReader(repo);
  try {
    const tag = { repo, oids: { has: (o: string) => o === a || o === b, stored: (o: string) => o === a || o === b, intern: (o: string) => o }, blobDigest: (oid: string) => reader.digest(oid) };
    const check = await confirmSha1(
      [
        entry('p-1/src/a.c', a, 'int a;\n', 0),
        // Claims b.txt's blob id with other bytes: a collision.
        entry('p-1/b.txt', b, 'evil\n', 1),
        // The same blob twice, once honest.
        entry('p-1/copy.txt', b, 'bee\n', 2),
        // Not the tag's: nothing to confirm.
        entry('p-1/new.txt', '0'.repeat(40), 'new\n', 3),
      ],
      tag,
      (p) => p.slice('p-1/'.length),
    );
    assert.is(check.blobs, 2);
    assert.is(check.files, 3);
    assert.equal(
      check.findings.map((f) => [f.path, f.category, f.severity, f.change]),
      [['b.txt', 'hash-collision', 'critical', 'modified']],
    );
    assert.match(check.findings[0]!.reasons[0]!, new RegExp(`tag's blob ${b}, but its bytes are not: sha256 ${sha256('evil\n')} in the release, ${sha256('bee\n')} in the tag`));
  } finally {
    await reader.close();
  }
});

test('the tag side hashes its blobs ahead, the submodule\'s in their repository; the confirmation reads those digests', async () => {
  const lib = await makeRepo({ files: { 'lib.c': 'int lib;\n' }, tags: ['lib-1'] });
  const made = await makeRepo({
    files: { '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n`, gnulib: { gitlink: lib.commits[0]! }, 'main.c': 'int main;\n', 'link': { symlink: 'main.c' }, '.gitattributes': 'tests/ export-ignore\n', 'tests/data.bin': 'data\n' },
    tags: ['v1'],
  });
  const tag = await openTagSide({ repo: made.dir, tag: 'v1', cacheDir, releaseName: 'app-1.tar' });
  try {
    tag.digestAhead();
    const main = await made.hashObject('int main;\n');
    const libOid = tag.byPath.get('gnulib/lib.c')!.oid;
    assert.is(await tag.blobDigest(main), sha256('int main;\n'));
    assert.is(await tag.blobDigest(libOid), sha256('int lib;\n'));
    assert.is(await tag.blobDigest(tag.byPath.get('link')!.oid), sha256('main.c'));
    // Left out of the early reading (git archive leaves it out), still answered when asked.
    assert.is(await tag.blobDigest(tag.byPath.get('tests/data.bin')!.oid), sha256('data\n'));
    const check = await confirmSha1([entry('app-1/main.c', main, 'int main;\n', 0), entry('app-1/gnulib/lib.c', libOid, 'evil\n', 1)], tag, (p) => p.slice('app-1/'.length));
    assert.equal(check.findings.map((f) => f.path), ['gnulib/lib.c']);
  } finally {
    await tag.close();
  }
});

test('asked for at the start, the tag\'s own blobs are hashed ahead once its attributes are read, before the side is complete; a submodule\'s once a release file matches it', async () => {
  const lib = await makeRepo({ files: { 'lib.c': 'int lib;\n' }, tags: ['lib-1'] });
  const made = await makeRepo({
    files: { '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n`, gnulib: { gitlink: lib.commits[0]! }, 'main.c': 'int main;\n', link: { symlink: 'main.c' }, '.gitattributes': 'tests/ export-ignore\n', 'tests/data.bin': 'data\n' },
    tags: ['v1'],
  });
  const started = await startTagSide({ repo: made.dir, tag: 'v1', cacheDir, releaseName: 'app-1.tar' });
  started.digestAhead();
  const tag = await started.complete;
  try {
    // .gitmodules, .gitattributes, main.c and the link: not the export-ignored file, not the submodule's.
    assert.is(tag.digestingAhead(), 4);
    tag.digestAhead();
    assert.is(tag.digestingAhead(), 4);
    const libOid = tag.byPath.get('gnulib/lib.c')!.oid;
    const mainOid = await made.hashObject('int main;\n');
    // A release file matched the submodule's blob: it is hashed ahead, once; the tag's own already is.
    tag.digestMatched(libOid);
    tag.digestMatched(libOid);
    tag.digestMatched(mainOid);
    tag.digestMatched(await made.hashObject('in no tree\n'));
    assert.is(tag.digestingAhead(), 5);
    assert.is(await tag.blobDigest(mainOid), sha256('int main;\n'));
    assert.is(await tag.blobDigest(libOid), sha256('int lib;\n'));
  } finally {
    await tag.close();
  }
  // Not asked for, nothing is read ahead, matched or not.
  const quiet = await openTagSide({ repo: made.dir, tag: 'v1', cacheDir, releaseName: 'app-1.tar' });
  quiet.digestMatched(quiet.byPath.get('gnulib/lib.c')!.oid);
  assert.is(quiet.digestingAhead(), 0);
  await quiet.close();
});

test('closing a tag side stops the digests still being read', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 400; i++) files[`f${i}.txt`] = `file ${i}\n`.repeat(200);
  const made = await makeRepo({ files, tags: ['v1'] });
  const tag = await openTagSide({ repo: made.dir, tag: 'v1', cacheDir, releaseName: 'app-1.tar' });
  tag.digestAhead();
  // Stopped or answered, the digest settles: nothing is left waiting on git.
  const last = tag.blobDigest(tag.byPath.get('f399.txt')!.oid).then(
    (d) => assert.is(d, sha256('file 399\n'.repeat(200))),
    (err: Error) => assert.match(err.message, /stopped/),
  );
  await tag.close();
  await last;
});

test('with the check on, every file of the release gets its sha256 while it streams, the tag\'s files too', async () => {
  const path = await writeTemp('p-1.tar.gz', await compress(buildTar([{ path: 'p-1/', type: 'directory' }, { path: 'p-1/a', content: 'a\n' }, { path: 'p-1/big', content: Buffer.alloc(3 << 20, 1) }]), 'gzip'));
  const all = () => true;
  const { entries: skipped } = await readRelease(path, { skipSha256: all });
  assert.is(skipped.find((e) => e.path === 'p-1/a')!.sha256, undefined, 'the reader can skip a small file\'s sha256');
  const { entries } = await readRelease(path, { skipSha256: () => false });
  for (const e of entries.filter((x) => x.type === 'file')) assert.ok(e.sha256, e.path);
});

test.run();
