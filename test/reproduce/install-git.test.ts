import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gitReleases, type GitRelease } from '../../src/reproduce/gnu-releases.js';
import { installTool, type InstallStep } from '../../src/reproduce/install.js';
import { findSandbox, type Sandbox } from '../../src/reproduce/sandbox.js';
import { findTool, isFound, missingHint } from '../../src/reproduce/tools.js';
import { runCuckoo } from '../helpers/cli.js';
import { makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

/**
 * `cuckoo tools install TOOL@VERSION --git CLONE`: the pinned commit of the
 * version's tag, exported from a clone and built as its repository builds
 * (bootstrap, configure, make, make install), without the manuals. The
 * repository here stands in for automake's: its bootstrap makes configure,
 * and its make would need a makeinfo the machine lacks unless INFO_DEPS is
 * emptied.
 */

test.after(() => removeTempDirs());

const makefileIn = [
  'prefix = @prefix@',
  'INFO_DEPS = doc/automake.info',
  'all: $(INFO_DEPS)',
  "\tprintf '#!/bin/sh\\necho \"automake (GNU automake) 9.9.1\"\\n' > automake.prog",
  "\tprintf '#!/bin/sh\\necho \"aclocal (GNU automake) 9.9.1\"\\n' > aclocal.prog",
  'doc/automake.info:',
  '\tno-makeinfo-here doc/automake.texi',
  'install: all $(INFO_DEPS)',
  '\tmkdir -p $(DESTDIR)$(prefix)/bin',
  '\tcp automake.prog $(DESTDIR)$(prefix)/bin/automake',
  '\tcp aclocal.prog $(DESTDIR)$(prefix)/bin/aclocal',
  '\tchmod +x $(DESTDIR)$(prefix)/bin/automake $(DESTDIR)$(prefix)/bin/aclocal',
  '',
].join('\n');
const files = {
  bootstrap: '#!/bin/sh\ncp configure.dist configure\n',
  'configure.dist': '#!/bin/sh\nfor a; do case $a in --prefix=*) prefix=${a#--prefix=};; esac; done\nsed "s|@prefix@|$prefix|" Makefile.in > Makefile\n',
  'Makefile.in': makefileIn,
};

async function toolRepo() {
  const repo = await makeRepo({ files, tags: ['v9.9.1'], bare: true });
  const pin: GitRelease = { tool: 'automake', version: '9.9.1', tag: 'v9.9.1', commit: repo.commits[0]!, checkedOn: 'a test repository' };
  return { repo, pin };
}

test('the pinned table for --git: commits in hex, each with its tag and how it was checked', () => {
  assert.ok(gitReleases.length >= 1);
  for (const r of gitReleases) {
    assert.match(r.commit, /^[0-9a-f]{40}$/);
    assert.match(r.tag, new RegExp(`^v${r.version.replace(/\./g, '\\.')}$`));
    assert.ok(r.checkedOn.length > 0);
  }
});

test('a pinned commit is exported from the clone and built with bootstrap, configure, make and make install, without the manuals', async () => {
  const { repo, pin } = await toolRepo();
  const cacheDir = await tempDir('cuckoo-tools-git-');
  const steps: InstallStep[] = [];
  const sandbox = (await findSandbox('none')) as Sandbox;
  const installed = await installTool({ tool: 'automake', version: '9.9.1', cacheDir, sandbox, git: repo.dir, gitPins: [pin], onStep: (s) => steps.push(s) });
  assert.equal(steps, ['export', 'bootstrap', 'configure', 'make', 'install']);
  assert.equal(installed.git, { repo: repo.dir, commit: pin.commit, tag: 'v9.9.1' });
  assert.is(installed.sha256, undefined);
  assert.is(installed.reused, false);
  const found = await findTool('automake', '9.9.1', cacheDir);
  assert.ok(isFound(found) && found.source === 'cache', JSON.stringify(found));
  // Nothing of the build is left but the entry.
  assert.equal(await readdir(join(cacheDir, 'tmp')).catch(() => []), []);
  // Once there, it is not built again.
  assert.is((await installTool({ tool: 'automake', version: '9.9.1', cacheDir, sandbox, git: repo.dir, gitPins: [pin] })).reused, true);
});

test('a replace ref in the clone cannot put another tree under the pinned commit', async () => {
  const { repo, pin } = await toolRepo();
  const cacheDir = await tempDir('cuckoo-tools-git-');
  const sandbox = (await findSandbox('none')) as Sandbox;
  // A commit whose tree builds a 6.6.6, set to stand in for the pinned one.
  const blob = (await repo.git(['hash-object', '-w', '--stdin'], { input: makefileIn.replace(/9\.9\.1/g, '6.6.6') })).trim();
  const tree = (await repo.git(['mktree'], { input: (await repo.git(['ls-tree', pin.commit])).replace(/[0-9a-f]{40}(?=\tMakefile\.in)/, blob) })).trim();
  const other = (await repo.git(['commit-tree', '-m', 'other', tree])).trim();
  await repo.git(['replace', pin.commit, other]);
  assert.match(await repo.git(['show', `${pin.commit}:Makefile.in`]), /6\.6\.6/, 'git itself follows the replace ref');
  await installTool({ tool: 'automake', version: '9.9.1', cacheDir, sandbox, git: repo.dir, gitPins: [pin] });
  const found = await findTool('automake', '9.9.1', cacheDir);
  assert.ok(isFound(found) && found.source === 'cache', JSON.stringify(found));
});

test('a clone without the pinned commit, or whose tag names another, is refused and leaves nothing', async () => {
  const { repo, pin } = await toolRepo();
  const cacheDir = await tempDir('cuckoo-tools-git-');
  const sandbox = (await findSandbox('none')) as Sandbox;
  const other = await makeRepo({ files: { README: 'another project\n' }, tags: ['v9.9.1'], bare: true });
  await rejects(installTool({ tool: 'automake', version: '9.9.1', cacheDir, sandbox, git: other.dir, gitPins: [pin] }), 'tool', new RegExp(`has no commit ${pin.commit}, which automake 9\\.9\\.1's tag v9\\.9\\.1 names`));
  // The pinned commit is there, but the tag of that name was moved to another.
  await repo.git(['tag', '-f', 'v9.9.1', (await repo.git(['commit-tree', '-m', 'moved', `${pin.commit}^{tree}`])).trim()]);
  await rejects(installTool({ tool: 'automake', version: '9.9.1', cacheDir, sandbox, git: repo.dir, gitPins: [pin] }), 'tool', new RegExp(`tag v9\\.9\\.1 names [0-9a-f]{40}, not ${pin.commit}`));
  await rejects(installTool({ tool: 'automake', version: '9.9.1', cacheDir, sandbox, git: join(cacheDir, 'nothing-here'), gitPins: [pin] }), 'input', /nothing-here: not a git repository or bundle/);
  assert.equal(await readdir(join(cacheDir, 'tools')).catch(() => []), []);
  assert.equal(await readdir(join(cacheDir, 'tmp')).catch(() => []), []);
});

test('a missing version pinned for --git is named with the command that builds it from a clone', () => {
  assert.is(missingHint('automake', '1.18.1', '/c'), 'install automake 1.18.1 from a clone of its repository (cuckoo tools install automake@1.18.1 --git CLONE)');
  assert.match(missingHint('automake', '1.17', '/c'), /^install automake 1\.17 \(cuckoo tools install automake@1\.17, or pass --fetch-tools\)$/);
  assert.match(missingHint('automake', '1.14.1', '/c'), /your distribution's automake package/);
});

test('cuckoo tools install --git: a version without a pinned commit is a usage error naming those that have one', async () => {
  const cacheDir = await tempDir('cuckoo-tools-git-');
  const r = await runCuckoo(['tools', 'install', 'automake@1.14.1', '--git', cacheDir, '--cache-dir', cacheDir]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /automake@1\.14\.1: not a version cuckoo has a pinned commit for, to build from a clone \(pinned automake versions for --git: 1\.15\.1, 1\.16\.1, 1\.16\.2, 1\.16\.3, 1\.16\.4, 1\.18\.1\)/);
  const empty = await runCuckoo(['tools', 'install', 'automake@1.18.1', '--git', '', '--cache-dir', cacheDir]);
  assert.is(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /--git: empty value/);
  const list = await runCuckoo(['tools', 'list', '--cache-dir', cacheDir]);
  assert.match(list.stdout, /^and build from a clone \(--git CLONE\): automake 1\.15\.1, 1\.16\.1, 1\.16\.2, 1\.16\.3, 1\.16\.4, 1\.18\.1$/m);
});

test.run();
