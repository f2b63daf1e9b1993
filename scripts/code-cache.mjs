#!/usr/bin/env node
// Makes dist/cli/cuckoo.cache, V8's code cache for the bundled command line
// (see src/cli/load-bundle.ts), run by scripts/bundle.mjs after it bundles.
// The bundle is compiled and run here, in a process that starts with the
// V8 flags every run starts with (a cache made under other flags is refused),
// on the samples: a verify of the tampered release with the text and the
// JSON report, and of the zip, with no reproduction, in a temporary cache folder. The cache
// then holds the functions such a run compiles, not just the bundle's top
// level. A failed run still leaves a cache of what it compiled; a cache that
// cannot be written leaves none, and a run compiles the bundle as before.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { loadBundle } = await import(join(root, 'dist/src/cli/load-bundle.js'));
const bundle = join(root, 'dist/cli/cuckoo.cjs');
const target = join(root, 'dist/cli/cuckoo.cache');

const loaded = loadBundle(bundle);
const { runCli } = loaded.run();
const work = mkdtempSync(join(tmpdir(), 'cuckoo-code-cache-'));
const errors = [];
const stderr = { write: (s) => errors.push(String(s)) };
// No cuckoo.json of the folder the build runs in is picked up.
process.chdir(work);
try {
  const repo = join(root, 'samples/hello.bundle');
  // The tampered sample fails (exit 1), the zip passes (exit 0); anything else means the run did not get far.
  const runs = [
    [['samples/tampered/hello-1.0.tar.gz', '--format', 'text'], 1],
    [['samples/tampered/hello-1.0.tar.gz', '--format', 'json'], 1],
    [['samples/hello-1.0.zip', '--tag', 'v1.0', '--format', 'json'], 0],
  ];
  for (const [[release, ...args], expected] of runs) {
    errors.length = 0;
    const code = await runCli(['verify', join(root, release), '--repo', repo, '--no-reproduce', ...args, '--cache-dir', join(work, 'cache')], {
      stdout: { write: () => true },
      stderr,
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (code !== expected) console.error(`code-cache: the warm-up run on ${release} ended with exit ${code}, the cache holds less: ${errors.join('').trim()}`);
  }
} finally {
  process.chdir(root);
  rmSync(work, { recursive: true, force: true });
}
try {
  writeFileSync(`${target}.tmp`, loaded.cacheBytes());
  renameSync(`${target}.tmp`, target);
} catch (err) {
  rmSync(`${target}.tmp`, { force: true });
  console.error(`code-cache: ${target} not written (${err.message}); runs compile the bundle without it`);
}
