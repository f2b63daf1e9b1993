import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobReader } from '../../src/git/blobs.js';
import { binaryChanges, createHistory, historyWalks } from '../../src/git/history.js';
import { openRepo } from '../../src/git/repo.js';
import type { RepoHandle } from '../../src/git/types.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';
import { execa } from 'execa';

test.after(removeTempDirs);
/** The cache folder the scratch repositories for ignore rules go under. */
const scratchCache = await tempDir('cuckoo-history-cache-');

const root = fileURLToPath(new URL('../../../', import.meta.url));
const handle = (gitDir: string): RepoHandle => ({ source: gitDir, gitDir, objectFormat: 'sha1', kind: 'local' });
const bin = (s: string) => Buffer.concat([Buffer.from(s), Buffer.from([0, 1, 2, 0xfd, 0x37, 0x7a])]);

/**
 * Commit n is dated base + n days. v1.0 at commit 0; the m4 rule lands at
 * commit 2; v1.1 at commit 11, nine days later (as in xz 5.6.0).
 */
async function fixture() {
  const filler = Array.from({ length: 8 }, (_, k) => ({ files: { NEWS: `news ${k}\n` } }));
  return makeRepo({
    files: {
      'configure.ac': 'AC_INIT\n',
      '.gitignore': '*.o\n!keep.o\n/build/\n',
      'm4/.gitignore': 'libtool.m4\n',
      'tests/files/good-1.bin': bin('one'),
      README: 'first\n',
    },
    tags: ['v1.0'],
    commits: [
      { files: { 'tests/files/bad-2.bin': bin('two'), README: 'second\n' } },
      { files: { 'm4/.gitignore': 'libtool.m4\nbuild-to-host.m4\n' }, message: 'm4: ignore more generated macros' },
      ...filler,
      { files: { 'src/main.c': 'int main(void) { return 0; }\n' }, tags: ['v1.1'] },
    ],
  });
}

test('ignoredBy names the rule, the file, the commit that added it and how long before the tag', async () => {
  const repo = await fixture();
  assert.is(repo.commits.length, 12);
  const history = createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache);
  try {
    const m4 = await history.ignoredBy('m4/build-to-host.m4');
    assert.equal(m4, {
      file: 'm4/.gitignore',
      rule: 'build-to-host.m4',
      commit: repo.commits[2]!,
      date: new Date((1_700_000_000 + 2 * 86400) * 1000).toISOString(),
      daysBeforeTag: 9,
      subject: 'm4: ignore more generated macros',
    });
    // Under --tag-path, the folder's ignore files, by their paths in it, and where their rules came from.
    const inFolder = createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache, undefined, { folder: 'm4' });
    assert.equal(await inFolder.ignoredBy('build-to-host.m4'), { ...m4, file: '.gitignore' });
    await inFolder.close();
    const object = await history.ignoredBy('src/deep/x.o');
    assert.is(object?.file, '.gitignore');
    assert.is(object?.rule, '*.o');
    assert.is(object?.commit, repo.commits[0]);
    assert.is(object?.daysBeforeTag, 11);
    // A negated rule re-includes; a folder rule hides everything below it; no rule, no answer.
    assert.is(await history.ignoredBy('keep.o'), undefined);
    assert.is((await history.ignoredBy('build/sub/file.c'))?.rule, '/build/');
    assert.is(await history.ignoredBy('m4/gettext.m4'), undefined);
    assert.is(await history.ignoredBy('configure'), undefined);
  } finally {
    await history.close();
  }
});

test('ignoredBy measures days from the tag date when given', async () => {
  const repo = await fixture();
  const tagDate = 1_700_000_000 + 13 * 86400 + 3600;
  const history = createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache, tagDate);
  assert.is((await history.ignoredBy('m4/build-to-host.m4'))?.daysBeforeTag, 11);
  // A path that starts with a colon is a path, not pathspec magic (which check-ignore would refuse).
  assert.is((await history.ignoredBy(':(top)x.o'))?.rule, '*.o');
  assert.is(await history.ignoredBy(':(exclude)y.c'), undefined);
  await history.close();
});

