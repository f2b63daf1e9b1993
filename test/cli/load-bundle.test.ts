/**
 * The bundled command line and its code cache (src/cli/load-bundle.ts):
 * the cache made at build time is the one a run uses, and a cache that is
 * not this bundle's (another bundle of the same length, damaged data, data
 * V8 refuses) is never used, while the bundle still loads.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBundle, readCodeCache } from '../../src/cli/load-bundle.js';
import { root } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(() => removeTempDirs());

const bundle = join(root, 'dist/cli/cuckoo.cjs');
const cache = join(root, 'dist/cli/cuckoo.cache');

/**
 * A copy of dist/cli (the bundle, its chunks, its cache) in a folder of its
 * own, its bundle made different from the original by a comment at its end:
 * V8 keeps what it compiled for a source in memory, and given the same
 * source again it uses that, not the cache it is handed.
 */
async function copies(): Promise<{ bundle: string; cache: string }> {
  const dir = await tempDir('cuckoo-bundle-');
  for (const f of readdirSync(join(root, 'dist/cli'))) copyFileSync(join(root, 'dist/cli', f), join(dir, f));
  const copy = join(dir, 'cuckoo.cjs');
  writeFileSync(copy, `${readFileSync(copy, 'utf8')}\n// ${dir}\n`);
  return { bundle: copy, cache: join(dir, 'cuckoo.cache') };
}

/**
 * What the command line of a loaded bundle says of a release (the sample's
 * bytes) named for a version the repository (this checkout) has no tag for:
 * parsing, options, the release's probe and the tag's inference, run from
 * the compiled bundle. Its top level starts no run of its own:
 * process.argv[1] is this test.
 */
async function untaggedRelease(loaded: ReturnType<typeof loadBundle>): Promise<{ code: number; stderr: string }> {
  const { runCli } = loaded.run() as { runCli: (argv: string[], io: unknown) => Promise<number> };
  const err: string[] = [];
  const cacheDir = await tempDir('cuckoo-bundle-cache-');
  const release = join(cacheDir, 'gone-1.0.tar.gz');
  copyFileSync(join(root, 'samples/hello-1.0.tar.gz'), release);
  const code = await runCli(['verify', release, '--repo', root, '--cache-dir', cacheDir], {
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
  });
  return { code, stderr: err.join('') };
}

test('the build made a code cache for this bundle, V8 takes it, and the command line it compiles runs', async () => {
  const loaded = loadBundle(bundle, cache);
  assert.is(loaded.cache, 'used');
  const run = await untaggedRelease(loaded);
  assert.is(run.code, 2);
  assert.match(run.stderr, /^cuckoo: no tag for gone 1\.0 in /);
  assert.is(loadBundle(bundle).cache, 'absent');
  assert.is(loadBundle(bundle, join(root, 'dist/cli/no-such.cache')).cache, 'absent');
});

test('a cache made for another bundle of the same length is stale, though V8 would take it', async () => {
  const c = await copies();
  const source = readFileSync(c.bundle, 'utf8');
  // The cache made for the copy, then one character of the copy changed in a comment: the same length, so V8's own check passes.
  writeFileSync(c.cache, loadBundle(c.bundle).cacheBytes());
  assert.instance(readCodeCache(c.cache, Buffer.from(source)), Buffer);
  const at = source.indexOf('// ');
  assert.ok(at >= 0);
  writeFileSync(c.bundle, `${source.slice(0, at)}//_${source.slice(at + 3)}`);
  assert.is(readFileSync(c.bundle, 'utf8').length, source.length);
  assert.is(readCodeCache(c.cache, readFileSync(c.bundle)), 'stale');
  assert.is(loadBundle(c.bundle, c.cache).cache, 'stale');
});

test('data V8 refuses is rejected and a damaged cache is stale; the bundle runs either way', async () => {
  const c = await copies();
  const source = readFileSync(c.bundle, 'utf8');
  const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  // Well-formed, its digests right, but not V8's data. Tried first: the copy's source is new to this process.
  const junk = Buffer.alloc(100_000, 7);
  const file = Buffer.concat([Buffer.from(`cuckoo-code-cache/1 ${digest(source)} ${digest(junk)}\n`), junk]);
  writeFileSync(c.cache, file);
  const rejected = loadBundle(c.bundle, c.cache);
  assert.is(rejected.cache, 'rejected');
  assert.is((await untaggedRelease(rejected)).code, 2);
  // A byte of the data changed after its digest was taken.
  const damaged = Buffer.from(file);
  damaged[damaged.length - 100]! ^= 0xff;
  writeFileSync(c.cache, damaged);
  assert.is(readCodeCache(c.cache, Buffer.from(source)), 'stale');
  assert.is(loadBundle(c.bundle, c.cache).cache, 'stale');
  // And a file that is not a cache file at all.
  writeFileSync(c.cache, 'not a cache\n');
  assert.is(readCodeCache(c.cache, Buffer.from(source)), 'stale');
});

test('cacheBytes writes a file that readCodeCache gives back for this bundle only', async () => {
  const c = await copies();
  const loaded = loadBundle(c.bundle);
  writeFileSync(c.cache, loaded.cacheBytes());
  const source = readFileSync(c.bundle);
  assert.instance(readCodeCache(c.cache, source), Buffer);
  assert.is(readCodeCache(c.cache, Buffer.concat([source, Buffer.from(' ')])), 'stale');
  // Not stale; that V8 takes such data is the first test's (this source is compiled in this process already).
  assert.not.equal(loadBundle(c.bundle, c.cache).cache, 'stale');
});

test.run();
