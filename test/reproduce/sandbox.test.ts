import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSandbox, type Sandbox } from '../../src/reproduce/sandbox.js';

/**
 * The sandbox as generators meet it: one writable folder, a read-only system,
 * no network, no capabilities (a mode-000 file stays unreadable), and killed
 * when its time is up. bwrap is installed by .ci/run; a machine without it
 * skips these locally and fails in CI.
 */

let dir: string;
let sandbox: Sandbox | undefined;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cuckoo-sandbox-'));
  const found = await findSandbox('bwrap', { timeoutSeconds: 5, memoryBytes: 1024 ** 3 });
  if (found.kind === 'unavailable') {
    if (process.env.CI) throw new Error(`bwrap is needed in CI: ${found.reason}`);
    console.log(`skipping sandbox tests: ${found.reason}`);
  } else sandbox = found as Sandbox;
});

test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sh = (script: string) => sandbox!.run({ argv: ['/bin/sh', '-c', script], cwd: dir, writable: dir });

test('writes only inside its folder, as an unprivileged user', async () => {
  if (!sandbox) return;
  const r = await sh('echo made > inside; id -u; touch /usr/cuckoo-escape 2>&1; touch /root/cuckoo-escape 2>&1; echo done');
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(await readFile(join(dir, 'inside'), 'utf8'), 'made\n');
  const [uid] = r.stdout.split('\n');
  assert.is.not(uid, '0');
  assert.match(r.stdout, /Read-only file system|Permission denied/);
  assert.match(r.stdout, /done$/);
});

test('a mode-000 file cannot be read, but exists', async () => {
  if (!sandbox) return;
  await writeFile(join(dir, 'placeholder'), 'secret');
  await chmod(join(dir, 'placeholder'), 0);
  const r = await sh('test -f placeholder && echo exists; cat placeholder');
  assert.match(r.stdout, /^exists/);
  assert.is.not(r.exitCode, 0);
  assert.match(r.stderr, /Permission denied/);
});

test('has no network and a clean environment', async () => {
  if (!sandbox) return;
  process.env.CUCKOO_SANDBOX_SECRET = 'leak';
  const r = await sh('cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "; echo "secret=${CUCKOO_SANDBOX_SECRET:-none}"; echo "lang=$LC_ALL"');
  delete process.env.CUCKOO_SANDBOX_SECRET;
  assert.is(r.exitCode, 0, r.stderr);
  // Only the loopback device of its own network namespace.
  assert.equal(r.stdout.trim().split('\n'), ['lo', 'secret=none', 'lang=C']);
});

test('is killed with everything it started when its time is up', async () => {
  if (!sandbox) return;
  // A sandbox with a time limit of 1 s: the others' 5 s leave room for a busy machine, this one is waited out.
  const brief = (await findSandbox('bwrap', { timeoutSeconds: 1, memoryBytes: 1024 ** 3 })) as Sandbox;
  const r = await brief.run({ argv: ['/bin/sh', '-c', '(sleep 30; echo late > late) & sleep 30'], cwd: dir, writable: dir });
  assert.ok(r.timedOut, 'killed at its time limit, not waited for');
  await new Promise((done) => setTimeout(done, 300));
  const late = await readFile(join(dir, 'late')).then(() => true, () => false);
  assert.not.ok(late, 'the background child was killed too');
});

test('memory and file size are bounded', async () => {
  if (!sandbox) return;
  const r = await sh('ulimit -v; ulimit -f');
  assert.equal(r.stdout.trim().split('\n'), [String(1024 ** 2), '1048576']);
});

test('a bwrap that is missing is named, with the fix', async () => {
  const found = await findSandbox('bwrap', undefined, '/nonexistent/bwrap');
  assert.is(found.kind, 'unavailable');
  if (found.kind !== 'unavailable') return;
  assert.match(found.reason, /not installed/);
  assert.match(found.fix, /apt-get install bubblewrap/);
  assert.match(found.fix, /--sandbox none/);
});

test('none runs unconfined, as asked', async () => {
  const none = await findSandbox('none', { timeoutSeconds: 5, memoryBytes: 1024 ** 3 });
  assert.is(none.kind, 'none');
  if (none.kind !== 'none') return;
  const r = await none.run({ argv: ['/bin/sh', '-c', 'pwd'], cwd: dir, writable: dir });
  assert.is(r.stdout.trim(), dir);
});

test.run();