test('a repository without .gitignore files hides nothing', async () => {
  const repo = await makeRepo({ files: { README: 'x\n' } });
  const history = createHistory(handle(repo.gitDir), repo.commits[0]!, scratchCache);
  assert.is(await history.ignoredBy('m4/x.m4'), undefined);
  await history.close();
});

test('changedBinariesSincePreviousTag lists binary files added or changed since the previous tag', async () => {
  const repo = await fixture();
  const history = createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache);
  assert.equal(await history.changedBinariesSincePreviousTag(), { previousTag: 'v1.0', paths: ['tests/files/bad-2.bin'] });
  // The first tag has no previous one.
  assert.is(await createHistory(handle(repo.gitDir), repo.commits[0]!, scratchCache).changedBinariesSincePreviousTag(), undefined);
  // Under --tag-path, those of the folder, by their paths in it.
  assert.equal(await createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache, undefined, { folder: 'tests' }).changedBinariesSincePreviousTag(), { previousTag: 'v1.0', paths: ['files/bad-2.bin'] });
  assert.equal(await createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache, undefined, { folder: 'src' }).changedBinariesSincePreviousTag(), { previousTag: 'v1.0', paths: [] });
});

test('binaryChanges tells added from modified binary files, with their blob ids, and skips text and deleted files', async () => {
  const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, n]);
  const repo = await makeRepo({
    files: { 'a.png': png(1), 'gone.png': png(2), 'notes.txt': 'one\n' },
    commits: [{ files: { 'a.png': png(3), 'b.png': png(4), 'gone.png': null, 'notes.txt': 'two\n' } }],
  });
  const [from, to] = repo.commits as [string, string];
  assert.equal(await binaryChanges(handle(repo.gitDir), from, to), [
    { path: 'a.png', status: 'modified', before: await repo.hashObject(png(1)), after: await repo.hashObject(png(3)) },
    { path: 'b.png', status: 'added', after: await repo.hashObject(png(4)) },
  ]);
  assert.equal(await binaryChanges(handle(repo.gitDir), to, to), []);
});

test('blobInHistory finds blobs of earlier commits, with their path and commit', async () => {
  const repo = await fixture();
  const history = createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache);
  const first = await repo.hashObject('first\n');
  assert.equal(await history.blobInHistory(first), { path: 'README', commit: repo.commits[0]! });
  assert.equal(await history.blobInHistory(await repo.hashObject(bin('two'))), { path: 'tests/files/bad-2.bin', commit: repo.commits[1]! });
  // Under --tag-path, a path in the folder by its path in it, one elsewhere whole.
  const folder = createHistory(handle(repo.gitDir), repo.commits[11]!, scratchCache, undefined, { folder: 'tests' });
  assert.equal(await folder.blobInHistory(await repo.hashObject(bin('two'))), { path: 'files/bad-2.bin', commit: repo.commits[1]! });
  assert.equal(await folder.blobInHistory(first), { path: 'README', commit: repo.commits[0]! });
  // Not in the object store at all, and not a blob id.
  assert.is(await history.blobInHistory(await repo.hashObject('never committed\n')), undefined);
  assert.is(await history.blobInHistory('not-an-id'), undefined);
  // Reachable only from later commits: not in the history up to v1.0.
  const atFirst = createHistory(handle(repo.gitDir), repo.commits[0]!, scratchCache);
  assert.is(await atFirst.blobInHistory(await repo.hashObject('int main(void) { return 0; }\n')), undefined);
});

