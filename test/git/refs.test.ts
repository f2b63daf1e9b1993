import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BlobReader } from '../../src/git/blobs.js';
import { commitDate, committerDate, listTags, resolveRef } from '../../src/git/refs.js';
import { openRepo } from '../../src/git/repo.js';
import { makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

async function fixture() {
  const repo = await makeRepo({
    files: { a: 'one\n' },
    tags: ['v1.0', { name: 'v1.0-annotated', annotated: true }],
    commits: [{ files: { a: 'two\n' }, tags: [{ name: 'v2.0', annotated: true }, 'v2.0-light'] }],
  });
  // A tag of a tag, and a tag of a tree.
  await repo.git(['tag', '-a', '-m', 'nested', 'v2.0-nested', 'v2.0']);
  await repo.git(['tag', 'tree-tag', `${repo.commits[1]}^{tree}`]);
  return { repo, handle: await openRepo(repo.dir, { cacheDir: await tempDir() }) };
}

test('listTags: annotated, lightweight, nested, dates, peeled commits', async () => {
  const { repo, handle } = await fixture();
  const tags = new Map((await listTags(handle)).map((t) => [t.name, t]));
  assert.equal([...tags.keys()].sort(), ['tree-tag', 'v1.0', 'v1.0-annotated', 'v2.0', 'v2.0-light', 'v2.0-nested']);
  const light = tags.get('v1.0')!;
  assert.equal(light, { name: 'v1.0', refName: 'refs/tags/v1.0', object: repo.commits[0], commit: repo.commits[0], annotated: false, date: 1_700_000_000 });
  const annotated = tags.get('v2.0')!;
  assert.ok(annotated.annotated);
  assert.is(annotated.commit, repo.commits[1]);
  assert.is.not(annotated.object, repo.commits[1]);
  assert.is(annotated.object, await repo.git(['rev-parse', 'refs/tags/v2.0']));
  assert.is(annotated.date, 1_700_000_000 + 86400 + 3600, 'tagger date');
  assert.is(tags.get('v2.0-nested')!.commit, repo.commits[1], 'fully peeled');
  assert.is(tags.get('tree-tag')!.commit, undefined);
});

test('resolveRef: tag by short or full name, peeled to the commit', async () => {
  const { repo, handle } = await fixture();
  assert.equal(await resolveRef(handle, { tag: 'v2.0' }), { ref: 'v2.0', refName: 'refs/tags/v2.0', commit: repo.commits[1], annotated: true });
  assert.equal(await resolveRef(handle, { tag: 'refs/tags/v1.0' }), { ref: 'v1.0', refName: 'refs/tags/v1.0', commit: repo.commits[0], annotated: false });
  assert.is((await resolveRef(handle, { tag: 'v2.0-nested' })).commit, repo.commits[1]);
});

test('resolveRef: a branch is not a tag; unknown tags list the nearest', async () => {
  const { handle } = await fixture();
  const e = await rejects(resolveRef(handle, { tag: 'main' }), 'input', /tag main not found in /);
  const missing = await rejects(resolveRef(handle, { tag: 'v2.1' }), 'input', /tag v2\.1 not found/);
  assert.match(missing.hint!, /nearest tags: v2\.0, /);
  assert.ok(e.hint);
  await rejects(resolveRef(handle, { tag: 'v1.0/x' }), 'input', /not found/);
  await rejects(resolveRef(handle, { tag: 'tree-tag' }), 'input', /does not point to a commit/);
});

test('resolveRef: commit by full id, abbreviated id, or commit-ish', async () => {
  const { repo, handle } = await fixture();
  const [first, second] = repo.commits as [string, string];
  assert.equal(await resolveRef(handle, { commit: second }), { ref: second, commit: second, annotated: false });
  assert.is((await resolveRef(handle, { commit: first.slice(0, 7) })).commit, first);
  assert.is((await resolveRef(handle, { commit: 'main~1' })).commit, first);
  assert.is((await resolveRef(handle, { commit: 'v2.0' })).commit, second, 'tags peel');
  await rejects(resolveRef(handle, { commit: 'deadbeef' }), 'input', /commit deadbeef not found/);
  await rejects(resolveRef(handle, { commit: '--all' }), 'input', /not found/);
  await rejects(resolveRef(handle, { commit: `${second}^{tree}` }), 'input', /not found/);
});

test('resolveRef: tag and commit must agree; neither is a usage error', async () => {
  const { repo, handle } = await fixture();
  assert.is((await resolveRef(handle, { tag: 'v2.0', commit: repo.commits[1]!.slice(0, 10) })).ref, 'v2.0');
  await rejects(resolveRef(handle, { tag: 'v2.0', commit: repo.commits[0]! }), 'input', /tag v2\.0 is commit/);
  await rejects(resolveRef(handle, {}), 'usage', /no tag or commit/);
});

test.run();

test('commitDate: from the commit object through a running cat-file, as git log %ct says', async () => {
  const { repo, handle } = await fixture();
  const reader = new BlobReader(handle);
  try {
    for (const commit of repo.commits) {
      const expected = Number(await repo.git(['log', '-1', '--format=%ct', commit]));
      assert.is(await commitDate(handle, commit, (oid) => reader.read(oid)), expected);
      assert.is(await commitDate(handle, commit), expected);
    }
  } finally {
    await reader.close();
  }
  // A committer line with a name that holds "> " and a negative zone.
  const object = Buffer.from('tree x\nauthor A <a@x> 1 +0000\ncommitter B > C <b@x> 1234567890 -0130\n\ncommitter X <x@x> 5 +0000\n');
  assert.is(committerDate(object), 1234567890);
  assert.is(committerDate(Buffer.from('tree x\n\nno header\n')), undefined);
});
