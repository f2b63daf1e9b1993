import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderBuildOutput, renderInstalled } from '../../src/cli/tools-command.js';
import { parseToolSpec, toolsList } from '../../src/commands/tools.js';
import { BuildError } from '../../src/reproduce/install.js';
import { cuckooHelp, runCuckooHere } from '../helpers/cli.js';
import { startServer } from '../helpers/http.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(() => removeTempDirs());

/** Exit code, nothing on stdout, one line on stderr naming the argument. */
async function refused(args: string[], code: number, pattern: RegExp) {
  const r = await runCuckooHere(args);
  assert.is(r.code, code, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.is(r.stdout, '');
  assert.match(r.stderr, pattern);
  assert.not.match(r.stderr, /\n\s+at /);
}

test('TOOL@VERSION is parsed; other shapes are usage errors naming the argument', () => {
  assert.equal(parseToolSpec('automake@1.16.5'), { tool: 'automake', version: '1.16.5' });
  assert.throws(() => parseToolSpec('autoconf'), /autoconf: name a tool and a version, as TOOL@VERSION/);
  assert.throws(() => parseToolSpec('foo@1'), /foo@1: unknown tool "foo"/);
  assert.throws(() => parseToolSpec('autoconf@latest'), /"latest" is not a version number/);
});

test('bad TOOL@VERSION, and a version that is not pinned, exit 2 without a download', async () => {
  await refused(['tools', 'install', 'autoconf'], 2, /^cuckoo: autoconf: name a tool and a version, as TOOL@VERSION \(for example cuckoo tools install autoconf@2\.69/);
  await refused(['tools', 'install', 'foo@1'], 2, /^cuckoo: foo@1: unknown tool "foo" \(cuckoo installs autoconf and automake\)/);
  await refused(['tools', 'install', 'autoconf@9.9', '--gnu-mirror', 'http://127.0.0.1:9'], 2, /^cuckoo: autoconf@9\.9: not a release cuckoo has a pinned sha256 for \(pinned autoconf versions: 2\.69, 2\.71, 2\.72\).*src\/reproduce\/gnu-releases\.ts/);
  await refused(['tools'], 2, /name a subcommand/);
});

test('a plain http mirror needs --allow-http (exit 2); a mirror without the file is a network failure (exit 3)', async () => {
  const server = await startServer({});
  const cacheDir = await tempDir('cuckoo-tools-cache-');
  try {
    await refused(['tools', 'install', 'autoconf@2.69', '--gnu-mirror', server.url, '--cache-dir', cacheDir], 2, /plain http is not allowed \(use https:\/\/, or pass --allow-http/);
    await refused(['tools', 'install', 'autoconf@2.69', '--gnu-mirror', server.url, '--allow-http', '--cache-dir', cacheDir], 3, /autoconf\/autoconf-2\.69\.tar\.xz: HTTP 404 \(not found\)/);
    assert.is(server.hits.get('/autoconf/autoconf-2.69.tar.xz'), 1);
  } finally {
    await server.close();
  }
});

test('tools list names both tools, the pinned versions and the cache, with an empty cache', async () => {
  const cacheDir = await tempDir('cuckoo-tools-cache-');
  const r = await runCuckooHere(['tools', 'list', '--cache-dir', cacheDir]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^autoconf\n/);
  assert.match(r.stdout, /\nautomake\n/);
  assert.match(r.stdout, /cuckoo tools install can fetch: autoconf 2\.69, 2\.71, 2\.72; automake 1\.16\.5, 1\.17\n/);
  assert.match(r.stdout, `cache: ${cacheDir}\n`);
  const result = await toolsList({ cacheDir });
  assert.ok(result.copies.every((c) => c.source !== 'cache'));
});

test('an install says where it went, the sha256 it checked and how it was built; a second one that it was there', () => {
  const found = { tool: 'autoconf', version: '2.69', source: 'cache', programs: {} } as unknown as Parameters<typeof renderInstalled>[0]['found'];
  const base = { tool: 'autoconf', version: '2.69', dir: '/c/tools/autoconf-2.69', found, sha256: 'ab'.repeat(32) } as const;
  assert.is(
    renderInstalled({ ...base, reused: false, sandbox: 'bwrap' }),
    `autoconf 2.69 installed in /c/tools/autoconf-2.69 (sha256 ${'ab'.repeat(32)} checked, built in the bubblewrap sandbox)\n`,
  );
  assert.match(renderInstalled({ ...base, reused: false, sandbox: 'none' }), /built unconfined \(--sandbox none\)\)\n$/);
  // Built from a clone: the commit and the tag instead of a sha256.
  const { sha256: _, ...fromGit } = base;
  assert.is(
    renderInstalled({ ...fromGit, reused: false, sandbox: 'bwrap', git: { repo: '/src/automake', commit: 'cd'.repeat(20), tag: 'v2.69' } }),
    `autoconf 2.69 installed in /c/tools/autoconf-2.69 (commit ${'cd'.repeat(20)} of /src/automake, tag v2.69, built in the bubblewrap sandbox)\n`,
  );
  assert.is(renderInstalled({ ...base, reused: true, sandbox: 'bwrap' }), 'autoconf 2.69 is already installed in /c/tools/autoconf-2.69\n');
  // A folder name from the cache path is shown escaped, never as a control sequence.
  assert.match(renderInstalled({ ...base, dir: '/c/\x1b[2J', reused: true, sandbox: 'bwrap' }), /\\x1b\[2J/);
});

test("a failed step's last lines are shown marked off, with control characters escaped", () => {
  const err = new BuildError('building autoconf 2.69: make failed (exit 2)', 'make', 'cd lib && make\nmake: *** Error 1 \x1b]0;owned\x07', 'its last lines are above');
  assert.is(renderBuildOutput(err), '  | cd lib && make\n  | make: *** Error 1 \\x1b]0;owned\\x07\n');
  assert.is(renderBuildOutput(new BuildError('m', 'configure', '', 'h')), '');
});

test('--help teaches with examples', async () => {
  const r = await cuckooHelp(['tools', 'install']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /cuckoo tools install autoconf@2\.69/);
  assert.match(r.stdout, /--sandbox/);
  assert.match(r.stdout, /Exit codes: 0 installed/);
});

test.run();