test('blobs the analysis expects are found in one walk of the history, each where a walk for it alone finds it', async () => {
  // 24 commits over 6 files; content 'v0' of each file comes back later, so
  // "where it first appears" (newest first) is not where it was first written.
  const commits = Array.from({ length: 24 }, (_, k) => ({ files: { [`f${k % 6}`]: `v${k % 4 === 3 ? 0 : k}\n` } }));
  const repo = await makeRepo({ files: { f0: 'v0\n', README: 'r\n' }, commits });
  const tip = repo.commits.at(-1)!;
  const inHistory = await Promise.all(['v0\n', 'v1\n', 'v5\n', 'v13\n', 'v22\n', 'r\n'].map((c) => repo.hashObject(c)));
  // Not in the object store; and stored but in no commit (a walk of the whole history finds nothing).
  const never = await repo.hashObject('never committed\n');
  const loose = (await repo.git(['hash-object', '-w', '--stdin'], { input: 'only a loose object\n' })).trim();
  const ids = [...inHistory, never, loose];

  const alone = createHistory(handle(repo.gitDir), tip, scratchCache);
  const expected = [];
  for (const id of ids) expected.push(await alone.blobInHistory(id));
  assert.equal(expected.map((e) => e?.path), ['f5', 'f1', 'f5', 'f1', 'f4', 'README', undefined, undefined]);
  // 'v0' (f0 at first) came back in f3, f1 and f5 in later commits: the newest, f5 in the last commit, is the one named.
  assert.is(expected[0]?.commit, tip);

  const shared = createHistory(handle(repo.gitDir), tip, scratchCache);
  shared.expectBlobs!(ids);
  const before = historyWalks.started;
  const found = [];
  // One at a time, as rules ask.
  for (const id of ids) found.push(await shared.blobInHistory(id));
  assert.equal(found, expected);
  assert.is(historyWalks.started - before, 1, 'one walk for all of them');
  // A blob it was not told about is still found, by a walk of its own.
  const late = await repo.hashObject('v2\n');
  assert.equal(await shared.blobInHistory(late), await alone.blobInHistory(late));
  await Promise.all([alone.close(), shared.close()]);

  // A walk paused with an answer given (the loose object is expected, never found), in a
  // history longer than a pipe holds, does not keep a process that forgot close() from
  // ending. (The limit only stops a hang.)
  const long = await makeRepo({ packed: true, files: { README: 'r\n' }, commits: Array.from({ length: 1000 }, (_, k) => ({ files: { [`d${k % 50}/file-with-a-long-name-${k % 7}`]: `${k}\n` } })) });
  const newest = await long.hashObject('999\n');
  const unreached = (await long.git(['hash-object', '-w', '--stdin'], { input: 'only a loose object\n' })).trim();
  const script = [
    `const { createHistory } = await import(${JSON.stringify(new URL('../../src/git/history.js', import.meta.url).href)});`,
    `const h = createHistory({ source: 'r', gitDir: ${JSON.stringify(long.gitDir)}, objectFormat: 'sha1', kind: 'local' }, ${JSON.stringify(long.commits.at(-1)!)}, ${JSON.stringify(scratchCache)});`,
    `h.expectBlobs(${JSON.stringify([newest, unreached])});`,
    `console.log((await h.blobInHistory(${JSON.stringify(newest)})).path);`,
  ].join('\n');
  const ended = await execa(process.execPath, ['--input-type=module', '-e', script], { timeout: 120_000, reject: false });
  assert.is(ended.timedOut, false, 'the process ended');
  assert.equal([ended.exitCode, ended.stdout], [0, 'd49/file-with-a-long-name-5']);
});

