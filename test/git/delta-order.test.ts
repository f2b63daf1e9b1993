/**
 * The order the tag's blobs are hashed ahead in (src/git/delta-order.ts):
 * each blob git stores as a delta of another asked right after it, so that
 * git rebuilds no chain twice. What a test can check is the order itself,
 * against git's own listing of the bases, and that the digests asked so
 * are the blobs' own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTagSide } from '../../src/commands/tag-side.js';
import { deltaOrder, deltaOrdering } from '../../src/git/delta-order.js';
import { openRepo } from '../../src/git/repo.js';
import { makeRepo, removeTempDirs, tempDir, type TestRepo } from '../helpers/repo.js';

const { from, sample } = deltaOrdering;
test.after.each(() => void Object.assign(deltaOrdering, { from, sample }));
test.after(() => removeTempDirs());

/**
 * 40 files, each a 4 KB text with a line of its own, packed as deltas of one
 * another (in chains, as `git gc --aggressive` leaves them); the first
 * `unlike` of them are random bytes instead, which git stores whole.
 */
async function deltaRepo(unlike = 0): Promise<{ made: TestRepo; files: Record<string, string> }> {
  const common = Array.from({ length: 200 }, (_, i) => `line ${i} of the text every file shares\n`).join('');
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) {
    files[`data/f${String(i).padStart(2, '0')}.txt`] = i < unlike ? randomBytes(2048).toString('hex') : `${common.slice(0, 100 * i)}file ${i}\n${common.slice(100 * i)}`;
  }
  const made = await makeRepo({ files, tags: ['v1'], packed: true });
  await made.git(['repack', '-a', '-d', '-f', '--depth=50', '--window=250']);
  return { made, files };
}

/** git's own word on which blob each is stored against. */
async function bases(made: TestRepo, oids: readonly string[]): Promise<Map<string, string>> {
  const out = await made.git(['cat-file', '--batch-check=%(objectname) %(deltabase)'], { input: oids.map((o) => `${o}\n`).join('') });
  return new Map(out.split('\n').map((l) => l.split(' ') as [string, string]));
}

test('each blob stored as a delta of another in the set comes after it; the set is the same', async () => {
  const { made, files } = await deltaRepo();
  const repo = await openRepo(made.dir, { cacheDir: await tempDir() });
  const oids = await Promise.all(Object.values(files).map((c) => made.hashObject(c)));
  const base = await bases(made, oids);
  const inSet = oids.filter((o) => oids.includes(base.get(o)!));
  assert.ok(inSet.length >= 20, `git stored ${inSet.length} of the 40 blobs as deltas of one another`);
  // Asked in path order, some delta comes before its base: the test can tell the orders apart.
  assert.ok(inSet.some((o) => oids.indexOf(o) < oids.indexOf(base.get(o)!)), 'path order is not already delta order');
  deltaOrdering.from = 0;
  // Decided on the whole set, then on every fourth blob of it and listed whole after.
  for (const size of [1000, 10]) {
    deltaOrdering.sample = size;
    const order = await deltaOrder(repo, oids);
    assert.equal([...order].sort(), [...oids].sort());
    for (const o of inSet) assert.ok(order.indexOf(base.get(o)!) < order.indexOf(o), `${o} after its base (sample of ${size})`);
  }
});

test('a set few of whose blobs are deltas of one another keeps the order asked: a sample decides', async () => {
  // 10 similar files among 30 that git stores whole: at most 9 of 40 are deltas of blobs in the set.
  const { made, files } = await deltaRepo(30);
  const repo = await openRepo(made.dir, { cacheDir: await tempDir() });
  const oids = await Promise.all(Object.values(files).map((c) => made.hashObject(c)));
  const base = await bases(made, oids);
  const inSet = oids.filter((o) => oids.includes(base.get(o)!));
  assert.ok(inSet.length >= 5 && inSet.length < 40 / 3, `${inSet.length} of the 40 blobs are deltas of others in the set`);
  assert.ok(inSet.some((o) => oids.indexOf(o) < oids.indexOf(base.get(o)!)), 'ordering would change the order');
  deltaOrdering.from = 0;
  assert.is(await deltaOrder(repo, oids), oids);
});

test('small sets, partial clones and a repository git cannot read keep the order asked', async () => {
  const { made, files } = await deltaRepo();
  const repo = await openRepo(made.dir, { cacheDir: await tempDir() });
  const oids = await Promise.all(Object.values(files).map((c) => made.hashObject(c)));
  deltaOrdering.from = 41;
  assert.is(await deltaOrder(repo, oids), oids);
  deltaOrdering.from = 0;
  assert.is(await deltaOrder({ ...repo, promisor: true }, oids), oids);
  assert.is(await deltaOrder({ ...repo, gitDir: `${repo.gitDir}-gone` }, oids), oids);
});

test('the tag\'s blobs hashed ahead in delta order are each its own sha256', async () => {
  const { made, files } = await deltaRepo();
  deltaOrdering.from = 0;
  const started = await startTagSide({ repo: made.dir, tag: 'v1', cacheDir: await tempDir(), releaseName: 'app-1.tar' });
  started.digestAhead();
  const tag = await started.complete;
  try {
    assert.is(tag.digestingAhead(), 40);
    for (const [path, content] of Object.entries(files)) {
      assert.is(await tag.blobDigest(tag.byPath.get(path)!.oid), createHash('sha256').update(content).digest('hex'), path);
    }
  } finally {
    await tag.close();
  }
});

test.run();
