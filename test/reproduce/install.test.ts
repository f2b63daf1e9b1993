import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findGnuRelease, gnuReleases } from '../../src/reproduce/gnu-releases.js';
import { BuildError, installTool } from '../../src/reproduce/install.js';
import { defaultSandboxLimits, findSandbox, type Sandbox, type SandboxRun } from '../../src/reproduce/sandbox.js';
import { cachedToolDir, findTool, isFound } from '../../src/reproduce/tools.js';
import { runCuckoo } from '../helpers/cli.js';
import { gnuTarball, withTarball } from '../helpers/gnu.js';
import { startServer } from '../helpers/http.js';
import { rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

const autoconf269 = findGnuRelease('autoconf', '2.69')!;
const tarball = gnuTarball(autoconf269, 'reproduce/install');
const realTest = withTarball(tarball);
const route = `/autoconf/${autoconf269.file}`;

test.after(() => removeTempDirs());

/** Nothing of a failed install is left: no tool entry, no scratch folder. */
async function assertClean(cacheDir: string) {
  const entries = async (dir: string) => readdir(join(cacheDir, dir)).catch(() => [] as string[]);
  assert.equal(await entries('tools'), [], 'tools/ is empty');
  assert.equal(await entries('tmp'), [], 'tmp/ is empty');
}

test('the pinned table: GNU file names of the pinned versions, sha256 in hex', () => {
  assert.ok(gnuReleases.length >= 3);
  for (const r of gnuReleases) {
    assert.match(r.file, new RegExp(`^${r.tool}-${r.version.replace(/\./g, '\\.')}\\.tar\\.(xz|gz)$`));
    assert.match(r.sha256, /^[0-9a-f]{64}$/);
    assert.ok(r.checkedOn.length > 0);
  }
});

test('a download with other bytes under the pinned name is refused, deleted, and leaves nothing in the cache', async () => {
  const cacheDir = await tempDir('cuckoo-tools-cache-');
  const server = await startServer({ [route]: { body: randomBytes(64 * 1024) } });
  try {
    const sandbox = await findSandbox('none');
    const err = await rejects(
      installTool({ tool: 'autoconf', version: '2.69', cacheDir, mirror: server.url, http: { allowHttp: true }, sandbox: sandbox as Sandbox }),
      'network',
      /sha256 [0-9a-f]{64} is not the pinned 64ebcec9.* of autoconf-2\.69\.tar\.xz; the download was deleted/,
    );
    assert.match(err.hint ?? '', /--gnu-mirror/);
    await assertClean(cacheDir);

    const r = await runCuckoo(['tools', 'install', 'autoconf@2.69', '--gnu-mirror', server.url, '--allow-http', '--cache-dir', cacheDir]);
    assert.is(r.code, 3, r.stderr);
    assert.match(r.stderr, /is not the pinned/);
    await assertClean(cacheDir);
  } finally {
    await server.close();
  }
});

realTest('a failed build step is named with the end of its output, and nothing is left in the cache', async () => {
  assert.ok(tarball, 'no GNU tarball: run scripts/gnu-tarball.sh autoconf 2.69 test/.cache/gnu');
  const cacheDir = await tempDir('cuckoo-tools-cache-');
  const server = await startServer({ [route]: { body: tarball } });
  const runs: SandboxRun[] = [];
  // configure "succeeds", make fails: the build never really runs.
  const failing: Sandbox = {
    kind: 'bwrap',
    limits: defaultSandboxLimits,
    async run(run) {
      runs.push(run);
      const make = run.argv[0] === 'make';
      return { exitCode: make ? 2 : 0, stdout: 'making all in lib\n', stderr: make ? 'make: *** [Makefile:42: all] Error 1\n' : '', timedOut: false, seconds: 0 };
    },
  };
  try {
    const err = await rejects(installTool({ tool: 'autoconf', version: '2.69', cacheDir, mirror: server.url, http: { allowHttp: true }, sandbox: failing }), 'tool', /autoconf 2\.69: make failed \(exit 2\)/);
    assert.instance(err, BuildError);
    assert.is((err as BuildError).step, 'make');
    assert.match((err as BuildError).output, /making all in lib\nmake: \*\*\* \[Makefile:42: all\] Error 1/);
    // configure got the final folder as its prefix, and ran in the one writable scratch folder.
    assert.equal(runs[0]!.argv, ['/bin/sh', './configure', `--prefix=${cachedToolDir(cacheDir, 'autoconf', '2.69')}`]);
    assert.ok(runs[0]!.cwd.startsWith(runs[0]!.writable) && runs[0]!.writable.startsWith(join(cacheDir, 'tmp')));
    await assertClean(cacheDir);
  } finally {
    await server.close();
  }
});

/** A fake program answering --version as `tool (GNU Tool) version` does. */
async function fakeProgram(bin: string, name: string, version: string) {
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, name), `#!/bin/sh\necho '${name} (GNU Autoconf) ${version}'\n`, { mode: 0o755 });
}

realTest('a folder at the entry that is not a working install is replaced, whole, by the new build', async () => {
  assert.ok(tarball, 'no GNU tarball: run scripts/gnu-tarball.sh autoconf 2.69 test/.cache/gnu');
  const cacheDir = await tempDir('cuckoo-tools-cache-');
  const dir = cachedToolDir(cacheDir, 'autoconf', '2.69');
  // Left by hand, answering with another version; the finder has read it once already.
  for (const p of ['autoconf', 'autoheader', 'autom4te']) await fakeProgram(join(dir, 'bin'), p, '2.68');
  await writeFile(join(dir, 'stale'), '');
  const before = await findTool('autoconf', '2.69', cacheDir);
  assert.ok(!isFound(before) || before.source !== 'cache');
  const server = await startServer({ [route]: { body: tarball } });
  // The build "installs" three programs answering 2.69 under DESTDIR.
  const staging: Sandbox = {
    kind: 'none',
    limits: defaultSandboxLimits,
    async run(run) {
      const destdir = run.argv.find((a) => a.startsWith('DESTDIR='))?.slice('DESTDIR='.length);
      if (destdir) for (const p of ['autoconf', 'autoheader', 'autom4te']) await fakeProgram(join(destdir, dir, 'bin'), p, '2.69');
      return { exitCode: 0, stdout: '', stderr: '', timedOut: false, seconds: 0 };
    },
  };
  try {
    const installed = await installTool({ tool: 'autoconf', version: '2.69', cacheDir, mirror: server.url, http: { allowHttp: true }, sandbox: staging });
    assert.is(installed.reused, false);
    assert.is(installed.found.source, 'cache');
    assert.is(installed.found.programs.autoconf, join(dir, 'bin', 'autoconf'));
    assert.equal((await readdir(dir)).sort(), ['bin']);
    assert.equal(await readdir(join(cacheDir, 'tmp')), []);
  } finally {
    await server.close();
  }
});

test.run();
