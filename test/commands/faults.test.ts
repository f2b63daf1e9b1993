/**
 * Servers that misbehave: garbage instead of an archive, a Content-Length that
 * is not the body's, a git server that goes away in the middle of a pack. Each
 * ends in one clear error, and nothing of it is trusted by the next run.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import { fetchRemoteRelease } from '../../src/release/remote-release.js';
import { buildTar, compress } from '../helpers/archives.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { makeRepo, rejects, removeTempDirs, runGit, tempDir, type TestRepo } from '../helpers/repo.js';

const files = { README: 'hello\n', 'src/main.c': 'int main(void) { return 0; }\n' };
let repo: TestRepo;
let release: Buffer;
let server: TestServer;
let cacheDir: string;
const http = { allowHttp: true, retries: 1, backoffMs: 10, idleTimeoutMs: 2000 };
const run = (o: Partial<VerifyOptions> & { release: string }) => verify({ cacheDir, repo: repo.dir, tag: 'v1.0', http, ...o });
const downloads = () => (existsSync(join(cacheDir, 'downloads')) ? readdirSync(join(cacheDir, 'downloads')) : []);

test.before(async () => {
  repo = await makeRepo({ files, tags: ['v1.0'] });
  release = await compress(buildTar([{ path: 'proj-1.0/', type: 'directory' }, ...Object.entries(files).map(([p, c]) => ({ path: `proj-1.0/${p}`, content: c }))]), 'gzip');
  cacheDir = await tempDir('cuckoo-faults-cache-');
  server = await startServer({
    '/proj-1.0.tar.gz': { body: release },
    '/garbage/proj-1.0.tar.gz': { body: randomBytes(5000) },
    '/garbage2/proj-1.0.tar.gz': { body: randomBytes(5000) },
    '/short/proj-1.0.tar.gz': { body: release, contentLength: Math.floor(release.length / 2) },
    '/long/proj-1.0.tar.gz': { body: release, contentLength: release.length + 100 },
  });
});

test.after(async () => {
  await server.close();
  await removeTempDirs();
});

test('garbage instead of an archive: "not a release archive" naming the URL, and it is not kept', async () => {
  const url = `${server.url}/garbage/proj-1.0.tar.gz`;
  await rejects(run({ release: url }), 'input', new RegExp(`^${url.replace(/[.]/g, '\\.')}: not a release archive`));
  assert.equal(downloads().filter((f) => !f.endsWith('.lock')), [], 'nothing is cached');
  await rejects(run({ release: url }), 'input', /not a release archive/);
  assert.is(server.hits.get('/garbage/proj-1.0.tar.gz'), 2, 'the next run asks the server again');
});

test('garbage kept by a run that failed before reading it is dropped by the next run that reads it', async () => {
  const url = `${server.url}/garbage2/proj-1.0.tar.gz`;
  // A run whose tag side failed after the download finished keeps the download unread.
  const first = await fetchRemoteRelease(url, { cacheDir, maxBytes: 1e9, ...http });
  await first.sha256();
  await first.settle();
  assert.is(downloads().filter((f) => f.endsWith('.data')).length, 1, 'kept unread');
  await rejects(run({ release: url }), 'input', /not a release archive/);
  assert.is(server.hits.get('/garbage2/proj-1.0.tar.gz'), 1, 'read from the cache');
  assert.equal(downloads().filter((f) => f.endsWith('.data')), [], 'and dropped once it proved unreadable');
  await rejects(run({ release: url }), 'input', /not a release archive/);
  assert.is(server.hits.get('/garbage2/proj-1.0.tar.gz'), 2, 'the next run asks the server again');
});

test('a Content-Length longer than the body: the download stalls, times out, nothing kept', async () => {
  await rejects(run({ release: `${server.url}/long/proj-1.0.tar.gz` }), 'network', /stopped sending after \d+ bytes/);
  assert.equal(downloads().filter((f) => !f.endsWith('.lock')), []);
});

test('a Content-Length shorter than the body: only that much is taken, the archive is truncated, nothing kept', async () => {
  await rejects(run({ release: `${server.url}/short/proj-1.0.tar.gz` }), 'input', /short\/proj-1\.0\.tar\.gz: .*(truncated|unexpected end|corrupt)/i);
  assert.equal(downloads().filter((f) => !f.endsWith('.lock')), []);
});

test('a git server that goes away in the middle of the pack: a network error; the next run fetches afresh and passes', async () => {
  const root = await tempDir();
  await runGit(root, ['clone', '--quiet', '--bare', repo.gitDir, join(root, 'proj.git')]);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowFilter', 'true']);
  await runGit(join(root, 'proj.git'), ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  server.routes.set('/git/', { gitRoot: root, cutFetch: true });
  const remote = `${server.url}/git/proj.git`;
  const release = `${server.url}/proj-1.0.tar.gz`;
  await rejects(run({ release, repo: remote }), 'network', /^git fetch http:\/\/127\.0\.0\.1:\d+\/git\/proj\.git: /);
  server.routes.set('/git/', { gitRoot: root });
  const report = await run({ release, repo: remote });
  assert.is(report.verdict, 'pass');
  assert.is(report.tag.commit, repo.commits[0]);
  assert.not.ok(report.findings.some((f) => f.category === 'moved-tag'));
});

test.run();
