/**
 * The package as users get it: `npm pack`, then `npm install -g` of the
 * tarball into a temporary prefix, with no registry (the runtime
 * dependencies are bundled), and the installed `cuckoo` checks a sample.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

const run = promisify(execFile);

test.after(() => removeTempDirs());

test('npm pack, npm install -g ./cuckoo-*.tgz (offline), and the installed cuckoo runs: --version, verify on a sample, its man page', async () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bundleDependencies: string[] };
  assert.equal(pkg.bundleDependencies, Object.keys(pkg.dependencies), 'every runtime dependency is bundled');
  const dir = await tempDir('cuckoo-pack-');
  const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = info!.files.map((f) => f.path);
  for (const f of ['bin/cuckoo.js', 'dist/cli/cuckoo.cjs', 'dist/cli/cuckoo.cache', 'dist/src/cli/load-bundle.js', 'dist/src/cli/main.js', 'dist/src/release/zip-unzipper-worker.js', 'man/cuckoo.1', 'schema/cuckoo.report.v1.json', 'samples/hello-1.0.tar.gz', 'docs/speed-history.md', 'node_modules/yargs/package.json']) assert.ok(files.includes(f), f);
  assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/') || f.startsWith('test/')), 'no tests or TypeScript sources');
  assert.ok(!files.some((f) => f.startsWith('node_modules/typescript/') || f.startsWith('node_modules/uvu/')), 'no development dependencies');

  const prefix = join(dir, 'prefix');
  // --offline: nothing may come from a registry, so the tarball must hold all it needs.
  await run('npm', ['install', '--global', '--offline', '--ignore-scripts', '--prefix', prefix, join(dir, info!.filename)], { cwd: dir, env: npmEnv });
  const bin = join(prefix, 'bin', 'cuckoo');
  assert.ok(existsSync(join(prefix, 'share/man/man1/cuckoo.1')), 'the man page is linked into the prefix');
  const env = { PATH: process.env.PATH, HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1' };
  assert.is((await run(bin, ['--version'], { env })).stdout.trim(), pkg.version);
  const installed = join(prefix, 'lib/node_modules', pkg.name);
  const verify = await run(bin, ['verify', join(installed, 'samples/hello-1.0.tar.gz'), '--repo', join(installed, 'samples/hello.bundle'), '--no-reproduce', '--format', 'json'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(verify.stdout) as { verdict: string; tag: { ref: string } };
  assert.equal([report.verdict, report.tag.ref], ['pass', 'v1.0']);
  assert.match((await run(bin, ['completion', 'bash'], { env })).stdout, /complete -o filenames -F _cuckoo cuckoo/);
});

test.run();
