import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import { CuckooError } from '../../src/errors.js';
import { buildTar, compress } from '../helpers/archives.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { assertValidReport } from '../helpers/schema.js';
import { makeRepo, removeTempDirs, runGit, tempDir, type TestRepo } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-remote-cache-'));
const files = { README: 'hello\n', 'src/main.c': 'int main(void) { return 0; }\n', 'configure.ac': 'AC_INIT([proj],[1.2])\n' };
let repo: TestRepo;
let release: Buffer;
let server: TestServer;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const http = { allowHttp: true, retries: 1, backoffMs: 10, idleTimeoutMs: 2000 };
const run = (o: Partial<VerifyOptions> & { release: string }) => verify({ cacheDir, repo: repo.dir, http, ...o });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.is((err as CuckooError).code, code, (err as Error).message);
    assert.match((err as Error).message, message, (err as Error).message);
    return;
  }
  assert.unreachable('should have failed');
}

test.before(async () => {
  repo = await makeRepo({ files, tags: [{ name: 'v1.2', annotated: true }] });
  // The server side of partial clones: filters, and blobs asked for by id.
  await repo.git(['config', 'uploadpack.allowFilter', 'true']);
  await repo.git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  release = await compress(
    buildTar([{ path: 'proj-1.2/', type: 'directory' }, ...Object.entries(files).map(([p, c]) => ({ path: `proj-1.2/${p}`, content: c }))]),
    'gzip',
  );
  server = await startServer({
    '/proj-1.2.tar.gz': { body: release },
    '/moved/proj-1.2.tar.gz': { redirect: '/proj-1.2.tar.gz' },
    '/loop/proj-1.2.tar.gz': { redirect: '/loop/proj-1.2.tar.gz' },
    '/SHA256SUMS': { body: `${sha(release)}  proj-1.2.tar.gz\n` },
    '/gone/proj-1.2.tar.gz': { status: 404 },
    '/broken/proj-1.2.tar.gz': { status: 503 },
    '/cut/proj-1.2.tar.gz': { truncate: release, after: 40 },
    '/stall/proj-1.2.tar.gz': { slow: release, delayMs: 5000 },
  });
});

test.after(async () => {
  await server.close();
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a release by URL is downloaded, analysed and cached; a second run reuses it', async () => {
  const url = `${server.url}/proj-1.2.tar.gz`;
  const first = await run({ release: url, tag: 'v1.2' });
  assert.is(first.verdict, 'pass');
  assert.is(first.release.sha256, sha(release));
  assert.is(first.release.url, url);
  assert.is(first.release.fromCache, false);
  const second = await run({ release: url, tag: 'v1.2' });
  assert.is(second.release.fromCache, true);
  assert.is(server.hits.get('/proj-1.2.tar.gz'), 1);
});

test('a cached copy whose bytes changed is not reused', async () => {
  const url = `${server.url}/proj-1.2.tar.gz`;
  await run({ release: url, tag: 'v1.2' });
  const dir = join(cacheDir, 'downloads');
  const data = readdirSync(dir).find((f) => f.endsWith('.data'))!;
  await writeFile(join(dir, data), Buffer.concat([await readFile(join(dir, data)), Buffer.from('x')]));
  const before = server.hits.get('/proj-1.2.tar.gz') ?? 0;
  const again = await run({ release: url, tag: 'v1.2' });
  assert.is(again.release.fromCache, false);
  assert.is(server.hits.get('/proj-1.2.tar.gz'), before + 1);
});

test('redirects are followed, and bounded', async () => {
  assert.is((await run({ release: `${server.url}/moved/proj-1.2.tar.gz`, tag: 'v1.2' })).verdict, 'pass');
  await rejectsWith(run({ release: `${server.url}/loop/proj-1.2.tar.gz`, tag: 'v1.2' }), 'network', /more than 5 redirects/);
});

test('plain http needs --allow-http', async () => {
  await rejectsWith(run({ release: `${server.url}/proj-1.2.tar.gz`, tag: 'v1.2', http: { ...http, allowHttp: false } }), 'usage', /plain http is not allowed/);
});

test('404 is not retried; 503 is, then fails as a network error', async () => {
  await rejectsWith(run({ release: `${server.url}/gone/proj-1.2.tar.gz`, tag: 'v1.2' }), 'network', /HTTP 404/);
  assert.is(server.hits.get('/gone/proj-1.2.tar.gz'), 1);
  await rejectsWith(run({ release: `${server.url}/broken/proj-1.2.tar.gz`, tag: 'v1.2' }), 'network', /HTTP 503/);
  assert.is(server.hits.get('/broken/proj-1.2.tar.gz'), 2);
});

test('truncated and stalled downloads fail and leave nothing in the cache', async () => {
  await rejectsWith(run({ release: `${server.url}/cut/proj-1.2.tar.gz`, tag: 'v1.2' }), 'network', /cut off/);
  await rejectsWith(run({ release: `${server.url}/stall/proj-1.2.tar.gz`, tag: 'v1.2', http: { ...http, idleTimeoutMs: 300 } }), 'network', /stopped sending|no answer/);
  const leftovers = readdirSync(join(cacheDir, 'downloads')).filter((f) => f.startsWith('.tmp'));
  assert.equal(leftovers, []);
});

test('a download nobody will read is stopped, not waited for, and removed', async () => {
  server.routes.set('/crawl/proj-1.2.tar.gz', { slow: release, delayMs: 20_000 });
  // The tag's error, once the download's first bytes were given a moment (2 s) to say it is no archive.
  await rejectsWith(run({ release: `${server.url}/crawl/proj-1.2.tar.gz`, tag: 'v9.9', http: { ...http, idleTimeoutMs: 30_000 } }), 'input', /tag v9\.9 not found/);
  // The client hung up: a run that waited for the rest would have let the response finish (after its 20 s delay).
  await server.slowClosed('/crawl/proj-1.2.tar.gz');
  assert.is(server.abandoned.get('/crawl/proj-1.2.tar.gz'), 1, 'the download was abandoned, not waited for');
  assert.equal(readdirSync(join(cacheDir, 'downloads')).filter((f) => f.startsWith('.tmp')), []);
});

