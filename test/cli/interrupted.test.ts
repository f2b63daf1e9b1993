/**
 * A run killed in the middle of a download (SIGKILL: no clean-up of its own)
 * leaves a temporary file that no later run trusts; once a day old, the next
 * run for that URL removes it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root, runCuckoo } from '../helpers/cli.js';
import { compress } from '../helpers/archives.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { makeRepo, removeTempDirs, tempDir, type TestRepo } from '../helpers/repo.js';

let server: TestServer;
let repo: TestRepo;
let release: Buffer;

test.before(async () => {
  repo = await makeRepo({ files: { README: 'hello\n', 'main.c': 'int main(void) { return 0; }\n' }, tags: ['v1.0'] });
  release = await compress(await repo.gitBuffer(['archive', '--format=tar', '--prefix=proj-1.0/', 'v1.0']), 'gzip');
  server = await startServer({ '/proj-1.0.tar.gz': { slow: release, delayMs: 30_000 } });
});

test.after(async () => {
  await server.close();
  await removeTempDirs();
});

test('a run killed mid-download leaves nothing trusted; the next run downloads again and clears the old leftover', async () => {
  const cacheHome = await tempDir('cuckoo-killed-');
  const downloads = join(cacheHome, 'cuckoo', 'downloads');
  const args = ['verify', `${server.url}/proj-1.0.tar.gz`, '--allow-http', '--repo', repo.dir, '--tag', 'v1.0'];
  const child = spawn(process.execPath, [join(root, 'bin/cuckoo.js'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: cacheHome },
    stdio: 'ignore',
  });
  let running = true;
  const exited = new Promise((resolve) => child.on('close', resolve)).finally(() => (running = false));
  const partial = () => (existsSync(downloads) ? readdirSync(downloads).filter((f) => f.startsWith('.tmp-')) : []);
  // Until the download has started, however long the run takes to get there (or until it ends without one).
  while (running && partial().length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.is(partial().length, 1, 'the download had started');
  child.kill('SIGKILL');
  await exited;
  const [leftover] = partial();
  assert.ok(leftover, 'a killed run cleans nothing up');
  assert.equal(readdirSync(downloads).filter((f) => !f.startsWith('.')), [], 'no entry');

  server.routes.set('/proj-1.0.tar.gz', { body: release });
  const fresh = await runCuckoo(args, { cacheHome });
  assert.is(fresh.code, 0, fresh.stderr);
  assert.ok(readdirSync(downloads).includes(leftover!), 'a leftover less than a day old may still be in use');

  const old = new Date(Date.now() - 2 * 24 * 3600_000);
  utimesSync(join(downloads, leftover!), old, old);
  const again = await runCuckoo(args, { cacheHome });
  assert.is(again.code, 0, again.stderr);
  assert.equal(readdirSync(downloads).filter((f) => f.startsWith('.tmp-')), [], 'the old leftover is gone');
  assert.is(server.hits.get('/proj-1.0.tar.gz'), 2, 'the killed download and one complete one; the last run reused it');
});

test.run();
