import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { userIndexPath } from '../../src/analyze/knowledge/user-library.js';
import { knowledgeAdd } from '../../src/commands/knowledge.js';
import { verify } from '../../src/commands/verify.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, writeTemp, type TarItem } from '../helpers/archives.js';
import { cuckooHelp, runCuckoo, runCuckooHere } from '../helpers/cli.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';

const caches: string[] = [];
const newCache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cuckoo-knowledge-cache-'));
  caches.push(dir);
  return dir;
};

test.after(async () => {
  await removeTempDirs();
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
});

const macro = (serial: number, body: string) => `# foo.m4 serial ${serial}\ndnl a test macro\nAC_DEFUN([FOO_CHECK], [${body}])\n`;
const foo3 = macro(3, 'AC_MSG_CHECKING([foo])');
const foo4 = macro(4, 'AC_MSG_CHECKING([foo, again])');
const foo30 = macro(30, 'eval "$(tr a-z n-za-m < tests/files/bad)"');

/** A library repository with two versions of m4/foo.m4 in its history. */
async function libraryRepo() {
  return makeRepo({
    files: { 'm4/foo.m4': foo3, 'README': 'a macro library\n' },
    tags: ['v1.0'],
    commits: [{ files: { 'm4/foo.m4': foo4, 'build-aux/install-sh': '#!/bin/sh\n# install-sh\n' } }],
  });
}

/** A project tagged v1.2 without m4/foo.m4, and its release carrying `foo`. */
async function projectRelease(name: string, foo: string): Promise<{ repo: string; release: string }> {
  const project = await makeRepo({ files: { 'configure.ac': 'AC_INIT([proj],[1.2])\n' }, tags: ['v1.2'] });
  const items: TarItem[] = [
    { path: 'proj-1.2/', type: 'directory' },
    { path: 'proj-1.2/configure.ac', content: 'AC_INIT([proj],[1.2])\n' },
    { path: 'proj-1.2/m4/foo.m4', content: foo },
  ];
  return { repo: project.dir, release: await writeTemp(`${name}/proj-1.2.tar`, buildTar(items)) };
}

const fooFinding = (r: Report) => r.findings.find((f) => f.path === 'm4/foo.m4');

test('a repository: every historical version is indexed, once', async () => {
  const lib = await libraryRepo();
  const cacheDir = newCache();
  const first = await knowledgeAdd({ sources: [lib.dir], cacheDir });
  assert.is(first.files, 3); // foo.m4 twice, install-sh once; README is no tool file
  assert.is(first.added, 3);
  assert.is(first.libraryPath, userIndexPath(cacheDir));
  assert.equal(first.sources.map((s) => s.kind), ['repository']);
  const again = await knowledgeAdd({ sources: [lib.dir], cacheDir });
  assert.is(again.added, 0);
  assert.is(again.total, 3);
  // The bare clone and the bundle hold the same history: nothing new either.
  assert.is((await knowledgeAdd({ sources: [await lib.bareClone(), await lib.bundle()], cacheDir })).added, 0);
  const index = JSON.parse(await readFile(userIndexPath(cacheDir), 'utf8')) as { files: Array<{ name: string; serial?: number; origin: { version: string } }> };
  assert.equal(index.files.map((f) => `${f.name} ${f.serial ?? '-'}`), ['foo.m4 3', 'foo.m4 4', 'install-sh -']);
  // The serial-3 version was first seen on the commit tagged v1.0.
  assert.is(index.files[0]!.origin.version, 'v1.0');
  assert.is(index.files[1]!.origin.version, lib.commits[1]!.slice(0, 12));
});

test('verify: an old indexed version is known-good, a serial-30 look-alike is not', async () => {
  const lib = await libraryRepo();
  const cacheDir = newCache();
  await knowledgeAdd({ sources: [lib.dir], cacheDir });

  const old = await projectRelease('old', foo3);
  const good = await verify({ release: old.release, repo: old.repo, cacheDir, hostKnowledge: false });
  assert.is(fooFinding(good)?.category, 'known-good');
  assert.is(good.verdict, 'pass');

  const bad = await projectRelease('bad', foo30);
  const report = await verify({ release: bad.release, repo: bad.repo, cacheDir, hostKnowledge: false });
  const finding = fooFinding(report);
  assert.is(finding?.category, 'm4-lookalike');
  assert.ok(finding && ['critical', 'high'].includes(finding.severity), finding?.severity);
  assert.match(finding!.reasons.join('\n'), /highest 4/);

  // Without the library the old version is not explained as known-good.
  const bare = await verify({ release: old.release, repo: old.repo, cacheDir: newCache(), hostKnowledge: false });
  assert.is.not(fooFinding(bare)?.category, 'known-good');
});

test('a folder: tool files by name, .git and links skipped', async () => {
  const dir = join(await tempDir(), 'mymacros');
  await mkdir(join(dir, 'm4'), { recursive: true });
  await mkdir(join(dir, '.git'), { recursive: true });
  await writeFile(join(dir, 'm4', 'foo.m4'), foo4);
  await writeFile(join(dir, 'config.guess'), '#!/bin/sh\necho x\n');
  await writeFile(join(dir, 'notes.txt'), 'not a tool file\n');
  await writeFile(join(dir, '.git', 'bar.m4'), '# not indexed\n');
  await symlink(join(dir, 'm4', 'foo.m4'), join(dir, 'link.m4'));
  const cacheDir = newCache();
  const result = await knowledgeAdd({ sources: [dir], cacheDir });
  assert.equal(result.sources, [{ source: dir, kind: 'folder', package: 'mymacros', files: 2 }]);
  assert.is(result.added, 2);
  assert.is((await knowledgeAdd({ sources: [dir], cacheDir })).added, 0);
});

test('a missing source is an input error naming it', async () => {
  const err = await knowledgeAdd({ sources: ['/no/such/place'], cacheDir: newCache() }).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  assert.is(err?.code, 'input');
  assert.match(err!.message, /\/no\/such\/place/);
});

test('cli: knowledge add prints a summary; a bad path exits 2 with one line', async () => {
  const lib = await libraryRepo();
  const cacheHome = newCache();
  const ok = await runCuckoo(['knowledge', 'add', lib.dir], { cacheHome });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /indexed 3 files, 3 new/);
  assert.ok(ok.stdout.includes(join(cacheHome, 'cuckoo', 'knowledge', 'user-index.json')), ok.stdout);
  // The exit code and output of the next two come from runCli in this process, as bin/cuckoo.js passes them on.
  const again = await runCuckooHere(['knowledge', 'add', lib.dir], { cacheHome });
  assert.match(again.stdout, /, 0 new/);

  const bad = await runCuckooHere(['knowledge', 'add', '/no/such/place'], { cacheHome });
  assert.is(bad.code, 2);
  assert.is(bad.stdout, '');
  assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /^cuckoo: \/no\/such\/place: /);

  const help = await cuckooHelp(['knowledge', 'add']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /cuckoo knowledge add ~\/src\/gnulib/);
});

test.run();