test('whether the expected blobs are in the object store is asked once for them all, not with a read each', async () => {
  const repo = await makeRepo({ files: { a: 'a\n', b: 'kept\n' }, commits: [{ files: { a: 'b\n' } }] });
  const tip = repo.commits.at(-1)!;
  const old = await repo.hashObject('a\n');
  const absent = await Promise.all(Array.from({ length: 40 }, (_, k) => repo.hashObject(`never committed ${k}\n`)));
  const reader = new BlobReader(handle(repo.gitDir));
  let reads = 0;
  const history = createHistory(handle(repo.gitDir), tip, scratchCache, undefined, {
    read: (oid) => {
      reads++;
      return reader.read(oid);
    },
  });
  try {
    history.expectBlobs!([...absent.slice(0, 20), old, ...absent.slice(20)]);
    const walks = historyWalks.started;
    for (const id of absent) assert.is(await history.blobInHistory(id), undefined);
    assert.is(historyWalks.started, walks, 'no walk of the log for blobs the object store lacks');
    assert.equal(await history.blobInHistory(old), { path: 'a', commit: repo.commits[0]! });
    assert.is(reads, 0, 'no blob read for the expected ones');
    // A blob it was not told about is looked for as before: one read says whether the object store has it.
    assert.is(await history.blobInHistory(await repo.hashObject('late\n')), undefined);
    assert.is(reads, 1);
  } finally {
    await history.close();
  }
  // Told about once the object store was asked (and before any walk), a blob is looked for as one not expected, not taken for absent.
  const late = createHistory(handle(repo.gitDir), tip, scratchCache, undefined, { read: (oid) => reader.read(oid) });
  try {
    late.expectBlobs!([absent[0]!]);
    assert.is(await late.blobInHistory(absent[0]!), undefined);
    const kept = await repo.hashObject('kept\n');
    late.expectBlobs!([kept]);
    assert.equal(await late.blobInHistory(kept), { path: 'b', commit: repo.commits[0]! });
  } finally {
    await late.close();
    await reader.close();
  }
});

test("the sample repository: nls.m4 is hidden by m4/.gitignore, added days before v1.0", async () => {
  const repo = await openRepo(`${root}samples/hello.bundle`, { cacheDir: await tempDir() });
  const { gitText } = await import('../../src/git/run.js');
  const commit = await gitText(repo, ['rev-parse', 'refs/tags/v1.0^{commit}']);
  const cache = await tempDir('cuckoo-history-scratch-');
  const history = createHistory(repo, commit, cache);
  try {
    const hidden = await history.ignoredBy('m4/nls.m4');
    assert.is(hidden?.file, 'm4/.gitignore');
    assert.ok(hidden?.commit && hidden.daysBeforeTag !== undefined && hidden.daysBeforeTag > 0 && hidden.daysBeforeTag < 30, JSON.stringify(hidden));
    assert.equal((await history.changedBinariesSincePreviousTag())?.paths, ['tests/files/good-1.bin']);
    // The scratch repository holding the tag's .gitignore files is in the cache folder while in use.
    assert.equal((await readdir(join(cache, 'tmp'))).map((n) => n.replace(/[^-]+$/, '')), ['ignore-']);
  } finally {
    await history.close();
  }
  assert.equal(await readdir(join(cache, 'tmp')), [], 'close() removes it');
  // Asked after close(), nothing new is made (nothing would remove it).
  assert.is(await history.ignoredBy('m4/other.m4'), undefined);
  assert.equal(await readdir(join(cache, 'tmp')), []);
});

test('lastChangeTime: the committer time of the last commit the tag reaches that changed any of the paths', async () => {
  // Commit n is dated base + n days: the manual changes at commits 0 and 1, the tag is commit 2, a later commit changes it again.
  const repo = await makeRepo({
    files: { 'doc/manual.texi': 'one\n', 'doc/gpl.texi': 'gpl\n', README: 'a\n' },
    commits: [{ files: { 'doc/manual.texi': 'two\n' } }, { files: { README: 'b\n' }, tags: ['v1.0'] }, { files: { 'doc/gpl.texi': 'later\n' } }],
  });
  const history = createHistory(handle(repo.gitDir), repo.commits[2]!, scratchCache);
  const base = 1_700_000_000;
  assert.is(await history.lastChangeTime!(['doc/manual.texi', 'doc/gpl.texi']), base + 86400);
  assert.is(await history.lastChangeTime!(['doc/gpl.texi']), base);
  assert.is(await history.lastChangeTime!(['doc/none.texi']), undefined);
  assert.is(await history.lastChangeTime!([]), undefined);
  // Under --tag-path, paths are the folder's.
  const inFolder = createHistory(handle(repo.gitDir), repo.commits[2]!, scratchCache, undefined, { folder: 'doc' });
  assert.is(await inFolder.lastChangeTime!(['manual.texi']), base + 86400);
  await history.close();
  await inFolder.close();
});

test.run();
