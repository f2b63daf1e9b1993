import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KnowledgeLookup } from '../../src/analyze/knowledge/types.js';
import { unexplained } from '../../src/analyze/rules/unexplained.js';
import { context, installSh, known, releaseFile } from './knowledge-fixture.js';

const lib: KnowledgeLookup = {
  byHash: () => [],
  byName: (name) => (name === 'install-sh' ? [known('install-sh', installSh, { package: 'automake', version: '1:1.16.5-1.3' })] : []),
  content: async () => undefined,
};

const judge = (path: string, content: string, mode = 0o644) =>
  unexplained.judge({ kind: 'only-in-release', path, release: { ...releaseFile(path, content), mode } }, context(lib));

test('an unknown version of a tool file is medium and says which tools ship that name', async () => {
  const j = await judge('build-aux/install-sh', '#!/bin/sh\nscriptversion=2010-02-06.18; # UTC\n', 0o755);
  assert.is(j?.severity, 'medium');
  assert.ok(j!.reasons.includes('not any of the 1 known version of install-sh (from automake): a version the library lacks, or a look-alike'), j!.reasons.join('\n'));
});

test('an unknown version of a tool file is diffed against its nearest genuine version when its text is at hand', async () => {
  const genuine = known('install-sh', installSh, { package: 'automake', version: '1:1.16.5-1.3' });
  const withText: KnowledgeLookup = { ...lib, byName: (name) => (name === 'install-sh' ? [genuine] : []), content: async (f) => (f === genuine ? Buffer.from(installSh) : undefined) };
  const patched = installSh.replace('echo install\n', 'echo install\nchmod 4755 "$dst"\n');
  const j = await unexplained.judge({ kind: 'only-in-release', path: 'build-aux/install-sh', release: { ...releaseFile('build-aux/install-sh', patched), mode: 0o755 } }, context(withText));
  assert.is(j?.severity, 'medium');
  assert.ok(j!.reasons.includes('diff against the nearest genuine install-sh of automake 1.16.5 (Debian)'), j!.reasons.join('\n'));
  assert.match(j!.evidence!.diff!, '+chmod 4755 "$dst"');
});

test('a release-only script no tool ships, where the build runs it, is high', async () => {
  for (const [path, content, mode] of [
    ['build-aux/relocate', '#!/bin/sh\ncp "$1" "$2"\n', 0o644],
    ['build-aux/relocate', 'cp "$1" "$2"\n', 0o755],
    ['m4/extra.m4', 'AC_DEFUN([X], [:])\n', 0o644],
    ['src/local.mk', 'all: x\n', 0o644],
  ] as const) {
    const j = await judge(path, content, mode);
    assert.is(j?.severity, 'high', `${path} ${mode.toString(8)}`);
  }
});

test('generated lists and makefiles, and files outside the build, stay medium', async () => {
  assert.is((await judge('po/POTFILES.in', 'src/a.c\nsrc/b.c\n'))?.severity, 'medium');
  assert.is((await judge('doc/man/Makefile', 'all:\n\tmandoc x.1\n'))?.severity, 'medium');
  assert.is((await judge('docs/notes.txt', '#!/bin/sh\n', 0o755))?.severity, 'medium');
});

test.run();
