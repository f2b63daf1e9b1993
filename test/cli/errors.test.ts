import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cuckooHelp, keepReproduction, root, runCuckoo, runCuckooHere, seedReproduction } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'cuckoo-cli-errors-'));
// The in-process runs share a cache folder: the bundle unpacked and the machine's tool files hashed once.
const cacheHome = join(scratch, 'cache');

/**
 * Bad input: one line on stderr naming what failed, no stack trace, the
 * documented exit code. The CLI runs in this process (the exit code is runCli's);
 * the colour, --help and cache tests below run bin/cuckoo.js.
 */
const here = (args: string[]) => runCuckooHere(args, { cacheHome });

async function oneLineError(args: string[], code: number, pattern: RegExp) {
  const r = await here(args);
  assert.is(r.code, code, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^cuckoo: /);
  assert.match(lines[0]!, pattern);
  assert.not.match(r.stderr, /\n\s+at /);
}

test('a truncated release is a one-line error, exit 2', async () => {
  const whole = readFileSync(join(root, 'samples/hello-1.0.tar.gz'));
  const cut = join(scratch, 'hello-1.0.tar.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  await oneLineError(['verify', cut, '--repo', 'samples/hello.bundle'], 2, /hello-1\.0\.tar\.gz.*(truncated|corrupt)/);
  // The file is named once, not as `reading X: X: …`; bin/cuckoo.js exits with runCli's code.
  const r = await runCuckoo(['verify', cut, '--repo', 'samples/hello.bundle']);
  assert.is(r.stderr.split(cut).length, 2, r.stderr);
  assert.is(r.code, 2);
});

test('usage errors name the flag, exit 2', async () => {
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--tag', 'v1.0', '--commit', 'abc'], 2, /tag.*commit|commit.*tag/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--fail-on', 'severe'], 2, /--fail-on: unknown severity "severe"/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--max-total-size', 'lots'], 2, /--max-total-size: not a size/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--submodule', 'gnulib'], 2, /--submodule: expected NAME=PATH/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--strip', 'abc'], 2, /--strip: not a whole number: "abc"/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--timeout', '0'], 2, /--timeout: must be at least 1/);
  await oneLineError(['batch', 'm.yaml', '--out', 'o', '--jobs', 'x'], 2, /--jobs: not a whole number: "x"/);
  // A repeated single-value option is named, not passed on as a list.
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--tag', 'v1.0', '--tag', 'v0.9'], 2, /--tag given 2 times/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'a', '--repo', 'b'], 2, /--repo given 2 times/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--policy', 'p.json', '--policy', 'p.json'], 2, /--policy given 2 times/);
  await oneLineError(['batch', 'm.yaml', '--out', 'a', '--out', 'b'], 2, /--out given 2 times/);
  // An empty value (an unset variable in a script) is named, not taken as "no value".
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--previous', ''], 2, /--previous: empty value/);
  await oneLineError(['verify', '', '--repo', 'samples/hello.bundle'], 2, /RELEASE: empty value/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--no-baseline'], 2, /--no-baseline is not an option/);
  await oneLineError(['frobnicate'], 2, /Unknown argument|command/i);
  await oneLineError([], 2, /name a command/);
});

test('an unknown commit and a limit each give one line, exit 2', async () => {
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--commit', 'deadbeef'], 2, /deadbeef/);
  await oneLineError(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--max-entries', '10'], 2, /more than 10 entries.*--max-entries/);
});

test('a release that cannot be read is named before a tag its name cannot give', async () => {
  // A mistyped path whose name has no version: the missing file, not the version, is the error.
  await oneLineError(['verify', join(scratch, 'missing.tar.gz'), '--repo', 'samples/hello.bundle'], 2, /missing\.tar\.gz: no such file/);
  // Nor the repository that could not be opened, which fails before any tag is looked for.
  await oneLineError(['verify', join(scratch, 'missing-1.0.tar.gz'), '--repo', scratch], 2, /missing-1\.0\.tar\.gz: no such file/);
  // The signature downloaded beside the archive, passed in its place: the name gives no tag
  // (hello 1.0.tar.gz.asc), and the file is what to fix.
  const signature = join(scratch, 'hello-1.0.tar.gz.asc');
  writeFileSync(signature, '-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n');
  await oneLineError(['verify', signature, '--repo', 'samples/hello.bundle'], 2, /hello-1\.0\.tar\.gz\.asc: not a release archive \(found OpenPGP signature\) \(a detached signature: pass the archive it signs \(its name, usually, without \.asc/);
  // A readable release whose name gives no tag still says so.
  const renamed = join(scratch, 'release.tar.gz');
  writeFileSync(renamed, readFileSync(join(root, 'samples/hello-1.0.tar.gz')));
  await oneLineError(['verify', renamed, '--repo', 'samples/hello.bundle'], 2, /cannot tell the version from the release name release\.tar\.gz/);
});

test('--fail-on moves the line between pass and fail', async () => {
  const base = ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--quiet'];
  assert.is((await here([...base, '--fail-on', 'critical'])).code, 1);
  const clean = ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--quiet'];
  assert.is((await here(clean)).code, 0);
  assert.is((await here([...clean, '--fail-on', 'medium'])).code, 0);
  assert.is((await here([...clean, '--fail-on', 'low'])).code, 1);
});

test('--help teaches: examples and exit codes', async () => {
  const r = await cuckooHelp(['verify']);
  assert.is(r.code, 0);
  assert.match(r.stdout, 'cuckoo verify xz-5.6.1.tar.gz --repo ~/src/xz');
  assert.match(r.stdout, 'Exit codes:');
  assert.match(r.stdout, '--max-file-memory');
  assert.match(r.stdout, '--format text --format json=report.json');
  assert.match(r.stdout, /html +one self-contained page/);
  const v = await runCuckoo(['--version']);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('colour only when asked: FORCE_COLOR paints, NO_COLOR wins', async () => {
  const args = ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--quiet'];
  const painted = await runCuckoo(args, { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.match(painted.stdout, '\x1b[');
  // The same choice from the env runCli is given.
  const plain = await runCuckooHere(args, { cacheHome, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
  assert.not.match(plain.stdout, '\x1b[');
});

test('nothing is written outside the cache folder', async () => {
  const cacheHome = mkdtempSync(join(tmpdir(), 'cuckoo-cli-cache-'));
  // The generators' results another test of this run made: where the sandbox writes is
  // checked where it runs (commands/verify, reproduce/reproduce).
  seedReproduction(cacheHome);
  const { readdirSync, statSync } = await import('node:fs');
  const before = readdirSync(join(root, 'samples')).map((n) => `${n}:${statSync(join(root, 'samples', n)).mtimeMs}`);
  const r = await runCuckoo(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--quiet'], { cacheHome });
  assert.is(r.code, 0);
  const after = readdirSync(join(root, 'samples')).map((n) => `${n}:${statSync(join(root, 'samples', n)).mtimeMs}`);
  assert.equal(after, before);
  assert.equal(readdirSync(join(cacheHome, 'cuckoo')), ['knowledge', 'repos', 'reproduce', 'tmp']);
  // The machine's tool files, hashed once (host-cache.ts).
  assert.equal(readdirSync(join(cacheHome, 'cuckoo', 'knowledge')), ['host-hashes.json']);
  assert.equal(readdirSync(join(cacheHome, 'cuckoo', 'tmp')), [], 'scratch folders are removed after use');
  rmSync(cacheHome, { recursive: true, force: true });
});

test.before(() => seedReproduction(cacheHome));

test.after(() => {
  keepReproduction(cacheHome);
  rmSync(scratch, { recursive: true, force: true });
});

test.run();
