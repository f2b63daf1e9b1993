import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from '../../src/cache.js';
import { openRepo } from '../../src/git/repo.js';
import { gitText } from '../../src/git/run.js';
import { makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

async function rejectsInput(promise: Promise<unknown>, pattern: RegExp) {
  const e = await rejects(promise, 'input', pattern);
  assert.ok(e.hint, 'an input error says what to check');
  return e;
}

test('opens a work tree by its top folder, without upward discovery', async () => {
  const repo = await makeRepo({ files: { a: 'a\n', 'sub/b': 'b\n' }, tags: ['v1'] });
  const cacheDir = await tempDir();
  const handle = await openRepo(repo.dir, { cacheDir });
  assert.is(handle.gitDir, repo.gitDir);
  assert.is(handle.kind, 'local');
  assert.is(handle.objectFormat, 'sha1');
  assert.is(handle.source, repo.dir);
  await rejectsInput(openRepo(join(repo.dir, 'sub'), { cacheDir }), /sub: not a git repository or bundle/);
});

test('opens a bare repository', async () => {
  const repo = await makeRepo({ bare: true, files: { a: 'a\n' } });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  assert.is(handle.gitDir, repo.dir);
  assert.is(handle.kind, 'local');
});

test('opens a sha256 repository', async () => {
  const repo = await makeRepo({ objectFormat: 'sha256', files: { a: 'a\n' } });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  assert.is(handle.objectFormat, 'sha256');
});

test('unbundles a v2 bundle once into the cache and reuses it', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' }, tags: ['v1', { name: 'v1-a', annotated: true }] });
  const bundle = await repo.bundle();
  const { readFile } = await import('node:fs/promises');
  assert.match((await readFile(bundle)).subarray(0, 16).toString('latin1'), /^# v2 git bundle\n/);
  const cacheDir = await tempDir();
  const handle = await openRepo(bundle, { cacheDir });
  assert.is(handle.kind, 'bundle');
  assert.is(handle.objectFormat, 'sha1');
  assert.match(handle.gitDir, /\/repos\/bundle-[0-9a-f]{64}\.git$/);
  assert.is(await gitText(handle, ['rev-parse', 'refs/tags/v1^{commit}']), repo.commits[0]);
  assert.is(await gitText(handle, ['cat-file', '-t', 'refs/tags/v1-a']), 'tag');
  const again = await openRepo(bundle, { cacheDir });
  assert.is(again.gitDir, handle.gitDir);
  // Its object folder is known without asking git again, and is the one git uses.
  assert.is(handle.objectsDir, await gitText(handle, ['rev-parse', '--path-format=absolute', '--git-path', 'objects']));
  assert.is(again.objectsDir, handle.objectsDir);
  const entries = await readdir(join(cacheDir, 'repos'));
  assert.equal(entries, [handle.gitDir.split('/').pop()], 'no temporary folder is left behind');
});

test('unbundles a sha256 repository bundle (v3, @object-format=sha256)', async () => {
  const repo = await makeRepo({ objectFormat: 'sha256', files: { a: 'a\n' }, tags: ['v1'] });
  const bundle = await repo.bundle();
  const { readFile } = await import('node:fs/promises');
  assert.match((await readFile(bundle)).subarray(0, 64).toString('latin1'), /^# v3 git bundle\n@object-format=sha256\n/);
  const handle = await openRepo(bundle, { cacheDir: await tempDir() });
  assert.is(handle.objectFormat, 'sha256');
  assert.is(await gitText(handle, ['rev-parse', 'refs/tags/v1']), repo.commits[0]);
});

test('a v3 bundle of a sha1 repository', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' }, tags: ['v1'] });
  const handle = await openRepo(await repo.bundle({ version: 3 }), { cacheDir: await tempDir() });
  assert.is(handle.objectFormat, 'sha1');
  assert.is(await gitText(handle, ['rev-parse', 'refs/tags/v1']), repo.commits[0]);
});

test('a bundle of HEAD alone keeps its commit', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' } });
  const bundle = await repo.bundle({ refs: ['HEAD'] });
  const handle = await openRepo(bundle, { cacheDir: await tempDir() });
  assert.is(await gitText(handle, ['rev-parse', `${repo.commits[0]}^{commit}`]), repo.commits[0]);
});

test('a half-made cache entry is never trusted', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' }, tags: ['v1'] });
  const bundle = await repo.bundle();
  const cacheDir = await tempDir();
  const first = await openRepo(bundle, { cacheDir });
  const { rm } = await import('node:fs/promises');
  await rm(join(first.gitDir, 'HEAD'));
  const second = await openRepo(bundle, { cacheDir });
  assert.is(await gitText(second, ['rev-parse', 'refs/tags/v1']), repo.commits[0]);
});

test('not a repository, a missing path, a broken bundle, an incremental bundle → input errors', async () => {
  const cacheDir = await tempDir();
  const empty = await tempDir();
  await rejectsInput(openRepo(empty, { cacheDir }), /not a git repository or bundle/);
  await rejectsInput(openRepo(join(empty, 'nope'), { cacheDir }), /nope: not a git repository or bundle/);
  const text = join(empty, 'file.txt');
  await writeFile(text, 'hello\n');
  await rejectsInput(openRepo(text, { cacheDir }), /file\.txt: not a git repository or bundle/);
  const broken = join(empty, 'broken.bundle');
  await writeFile(broken, '# v2 git bundle\n0123456789012345678901234567890123456789 refs/heads/main\n\nPACKgarbage');
  await rejectsInput(openRepo(broken, { cacheDir }), /broken\.bundle: unreadable git bundle/);
  const repo = await makeRepo({ files: { a: 'a\n' }, commits: [{ files: { b: 'b\n' } }] });
  const incremental = await repo.bundle({ refs: [`${repo.commits[0]}..main`] });
  await rejectsInput(openRepo(incremental, { cacheDir }), /incremental/);
  const left = await readdir(join(cacheDir, 'repos')).catch(() => []);
  assert.equal(left, [], 'a failed unbundle leaves nothing in the cache');
});

test('opening writes nothing inside the user repository', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' } });
  const before = (await stat(repo.gitDir)).mtimeMs;
  const listing = (await readdir(repo.gitDir)).sort();
  await openRepo(repo.dir, { cacheDir: await tempDir() });
  assert.equal((await readdir(repo.gitDir)).sort(), listing);
  assert.is((await stat(repo.gitDir)).mtimeMs, before);
});

test('defaultCacheDir follows XDG_CACHE_HOME, else ~/.cache', () => {
  assert.is(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), '/x/cache/cuckoo');
  assert.is(defaultCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }), '/home/u/.cache/cuckoo');
  assert.is(defaultCacheDir({ HOME: '/home/u' }), '/home/u/.cache/cuckoo');
});

test.run();
