import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readReleaseEntries, settleTagIds } from '../../src/commands/release-source.js';
import { startTagSide } from '../../src/commands/tag-side.js';
import { verify } from '../../src/commands/verify.js';
import { CuckooError } from '../../src/errors.js';
import { OidIndex, tagOids } from '../../src/git/oid-index.js';
import { defaultLimits } from '../../src/limits.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { ContentSpill } from '../../src/release/spill.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

/**
 * The release streams while the tag side completes (verify.ts): the read
 * begins once the repository is open, and the tag's tree, attributes and
 * submodules are read beside it.
 */

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-tag-side-'));

test.after(async () => {
  rmSync(cacheDir, { recursive: true, force: true });
  await removeTempDirs();
});

async function withSubmodule() {
  const lib = await makeRepo({ files: { 'm4/lib.m4': 'dnl lib macro\n' }, tags: ['lib-1'] });
  const gitmodules = `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n`;
  const repo = await makeRepo({ files: { '.gitmodules': gitmodules, gnulib: { gitlink: lib.commits[0]! }, 'main.c': 'int main;\n' }, tags: ['v1'] });
  return { lib, repo, gitmodules };
}

test('startTagSide answers once the repository is open; its blob ids grow with the tree, then with the submodules', async () => {
  const { lib, repo } = await withSubmodule();
  const main = await repo.hashObject('int main;\n');
  const macro = await lib.hashObject('dnl lib macro\n');
  const started = await startTagSide({ repo: repo.dir, tag: 'v1', cacheDir, releaseName: 'app-1.tar' });
  assert.is(started.repo.objectFormat, 'sha1');
  // The tree is listed after the answer.
  assert.not.ok(started.oids.has(main));
  await started.listed;
  assert.ok(started.oids.has(main));
  // The submodule's tree is read after the tag's own: not known yet.
  assert.not.ok(started.oids.has(macro));
  const tag = await started.complete;
  try {
    assert.ok(started.oids.has(macro), 'the same set, grown');
    assert.ok(tag.oids.has(macro));
    assert.equal(tag.compared.map((s) => s.path), ['gnulib']);
    // The read-ahead's reader gives the same bytes, the tag's own and a submodule's.
    for (const path of ['main.c', 'gnulib/m4/lib.m4']) {
      const entry = tag.byPath.get(path)!;
      assert.equal(await tag.contentAhead(entry), await tag.content(entry), path);
    }
  } finally {
    await tag.close();
  }
});

test('submodules are opened a few at once, and taken in their order', async () => {
  // A git:// server that answers nothing: it holds each connection until three are open at once,
  // then drops them all, and any later one at once.
  const open = new Set<Socket>();
  let most = 0;
  let reached = false;
  const server = createServer((socket) => {
    socket.on('error', () => {});
    if (reached) {
      socket.destroy();
      return;
    }
    open.add(socket);
    most = Math.max(most, open.size);
    socket.on('close', () => open.delete(socket));
    if (open.size >= 3) {
      reached = true;
      for (const s of open) s.destroy();
    }
    // One at a time, a connection is dropped after a while all the same, so the test ends and fails.
    else setTimeout(() => socket.destroy(), 10_000).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const one = await makeRepo({ files: { 'one.m4': 'dnl one\n' } });
    const two = await makeRepo({ files: { 'two.m4': 'dnl two\n' } });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const url = (n: string) => (n === 'a' ? one.dir : n === 'e' ? two.dir : `git://127.0.0.1:${port}/${n}.git`);
    const commit = (n: string) => (n === 'a' ? one.commits[0]! : n === 'e' ? two.commits[0]! : '1'.repeat(40));
    const gitmodules = names.map((n) => `[submodule "${n}"]\n\tpath = ${n}\n\turl = ${url(n)}\n`).join('');
    const repo = await makeRepo({ files: { '.gitmodules': gitmodules, ...Object.fromEntries(names.map((n) => [n, { gitlink: commit(n) }])) }, tags: ['v1'] });
    const started = await startTagSide({ repo: repo.dir, tag: 'v1', cacheDir, releaseName: 'app-1.tar' });
    const tag = await started.complete;
    try {
      assert.equal(tag.compared.map((s) => s.path), ['a', 'e']);
      assert.equal(tag.unavailable.map((u) => u.submodule.path), ['b', 'c', 'd']);
      assert.ok(tag.byPath.has('a/one.m4') && tag.byPath.has('e/two.m4'));
      assert.is(most, 3, 'the three unreachable ones were tried at once');
    } finally {
      await tag.close();
    }
  } finally {
    server.close();
  }
});

test('a tag that is not there fails the side, and the readers it started are gone', async () => {
  const { repo } = await withSubmodule();
  const catFiles = () =>
    execFileSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => new RegExp(`^\\s*${process.pid}\\s+git .*cat-file --batch$`).test(l)).length;
  const before = catFiles();
  const started = await startTagSide({ repo: repo.dir, tag: 'v9', cacheDir, releaseName: 'app-9.tar' });
  started.digestAhead();
  assert.is(catFiles(), before + 2, 'the blob reader and the digests reader start with the side');
  let err: unknown;
  await started.complete.catch((e: unknown) => (err = e));
  assert.instance(err, CuckooError);
  assert.match(String(err), /v9/);
  assert.is(catFiles(), before, 'no reader left running');
  // Asked for only after the failure, the digests start no reader.
  const again = await startTagSide({ repo: repo.dir, tag: 'v9', cacheDir, releaseName: 'app-9.tar' });
  await again.complete.catch(() => {});
  again.digestAhead();
  assert.is(catFiles(), before);
});

