import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { createHistory } from '../../src/git/history.js';
import { lsRemoteTags, openRemoteTag, prefetchBlobs } from '../../src/git/remote.js';
import { deepening } from '../../src/git/remote-history.js';
import { git } from '../../src/git/run.js';
import { makeRepo, removeTempDirs, type TestRepo } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-remote-git-'));
let upstream: TestRepo;

test.before(async () => {
  upstream = await makeRepo({
    commits: [
      { files: { 'configure.ac': 'AC_INIT\n', 'logo.png': Buffer.from([0x89, 0x50, 0, 1]) }, tags: ['v1.1'] },
      { files: { 'm4/.gitignore': 'build-to-host.m4\n' }, message: 'Ignore a generated macro' },
      { files: { 'logo.png': Buffer.from([0x89, 0x50, 0, 2]) }, tags: [{ name: 'v1.2', annotated: true }] },
    ],
  });
  await upstream.git(['config', 'uploadpack.allowFilter', 'true']);
  await upstream.git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
});

test.after(async () => {
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('ls-remote tags are peeled: annotated tags give their commit', async () => {
  const tags = await lsRemoteTags(`file://${upstream.gitDir}`);
  const v12 = tags.find((t) => t.name === 'v1.2')!;
  assert.is(v12.annotated, true);
  assert.is(v12.commit, upstream.commits[2]);
  assert.is.not(v12.object, v12.commit);
  assert.is(tags.find((t) => t.name === 'v1.1')!.annotated, false);
});

test('the fetch is shallow and blobless; blobs come in one batch on request', async () => {
  const remote = await openRemoteTag(`file://${upstream.gitDir}`, { cacheDir, releaseName: 'proj-1.2.tar.gz' });
  assert.is(remote.ref.ref, 'v1.2');
  const target = { gitDir: remote.repo.gitDir };
  assert.is(await git(target, ['rev-parse', '--is-shallow-repository']).then((r) => r.stdout.toString().trim()), 'true');
  // Its object folder is known without asking git, and is the one git uses.
  assert.is(remote.repo.objectsDir, await git(target, ['rev-parse', '--path-format=absolute', '--git-path', 'objects']).then((r) => r.stdout.toString().trim()));
  const blob = await upstream.hashObject('AC_INIT\n');
  const missing = async () => (await git(target, ['rev-list', '--objects', '--missing=print', `${remote.ref.commit}^{tree}`])).stdout.toString();
  assert.match(await missing(), new RegExp(`\\?${blob}`));
  await prefetchBlobs(remote.repo, [blob]);
  await prefetchBlobs(remote.repo, [blob]); // present now: nothing to fetch, and no error
  assert.not.match(await missing(), new RegExp(`\\?${blob}`));
  assert.match(await missing(), /\?/, 'other blobs are still not fetched');
  // One cache repository per remote, reused.
  assert.equal(readdirSync(join(cacheDir, 'repos')).filter((d) => d.startsWith('remote-')).length, 1);
});

test('history questions deepen the clone (still blobless) and find the ignore rule and the previous tag', async () => {
  const remote = await openRemoteTag(`file://${upstream.gitDir}`, { cacheDir, releaseName: 'proj-1.2.tar.gz', tag: 'v1.2' });
  const notes: string[] = [];
  const history = deepening(createHistory(remote.repo, remote.ref.commit, cacheDir), remote.repo, notes);
  const ignored = await history.ignoredBy('m4/build-to-host.m4');
  assert.is(ignored?.file, 'm4/.gitignore');
  assert.is(ignored?.commit, upstream.commits[1]);
  const binaries = await history.changedBinariesSincePreviousTag();
  assert.equal(binaries, { previousTag: 'v1.1', paths: ['logo.png'] });
  await history.close();
  assert.equal(notes, []);
});

test('when the history cannot be fetched the evidence is left out with a note', async () => {
  const gone = await makeRepo({ files: { 'm4/.gitignore': 'x.m4\n' }, tags: ['v2.0'] });
  const remote = await openRemoteTag(`file://${gone.gitDir}`, { cacheDir, releaseName: 'proj-2.0.tar.gz' });
  await rm(gone.dir, { recursive: true, force: true });
  const notes: string[] = [];
  const history = deepening(createHistory(remote.repo, remote.ref.commit, cacheDir), remote.repo, notes);
  assert.is(await history.ignoredBy('m4/x.m4'), undefined);
  await history.close();
  assert.is(notes.length, 1);
  assert.match(notes[0]!, /history evidence is incomplete/);
});

test('a server that advertises a tag as another commit than its tag object names is refused, even when that commit is cached', async () => {
  const forged = await makeRepo({
    commits: [
      { files: { 'a.c': 'good\n' }, tags: ['v1.1'] },
      { files: { 'a.c': 'planted\n' }, tags: [{ name: 'v1.2', annotated: true }] },
    ],
  });
  await forged.git(['pack-refs', '--all']);
  const packed = join(forged.gitDir, 'packed-refs');
  const lines = readFileSync(packed, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.endsWith(' refs/tags/v1.2'));
  assert.ok(lines[at + 1]?.startsWith('^'), 'packed-refs holds the peeled line');
  lines[at + 1] = `^${forged.commits[0]}`;
  writeFileSync(packed, lines.join('\n'));
  const url = `file://${forged.gitDir}`;
  const tags = await lsRemoteTags(url);
  assert.is(tags.find((t) => t.name === 'v1.2')!.commit, forged.commits[0], 'the forged advertisement is what ls-remote sees');
  const cache = mkdtempSync(join(tmpdir(), 'cuckoo-forged-'));
  try {
    await openRemoteTag(url, { cacheDir: cache, releaseName: 'proj-1.1.tar.gz', tag: 'v1.1' });
    await openRemoteTag(url, { cacheDir: cache, releaseName: 'proj-1.2.tar.gz', tag: 'v1.2' });
    assert.unreachable('the forged tag should be refused');
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.match((err as Error).message, new RegExp(`advertises tag v1\\.2 as commit ${forged.commits[0]}, but the tag object it sent leads to ${forged.commits[1]}`));
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('the cached tag ref is set to the object the server lists, not left where an earlier run put it', async () => {
  const moving = await makeRepo({ commits: [{ files: { 'a.c': 'one\n' }, tags: ['v3.0'] }, { files: { 'a.c': 'two\n' } }] });
  const url = `file://${moving.gitDir}`;
  const cache = mkdtempSync(join(tmpdir(), 'cuckoo-moving-'));
  try {
    const first = await openRemoteTag(url, { cacheDir: cache, releaseName: 'proj-3.0.tar.gz', tag: 'v3.0' });
    // The same commit reached under another tag later: it is present, so no fetch runs.
    await moving.git(['tag', '-f', 'v3.0', moving.commits[1]!]);
    await openRemoteTag(url, { cacheDir: cache, releaseName: 'proj-3.0.tar.gz', commit: moving.commits[1]! });
    const again = await openRemoteTag(url, { cacheDir: cache, releaseName: 'proj-3.0.tar.gz', tag: 'v3.0' });
    assert.is(again.ref.commit, moving.commits[1]);
    const local = await git({ gitDir: first.repo.gitDir }, ['rev-parse', 'refs/tags/v3.0']);
    assert.is(local.stdout.toString().trim(), moving.commits[1]);
    assert.is(again.firstSeen!.object, moving.commits[0], 'the move is still noticed');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test.run();