test('an unreachable host is a network error', async () => {
  await rejectsWith(run({ release: 'http://127.0.0.1:1/proj-1.2.tar.gz', tag: 'v1.2' }), 'network', /connection refused/);
});

test('--sha256 and --checksums: a match passes, a mismatch is a critical finding', async () => {
  const url = `${server.url}/proj-1.2.tar.gz`;
  const ok = await run({ release: url, tag: 'v1.2', checksums: `${server.url}/SHA256SUMS` });
  assert.equal(ok.release.checksum, { source: `${server.url}/SHA256SUMS`, expected: sha(release), matches: true });
  assert.is(ok.verdict, 'pass');
  const bad = await run({ release: url, tag: 'v1.2', sha256: '0'.repeat(64) });
  assertValidReport(ok);
  assertValidReport(bad);
  assert.is(bad.verdict, 'fail');
  assert.equal(bad.findings.map((f) => `${f.change} ${f.path} ${f.category} ${f.severity}`), ['integrity proj-1.2.tar.gz checksum-mismatch critical']);
});

test('a remote repository over file:// and over http: partial clone, tag inferred with ls-remote, cache reused', async () => {
  const url = `${server.url}/proj-1.2.tar.gz`;
  const viaFile = await run({ release: url, repo: `file://${repo.gitDir}` });
  assert.is(viaFile.verdict, 'pass');
  assert.is(viaFile.tag.ref, 'v1.2');
  assert.is(viaFile.tag.remote, `file://${repo.gitDir}`);
  const root = await tempDir();
  await runGit(root, ['clone', '--quiet', '--bare', repo.gitDir, join(root, 'proj.git')]);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowFilter', 'true']);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  server.routes.set('/git/', { gitRoot: root });
  const viaHttp = await run({ release: url, repo: `${server.url}/git/proj.git`, tag: 'v1.2' });
  assert.is(viaHttp.verdict, 'pass');
  assert.is(viaHttp.tag.commit, viaFile.tag.commit);
  assertValidReport(viaHttp);
});

test('a remote repository over git:// (git daemon on 127.0.0.1)', async () => {
  const root = await tempDir();
  await runGit(root, ['clone', '--quiet', '--bare', repo.gitDir, join(root, 'proj.git')]);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowFilter', 'true']);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const port = await freePort();
  const daemon = spawn('git', ['daemon', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${root}`, '--export-all', '--reuseaddr', root], { stdio: 'ignore' });
  try {
    await waitForPort(port);
    const report = await run({ release: `${server.url}/proj-1.2.tar.gz`, repo: `git://127.0.0.1:${port}/proj.git`, tag: 'v1.2' });
    assert.is(report.verdict, 'pass');
    assert.is(report.tag.remote, `git://127.0.0.1:${port}/proj.git`);
  } finally {
    daemon.kill();
  }
});

test('a modified file in a remote tag is read through a blob fetch', async () => {
  const tampered = await compress(
    buildTar([{ path: 'proj-1.2/', type: 'directory' }, ...Object.entries(files).map(([p, c]) => ({ path: `proj-1.2/${p}`, content: p === 'README' ? 'hello\nevil\n' : c }))]),
    'gzip',
  );
  server.routes.set('/evil/proj-1.2.tar.gz', { body: tampered });
  const report = await run({ release: `${server.url}/evil/proj-1.2.tar.gz`, repo: `file://${repo.gitDir}`, tag: 'v1.2' });
  const readme = report.findings.find((f) => f.path === 'README');
  assert.ok(readme, 'README reported');
  assert.match(readme!.evidence.diff ?? '', /\+evil/);
});

test('an unknown remote tag lists the nearest ones', async () => {
  try {
    await run({ release: `${server.url}/proj-1.2.tar.gz`, repo: `file://${repo.gitDir}`, tag: 'v1.3' });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /tag v1\.3 not found in file:/);
    assert.match((err as CuckooError).hint ?? '', /nearest tags: v1\.2/);
  }
});

test('a tag that moved since it was first seen is a critical finding', async () => {
  const moving = await makeRepo({ files, tags: ['v1.2'] });
  const remote = `file://${moving.gitDir}`;
  const url = `${server.url}/proj-1.2.tar.gz`;
  assert.is((await run({ release: url, repo: remote, tag: 'v1.2' })).verdict, 'pass');
  await moving.git(['commit', '--quiet', '--allow-empty', '-m', 'again']);
  await moving.git(['tag', '-f', 'v1.2']);
  const after = await run({ release: url, repo: remote, tag: 'v1.2' });
  assert.is(after.verdict, 'fail');
  assert.ok(after.findings.some((f) => f.category === 'moved-tag' && f.severity === 'critical' && f.path === 'refs/tags/v1.2'));
  assertValidReport(after);
});

test('--commit with a full id fetches that commit from a remote; an abbreviated one is a usage error', async () => {
  const url = `${server.url}/proj-1.2.tar.gz`;
  const commit = await repo.git(['rev-parse', 'v1.2^{commit}']);
  const report = await run({ release: url, repo: `file://${repo.gitDir}`, commit });
  assert.is(report.verdict, 'pass');
  assert.is(report.tag.commit, commit);
  await rejectsWith(run({ release: url, repo: `file://${repo.gitDir}`, commit: commit.slice(0, 8) }), 'usage', /full commit id/);
});

test.run();
