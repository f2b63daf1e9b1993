import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../helpers/cli.js';

const cacheHome = mkdtempSync(join(tmpdir(), 'cuckoo-pipe-'));
test.after(() => rmSync(cacheHome, { recursive: true, force: true }));

/** Runs cuckoo with its stdout a pipe this side closes before reading a byte, as `| head -0` would. */
function closedEarly(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/cuckoo.js'), ...args], {
      cwd: root,
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('a reader that closes the pipe early ends the output, not the run: no stack trace, the verdict\'s exit code', async () => {
  // The tampered sample fails (exit 1), reproduction or not; its full JSON report is far larger than a pipe holds.
  const tampered = await closedEarly(['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'json', '--verbose', '--no-reproduce']);
  assert.is(tampered.stderr, '');
  assert.is(tampered.code, 1);
  const clean = await closedEarly(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--format', 'json', '--no-reproduce']);
  assert.is(clean.stderr, '');
  assert.is(clean.code, 0);
});

test.run();
