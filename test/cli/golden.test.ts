import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keepReproduction, root, runCuckooHere, seedReproduction } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

/**
 * Golden reports for the bundled samples: each file holds the command, its exit
 * code and its output. UPDATE_GOLDEN=1 rewrites them; review the diff.
 */
const cases: Array<{ name: string; args: string[] }> = [
  { name: 'clean.txt', args: ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle'] },
  { name: 'clean-verbose.txt', args: ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--verbose'] },
  { name: 'tampered.txt', args: ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle'] },
  { name: 'tampered.json', args: ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'json'] },
  { name: 'tampered.sarif', args: ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'sarif'] },
  { name: 'tampered.md', args: ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'markdown'] },
  { name: 'zip.json', args: ['verify', 'samples/hello-1.0.zip', '--repo', 'samples/hello.bundle', '--tag', 'v1.0', '--format', 'json'] },
  { name: 'drift.txt', args: ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--previous', 'samples/hello-0.9.tar.gz'] },
  { name: 'drift.md', args: ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--previous', 'samples/hello-0.9.tar.gz', '--format', 'markdown'] },
  { name: 'planted.txt', args: ['verify', 'samples/planted/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle'] },
  { name: 'quiet.txt', args: ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--quiet'] },
  { name: 'error-missing-release.txt', args: ['verify', 'samples/no-such-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--tag', 'v1.0'] },
  { name: 'error-not-an-archive.txt', args: ['verify', 'samples/README.md', '--repo', 'samples/hello.bundle', '--tag', 'v1.0'] },
  { name: 'error-unknown-tag.txt', args: ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--tag', 'v9.9'] },
  { name: 'error-not-a-repo.txt', args: ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/tampered'] },
  { name: 'error-no-repo.txt', args: ['verify', 'samples/hello-1.0.tar.gz'] },
];

const dir = join(root, 'samples/expected');
// Reports must not depend on which build tools this machine has installed.
for (const c of cases) if (c.args[0] === 'verify') c.args.push('--no-host-knowledge');

/**
 * How long a generator ran, and whether its result came from the cache, vary
 * from run to run; every other byte of a report is compared.
 */
function stable(output: string): string {
  return output.replace(/("seconds": )[\d.]+/g, '$10').replace(/("cached": )(true|false)/g, '$1false');
}

function format(args: string[], r: { code: number | null; stdout: string; stderr: string }): string {
  return `$ cuckoo ${args.join(' ')}\nexit: ${r.code}\n--- stdout\n${stable(r.stdout)}--- stderr\n${r.stderr}`;
}

// One cache folder for the cases: the bundle is unpacked once, not for each (a report does not say which run unpacked it).
let cacheHome: string;
test.before(async () => {
  cacheHome = await tempDir('cuckoo-golden-cache-');
  seedReproduction(cacheHome);
});
test.after(() => {
  keepReproduction(cacheHome);
  return removeTempDirs();
});

for (const c of cases) {
  test(`golden ${c.name}`, async () => {
    const actual = format(c.args, await runCuckooHere(c.args, { cacheHome }));
    const file = join(dir, c.name);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, actual);
      if (process.env.UPDATE_GOLDEN !== '1') assert.unreachable(`${file} was missing and has been written; check it and run again`);
      return;
    }
    assert.fixture(actual, readFileSync(file, 'utf8'));
  });
}

test.run();
