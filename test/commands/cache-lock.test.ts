/**
 * Two cuckoo runs sharing one cache folder at the same time: both succeed with
 * the same report, the cache holds one complete entry of each kind and no
 * leftovers, and the lock itself waits for a live holder and takes over a dead
 * one's.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withCacheLock } from '../../src/cache.js';
import { runCuckoo } from '../helpers/cli.js';
import { buildTar, compress } from '../helpers/archives.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { makeRepo, removeTempDirs, runGit, tempDir, type TestRepo } from '../helpers/repo.js';

const files = { README: 'hello\n', 'src/main.c': 'int main(void) { return 0; }\n', 'configure.ac': 'AC_INIT([proj],[1.2])\n' };
let repo: TestRepo;
let release: Buffer;
let server: TestServer;

test.before(async () => {
  repo = await makeRepo({ files, tags: [{ name: 'v1.2', annotated: true }] });
  await repo.git(['config', 'uploadpack.allowFilter', 'true']);
  await repo.git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  release = await compress(
    buildTar([{ path: 'proj-1.2/', type: 'directory' }, ...Object.entries(files).map(([p, c]) => ({ path: `proj-1.2/${p}`, content: p === 'README' ? 'hello\nchanged\n' : c }))]),
    'gzip',
  );
  // Slow enough that the two runs overlap.
  server = await startServer({ '/proj-1.2.tar.gz': { slow: release, delayMs: 400 } });
});

test.after(async () => {
  await server.close();
  await removeTempDirs();
});

test('two runs sharing one cache at the same time: same report, one complete entry each, nothing left over', async () => {
  const cacheHome = await tempDir('cuckoo-shared-cache-');
  // Over http, with packs that take a while: both runs are inside a fetch into the same repository at once.
  const root = await tempDir();
  await runGit(root, ['clone', '--quiet', '--bare', repo.gitDir, join(root, 'proj.git')]);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowFilter', 'true']);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  server.routes.set('/git/', { gitRoot: root, slowFetchMs: 300 });
  const args = ['verify', `${server.url}/proj-1.2.tar.gz`, '--allow-http', '--repo', `${server.url}/git/proj.git`, '--format', 'json'];
  const runs = await Promise.all([runCuckoo(args, { cacheHome }), runCuckoo(args, { cacheHome })]);
  const reports = runs.map((r) => {
    assert.is(r.code, 1, r.stderr);
    return JSON.parse(r.stdout) as { verdict: string; release: { sha256: string; fromCache?: boolean }; tag: { commit: string }; findings: Array<{ id: string }> };
  });
  const essence = (r: (typeof reports)[number]) => ({ verdict: r.verdict, sha256: r.release.sha256, commit: r.tag.commit, findings: r.findings.map((f) => f.id) });
  assert.equal(essence(reports[0]!), essence(reports[1]!));
  assert.is(reports[0]!.verdict, 'fail', 'README differs from the tag');

  const cache = join(cacheHome, 'cuckoo');
  const downloads = readdirSync(join(cache, 'downloads')).sort();
  assert.equal(downloads.map((f) => f.replace(/^[0-9a-f]{32}/, 'KEY')), ['KEY.data', 'KEY.json'], 'one entry, no temporary file or lock left');
  const meta = JSON.parse(readFileSync(join(cache, 'downloads', downloads[1]!), 'utf8')) as { sha256: string };
  assert.is(meta.sha256, createHash('sha256').update(release).digest('hex'));
  assert.is(createHash('sha256').update(readFileSync(join(cache, 'downloads', downloads[0]!))).digest('hex'), meta.sha256);

  const repos = readdirSync(join(cache, 'repos'));
  assert.is(repos.length, 1, `one cache repository, no temporary one or lock left: ${repos.join(', ')}`);
  const gitDir = join(cache, 'repos', repos[0]!);
  await runGit(gitDir, ['fsck', '--connectivity-only', '--no-dangling']);
  const seen = JSON.parse(readFileSync(join(gitDir, 'cuckoo-seen-tags.json'), 'utf8')) as Record<string, { object: string }>;
  assert.equal(Object.keys(seen), ['v1.2']);

  // A third run reuses what the two left.
  const again = await runCuckoo(args, { cacheHome });
  assert.is(again.code, 1, again.stderr);
  assert.equal(essence(JSON.parse(again.stdout) as (typeof reports)[number]), essence(reports[0]!));
});

test('four runs unbundling the same bundle at the same time: all pass, one repository in the cache', async () => {
  const cacheHome = await tempDir('cuckoo-bundle-cache-');
  const local = join(await tempDir(), 'proj-1.2.tar.gz');
  writeFileSync(local, release);
  const args = ['verify', local, '--repo', await repo.bundle(), '--format', 'json'];
  const runs = await Promise.all(Array.from({ length: 4 }, () => runCuckoo(args, { cacheHome })));
  for (const r of runs) assert.is(r.code, 1, r.stderr);
  assert.equal(readdirSync(join(cacheHome, 'cuckoo', 'repos')).map((f) => f.replace(/[0-9a-f]{64}/, 'SHA')), ['bundle-SHA.git']);
});

test('a run waits for the lock another run holds on a download', async () => {
  const cacheHome = await tempDir('cuckoo-held-cache-');
  const url = `${server.url}/proj-1.2.tar.gz`;
  const downloads = join(cacheHome, 'cuckoo', 'downloads');
  mkdirSync(downloads, { recursive: true });
  const key = createHash('sha256').update(url).digest('hex').slice(0, 32);
  let finished = false;
  let run: ReturnType<typeof runCuckoo> | undefined;
  await withCacheLock(join(downloads, `${key}.lock`), async () => {
    run = runCuckoo(['verify', url, '--allow-http', '--repo', repo.dir, '--tag', 'v1.2'], { cacheHome });
    void run.then(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.not.ok(finished, 'the run went on while the lock was held');
  });
  const r = await run!;
  assert.is(r.code, 1, r.stderr);
});

test('the lock makes a second holder wait, and takes over the lock of a run that died', async () => {
  const dir = await tempDir('cuckoo-lock-');
  const lock = join(dir, 'entry.lock');
  const events: string[] = [];
  const hold = (name: string) =>
    withCacheLock(lock, async () => {
      events.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      events.push(`${name} out`);
    });
  await Promise.all([hold('a'), hold('b')]);
  // Either may take it first; the other waits until it is out.
  const first = events[0]!.split(' ')[0]!;
  const second = first === 'a' ? 'b' : 'a';
  assert.equal(events, [`${first} in`, `${first} out`, `${second} in`, `${second} out`]);

  // A lock folder last touched a minute ago: its holder is gone. Taken over at the
  // first attempt: with no wait allowed, a lock still held is refused instead.
  mkdirSync(lock);
  const old = new Date(Date.now() - 60_000);
  utimesSync(lock, old, old);
  assert.is(await withCacheLock(lock, async () => 'taken over', 0), 'taken over');
  mkdirSync(lock);
  await withCacheLock(lock, async () => 'not taken', 0).then(
    () => assert.unreachable('a lock touched just now belongs to a live holder'),
    (err: Error) => assert.match(err.message, /stayed locked by another cuckoo run/),
  );
});

test.run();