test('entries read before the tag side knew their blob take its id and let their bytes go, as if known from the start', () => {
  const index = new OidIndex();
  const converted = new Set<string>();
  const oids = tagOids(index, converted);
  const file = (path: string, blobId: string): ReleaseEntry => ({ path, type: 'file', mode: 0o644, size: 3, blobId, content: Buffer.from('abc'), index: 0 });
  const fromSubmodule = file('gnulib/m4/lib.m4', ['a', 'a'].join(''));
  const converted1 = file('win.bat', 'bb');
  const own = file('new.c', 'cc');
  const tooLarge: ReleaseEntry = { path: 'big.bin', type: 'file', mode: 0o644, size: 3, blobId: 'dd', contentTooLarge: true, index: 0 };
  // Learned after the read: a submodule's blob, an archive conversion, a large file's blob.
  const tagEntry = { path: 'gnulib/m4/lib.m4', type: 'file' as const, mode: 0o100644, oid: 'aa', size: 3 };
  index.add(tagEntry);
  index.add({ ...tagEntry, path: 'big.bin', oid: 'dd' });
  converted.add('bb');
  settleTagIds([fromSubmodule, converted1, own, tooLarge], oids);
  assert.is(fromSubmodule.content, undefined);
  assert.is(fromSubmodule.blobId, tagEntry.oid, "the tag's own string");
  assert.is(converted1.content, undefined);
  assert.is(tooLarge.contentTooLarge, undefined);
  // The tag cannot give these bytes back: they stay.
  assert.equal(own.content, Buffer.from('abc'));
});

