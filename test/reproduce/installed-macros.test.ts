import { execa } from 'execa';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

/**
 * The macros aclocal copies from where it is installed (installed-macros.ts),
 * found through `aclocal --print-ac-dir`: here a stand-in aclocal, a shell
 * script that counts the times it is asked. Each look runs in a process of
 * its own, as each run of cuckoo does: within one process the answer is kept
 * anyway.
 */

test.after(() => removeTempDirs());

const modules = new URL('../../src/reproduce/', import.meta.url).href;

/** installedMacros in a new process: the names and texts it found. */
async function lookIn(aclocal: string, cacheDir: string): Promise<Record<string, string>> {
  const script = `
    import { installedMacros } from ${JSON.stringify(`${modules}installed-macros.js`)};
    const found = await installedMacros({ tool: 'automake', version: '1.16.5', programs: { aclocal: ${JSON.stringify(aclocal)} }, source: 'path' }, ${JSON.stringify(cacheDir)});
    process.stdout.write(JSON.stringify(Object.fromEntries([...found].sort())));
  `;
  const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as Record<string, string>;
}

test("aclocal's folder is asked once per program: later runs take it from the cache until the program changes", async () => {
  const dir = await tempDir('cuckoo-aclocal-');
  const system = join(dir, 'share', 'aclocal');
  mkdirSync(system, { recursive: true });
  mkdirSync(`${system}-1.16`);
  writeFileSync(join(system, 'pkg.m4'), '# serial 12\n');
  writeFileSync(join(system, 'README'), 'not a macro\n');
  mkdirSync(join(system, 'odd.m4'));
  writeFileSync(join(`${system}-1.16`, 'python.m4'), '# serial 2\n');
  // The system folder's copy comes first, as aclocal reads it first.
  writeFileSync(join(`${system}-1.16`, 'pkg.m4'), '# serial 1\n');
  const asked = join(dir, 'asked');
  const aclocal = join(dir, 'aclocal');
  const program = (extra: string) => `#!/bin/sh\necho x >> ${JSON.stringify(asked)}\n[ "$1" = --print-ac-dir ] && echo ${JSON.stringify(system)}\n${extra}`;
  writeFileSync(aclocal, program(''));
  chmodSync(aclocal, 0o755);
  const cacheDir = await tempDir('cuckoo-aclocal-cache-');
  const times = () => readFileSync(asked, 'utf8').split('\n').filter(Boolean).length;

  const expected = { 'pkg.m4': '# serial 12\n', 'python.m4': '# serial 2\n' };
  assert.equal(await lookIn(aclocal, cacheDir), expected);
  assert.is(times(), 1);
  assert.equal(await lookIn(aclocal, cacheDir), expected);
  assert.is(times(), 1, 'the second run asks no more');
  // Another program at that path (an upgrade): asked again.
  writeFileSync(aclocal, program('# upgraded\n'));
  assert.equal(await lookIn(aclocal, cacheDir), expected);
  assert.is(times(), 2);
  // No cache: asked each time.
  const none = await tempDir('cuckoo-aclocal-none-');
  await lookIn(aclocal, join(none, 'cache'));
  assert.is(times(), 3);
});

test('an aclocal that names no absolute folder gives no macros, and its answer is not kept', async () => {
  const dir = await tempDir('cuckoo-aclocal-');
  const asked = join(dir, 'asked');
  const aclocal = join(dir, 'aclocal');
  writeFileSync(aclocal, `#!/bin/sh\necho x >> ${JSON.stringify(asked)}\necho share/aclocal\n`);
  chmodSync(aclocal, 0o755);
  const cacheDir = await tempDir('cuckoo-aclocal-cache-');
  assert.equal(await lookIn(aclocal, cacheDir), {});
  assert.equal(await lookIn(aclocal, cacheDir), {});
  assert.is(readFileSync(asked, 'utf8').split('\n').filter(Boolean).length, 2);
});

test.run();
