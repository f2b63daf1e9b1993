#!/usr/bin/env node
// make demo: run cuckoo on the bundled samples, showing each command, its report and exit code.
// The cache goes to a temp folder so the demo leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cache = mkdtempSync(join(tmpdir(), 'cuckoo-demo-'));
const runs = [
  ['the clean release, as make dist made it', ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle']],
  ['a tampered release of the same tag', ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle']],
  ['one line planted in the generated configure: only re-running autoconf shows it',
    ['verify', 'samples/planted/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle']],
  ['the tampered release against the previous release, 0.9: what changed outside git since then',
    ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--previous', 'samples/hello-0.9.tar.gz']],
  ['a GitHub-style source zip, tag given', ['verify', 'samples/hello-1.0.zip', '--repo', 'samples/hello.bundle', '--tag', 'v1.0']],
  // Exit 3 where the machine has no bubblewrap or autotools: the report says what is missing.
  ["the clean release rebuilt from its tag with the project's own autogen.sh, configure and make distdir, in the sandbox",
    ['rebuild', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle'], [0, 1, 3]],
];
let unexpected = 0;
for (const [what, args, allowed = [0, 1]] of runs) {
  console.log(`\n### ${what}\n$ cuckoo ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['bin/cuckoo.js', ...args], {
    stdio: 'inherit',
    env: { ...process.env, XDG_CACHE_HOME: cache },
  });
  console.log(`(exit code ${r.status})`);
  if (!allowed.includes(r.status)) unexpected++;
}
// The same tampered release once more, as the page a packager would open in a browser.
const html = join(tmpdir(), 'cuckoo-demo-report.html');
const r = spawnSync(process.execPath, ['bin/cuckoo.js', 'verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--quiet', '--format', 'text', '--format', `html=${html}`], {
  stdio: 'inherit',
  env: { ...process.env, XDG_CACHE_HOME: cache },
});
if (r.status !== 1) unexpected++;
console.log(`\nThe HTML report of the tampered release: ${html}`);
rmSync(cache, { recursive: true, force: true });
process.exit(unexpected ? 1 : 0);