test('a tag side that fails after its tree is listed stops the release read and is the error the run gives', async () => {
  // An encoding cuckoo cannot convert to fails the tag side while it reads the attributes.
  const attributes = 'notes.txt working-tree-encoding=SHIFT-JIS\n';
  const repo = await makeRepo({ files: { '.gitattributes': attributes, 'notes.txt': 'hello\n', 'main.c': 'int main;\n' }, tags: ['v1'] });
  // A release large enough that its read is still going when the tag side fails.
  const entries = [
    { path: 'app-1/.gitattributes', content: attributes },
    { path: 'app-1/main.c', content: 'int main;\n' },
    ...Array.from({ length: 4000 }, (_, i) => ({ path: `app-1/data/f${i}.txt`, content: `file ${i}\n`.repeat(50) })),
  ];
  const release = await writeTemp('scratch/app-1.tar', buildTar(entries));
  const err = await verify({ release, repo: repo.dir, tag: 'v1', cacheDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, CuckooError);
  assert.is((err as CuckooError).code, 'git');
  assert.match((err as Error).message, /working-tree-encoding=SHIFT-JIS cannot be reproduced/);
});

test('the release read stops at the next entry once its signal is aborted', async () => {
  const entries = Array.from({ length: 50 }, (_, i) => ({ path: `app-1/f${i}.txt`, content: `file ${i}\n` }));
  const release = await writeTemp('scratch/app-1.tar', buildTar(entries));
  const stop = new AbortController();
  const source = { path: release, fromCache: false, settle: async () => {} };
  const oids = {
    has: () => false,
    stored: () => false,
    // Asked once per file read: the third stops the run.
    intern(oid: string) {
      if (++seen === 3) stop.abort(new Error('the tag side failed'));
      return oid;
    },
  };
  let seen = 0;
  const err = await readReleaseEntries('app-1.tar', source, { objectFormat: 'sha1', tagOids: oids, limits: defaultLimits, preferJs: false, signal: stop.signal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match(String(err), /the tag side failed/);
  assert.is(seen, 3, 'no entry after the abort');
});

test('read before the tag is listed, files keep their bytes up to a bound, then the read waits; once listed, those the tag has let them go', async () => {
  const body = (i: number) => `file ${i}\n`.repeat(100);
  const entries = Array.from({ length: 6 }, (_, i) => ({ path: `app-1/f${i}.txt`, content: body(i) }));
  const release = await writeTemp('scratch/app-1-early.tar', buildTar(entries));
  const source = { path: release, fromCache: false, settle: async () => {} };
  const index = new OidIndex();
  const oids = tagOids(index, new Set());
  // What the read asks of the tag's ids, counted: one intern per file read.
  let read = 0;
  const counting = { ...oids, intern: (oid: string) => (read++, oids.intern(oid)) };
  let list!: () => void;
  const listed = new Promise<void>((resolve) => (list = resolve));
  const size = Buffer.byteLength(body(0));
  // Room in memory for three files' bytes; the rest go to the spill file.
  const spill = new ContentSpill(cacheDir, 3 * size);
  const reading = readReleaseEntries('app-1-early.tar', source, { objectFormat: 'sha1', tagOids: counting, listed, earlyBytes: 2 * size + 1, limits: defaultLimits, preferJs: false, spill });
  let done = false;
  void reading.then(() => (done = true));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // However slow the machine: the read gets to the third file, then stops there.
  for (let waited = 0; read < 3 && !done && waited < 20_000; waited += 10) await sleep(10);
  await sleep(100); // a read that did not wait would go on to the other three meanwhile
  assert.is(read, 3, 'three files kept (past the bound), then the read waits');
  assert.not.ok(done);
  // The tag lists f0 and f4.
  const blobId = (i: number) => createHash('sha1').update(`blob ${Buffer.byteLength(body(i))}\0${body(i)}`).digest('hex');
  for (const i of [0, 4]) index.add({ path: `f${i}.txt`, type: 'file', mode: 0o100644, oid: blobId(i), size });
  list();
  const { entries: got } = await reading;
  const files = got.filter((e) => e.type === 'file');
  assert.is(files.length, 6);
  assert.equal(
    files.map((e) => e.content !== undefined),
    [false, true, true, true, false, true],
    'the bytes of what the tag has go, read before or after the listing',
  );
  // f0's bytes, let go, made room for f3's; f5's went to the spill file.
  assert.is(spill.held, 3 * size);
  assert.is(spill.spilledFiles, 1);
  assert.is(files[5]!.content!.toString(), body(5));
  spill.close();
});

test('the read tells each file\'s blob id as it goes, in the order read', async () => {
  const body = (i: number) => `file ${i}\n`;
  const release = await writeTemp('scratch/app-1-blobs.tar', buildTar([{ path: 'app-1/', type: 'directory' }, ...[0, 1, 2].map((i) => ({ path: `app-1/f${i}.txt`, content: body(i) }))]));
  const source = { path: release, fromCache: false, settle: async () => {} };
  const index = new OidIndex();
  const oids = tagOids(index, new Set());
  const blobId = (i: number) => createHash('sha1').update(`blob ${Buffer.byteLength(body(i))}\0${body(i)}`).digest('hex');
  index.add({ path: 'f1.txt', type: 'file', mode: 0o100644, oid: blobId(1), size: 7 });
  const told: string[] = [];
  const { entries } = await readReleaseEntries('app-1-blobs.tar', source, { objectFormat: 'sha1', tagOids: oids, limits: defaultLimits, preferJs: false, onBlob: (oid) => told.push(oid) });
  assert.equal(told, [0, 1, 2].map(blobId), 'one per file, in the order read; none for the folder');
  assert.equal(entries.filter((e) => e.type === 'file').map((e) => e.blobId), told);
});

test.run();
