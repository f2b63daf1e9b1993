import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { composedMacroFile } from '../../src/commands/reproduction.js';
import { composedOfKnown } from '../../src/analyze/knowledge/composition.js';
import { stabilizeComposed } from '../../src/reproduce/reproducer.js';
import type { KnowledgeLookup, KnownFile } from '../../src/analyze/knowledge/types.js';
import { variantDiff } from '../../src/analyze/knowledge/variant.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { unexplained } from '../../src/analyze/rules/unexplained.js';
import { context, known, releaseFile } from './knowledge-fixture.js';

// An ltmain.sh of many lines, as libtool's: the changes below sit far apart.
const filler = (from: number, n: number) => Array.from({ length: n }, (_, i) => `func_${from + i} () { :; }`).join('\n') + '\n';
const upstream = (version: string) =>
  `# libtool (GNU libtool) ${version}\nPROGRAM=libtool\nVERSION=${version}\n` +
  filler(0, 40) +
  `    case $host in\n      *cygwin*) keep=: ;;\n      *) keep=$dup ;;\n    esac\n` +
  filler(40, 40) +
  `      -specs=*|-fsanitize=*|-Wa,*)\n` +
  filler(80, 40) +
  `link) libs="$deplibs $dependency_libs" ;;\n` +
  filler(120, 40);

// Debian's revision 7: its label, and two patches.
const debian = (revision: string, patches: { specs?: boolean; link?: boolean } = { specs: true, link: true }) => {
  let t = upstream('2.4.7').replace('VERSION=2.4.7', `VERSION="2.4.7 Debian-2.4.7-${revision}"`);
  if (patches.specs) t = t.replace('-specs=*|-fsanitize=*|-Wa,*)', '-specs=*|-fsanitize=*|-static-*|-Wa,*)');
  if (patches.link) t = t.replace('link) libs="$deplibs $dependency_libs" ;;', 'link)\n  libs="$deplibs"\n  test no = "$all" || libs="$libs $dependency_libs" ;;');
  return t;
};
// Another distribution's patch, kept as a variant of the upstream file.
const keepDeps = (t: string) => t.replace('    case $host in\n      *cygwin*) keep=: ;;\n      *) keep=$dup ;;\n    esac\n', '    # Keeping duplicates is not harmful.\n    keep=:\n');

function library(files: { file: KnownFile; text: string }[]): KnowledgeLookup {
  const texts = new Map(files.map((f) => [f.file.blobId, Buffer.from(f.text, 'latin1')]));
  return {
    byHash: (id) => files.map((f) => f.file).filter((f) => f.blobId === id || f.sha256 === id),
    byName: (name) => files.map((f) => f.file).filter((f) => f.name === name),
    content: async (file) => texts.get(file.blobId),
  };
}

const up = known('ltmain.sh', upstream('2.4.7'), { package: 'libtool', version: '2.4.7' });
const deb7 = known('ltmain.sh', debian('7~deb12u1'), { package: 'libtool', version: '2.4.7-7~deb12u1' });
const variantText = keepDeps(upstream('2.4.7'));
const variant: KnownFile = {
  ...known('ltmain.sh', variantText, { package: 'libtool', version: '2.4.7' }),
  variant: { distribution: 'Fedora', release: 'libtool-2.4.7-9', patches: ['keep-compiler-deps.patch'], source: 'x', base: up.blobId, diff: variantDiff(Buffer.from(upstream('2.4.7')), Buffer.from(variantText)) },
};
const lib = library([
  { file: up, text: upstream('2.4.7') },
  { file: deb7, text: debian('7~deb12u1') },
  { file: variant, text: variantText },
]);

const judge = async (path: string, content: string) => {
  const change = { kind: 'only-in-release' as const, path, release: releaseFile(path, content) };
  return (await knownGood.judge(change, context(lib))) ?? (await m4Serial.judge(change, context(lib))) ?? (await unexplained.judge(change, context(lib)));
};

test('a Debian revision the library lacks: its label and a subset of the known revision patches', async () => {
  // Revision 5 had the link patch only; revision 7 added the other.
  const j = await judge('build-aux/ltmain.sh', debian('5', { link: true }));
  assert.is(j?.category, 'known-good');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'ltmain.sh of libtool 2.4.7 with 2 changes that known copies of libtool make: libtool 2.4.7 (Debian) (2)');
  assert.equal(j!.evidence?.matches?.map((m) => m.version), ['2.4.7', '2.4.7-7~deb12u1']);
  assert.match(j!.evidence!.diff!, '+VERSION="2.4.7 Debian-2.4.7-5"');
  assert.match(j!.evidence!.diff!, '+  libs="$deplibs"');
});

test('changes of two distributions together, each named with its count', async () => {
  const j = await judge('ltmain.sh', keepDeps(debian('5', { specs: true })));
  assert.is(j?.category, 'known-good');
  assert.match(j!.reasons[0]!, 'with 3 changes');
  assert.match(j!.reasons[0]!, 'libtool 2.4.7 (Debian) (2), libtool 2.4.7 as patched by Fedora libtool-2.4.7-9 (1)');
});

test('one line no known copy has, or a known change put elsewhere, is not explained', async () => {
  // A planted command beside known changes.
  let j = await judge('ltmain.sh', debian('5').replace('func_3 () { :; }', 'func_3 () { :; }\neval "$(cat tests/files/x | tr a-z n-za-m)"'));
  assert.is.not(j?.category, 'known-good');
  assert.is(j?.category, 'unexplained');
  // The known `-static-*` change, but on another line than the patch changes.
  j = await judge('ltmain.sh', upstream('2.4.7').replace('func_100 () { :; }', 'func_100 () { :; }\n      -specs=*|-fsanitize=*|-static-*|-Wa,*)'));
  assert.is(j?.category, 'unexplained');
  // A version stated in a changed line is neutral; a changed word beside it is not.
  j = await judge('ltmain.sh', debian('5').replace('VERSION="2.4.7 Debian-2.4.7-5"', 'VERSION="2.4.7 Debian-2.4.7-5 evil"'));
  assert.is(j?.category, 'unexplained');
});

test('composedOfKnown: nothing without a distribution copy, and nothing for the upstream file itself', async () => {
  const alone = library([{ file: up, text: upstream('2.4.7') }]);
  assert.is(await composedOfKnown([up], Buffer.from(debian('5')), alone), undefined);
  assert.is(await composedOfKnown([up, deb7, variant], Buffer.from(upstream('2.4.7')), lib), undefined);
});

const m4 = (serial: number) => `# libtool.m4 - Configure libtool for the host system. -*-Autoconf-*-\n# serial ${serial} LT_INIT\n` + filler(0, 30) + `: \${AR_FLAGS=cru}\n` + filler(30, 30);
// Debian's copy changes AR_FLAGS, adds a line, and raises the serial.
const m4DebText = m4(59).replace('AR_FLAGS=cru', 'AR_FLAGS=cr').replace('func_40 () { :; }', 'func_40 () { :; }\nlink_all_deplibs=no');
const m4Up = known('libtool.m4', m4(58), { package: 'libtool', version: '2.4.6' });
const m4Deb = known('libtool.m4', m4DebText, { package: 'libtool', version: '2.4.6-15' });
const m4Lib = library([
  { file: m4Up, text: m4(58) },
  { file: m4Deb, text: m4DebText },
]);
const judgeM4 = (text: string) => knownGood.judge({ kind: 'only-in-release' as const, path: 'm4/libtool.m4', release: releaseFile('m4/libtool.m4', text) }, context(m4Lib));

test('libtool.m4 with known changes keeps its serial and is explained; a serial a known change raised is left to m4-serial', async () => {
  const j = await judgeM4(m4(58).replace('AR_FLAGS=cru', 'AR_FLAGS=cr'));
  assert.is(j?.category, 'known-good');
  assert.match(j!.reasons[0]!, 'libtool.m4 serial 58 of libtool 2.4.6 with 1 change');
  // Every change is Debian's, the raised serial too: which copy aclocal keeps is m4-serial's to judge.
  assert.ok(await composedOfKnown([m4Up, m4Deb], Buffer.from(m4(59).replace('AR_FLAGS=cru', 'AR_FLAGS=cr')), m4Lib));
  assert.is(await judgeM4(m4(59).replace('AR_FLAGS=cru', 'AR_FLAGS=cr')), undefined);
  // The line Debian adds, added where Debian does and elsewhere.
  assert.is((await judgeM4(m4(58).replace('func_40 () { :; }', 'func_40 () { :; }\nlink_all_deplibs=no')))?.category, 'known-good');
  assert.is(await judgeM4(m4(58).replace('func_10 () { :; }', 'func_10 () { :; }\nlink_all_deplibs=no')), undefined);
});

// libtool.m4 with the `##` lines aclocal leaves out of its copy, as the installed file has them.
const hashLines = (t: string) => t.replace('func_20 () { :; }\n', 'func_20 () { :; }\n## ------------------------- ##\n## Configuration variables. ##\n## ------------------------- ##\n');
const copiedOf = (t: string) => t.replace(/^##.*\n/gm, '');
const acUp = known('libtool.m4', hashLines(m4(58)), { package: 'libtool', version: '2.4.6' });
const acDebText = hashLines(m4(58).replace('AR_FLAGS=cru', 'AR_FLAGS=cr').replace('func_40 () { :; }', 'func_40 () { :; }\nlink_all_deplibs=no'));
const acDeb = known('libtool.m4', acDebText, { package: 'libtool', version: '2.4.6-15' });
const acLib = library([
  { file: acUp, text: hashLines(m4(58)) },
  { file: acDeb, text: acDebText },
]);

test("aclocal's copy of a libtool.m4 made of its upstream file and a known copy's changes is named, in the form aclocal copies it", async () => {
  // An older Debian revision: one of the two changes of the revision the library knows.
  const older = copiedOf(hashLines(m4(58).replace('AR_FLAGS=cru', 'AR_FLAGS=cr')));
  assert.is(await composedMacroFile(older, 'libtool.m4', acLib), 'libtool.m4 serial 58 of libtool 2.4.6 with 1 change that known copies of libtool make: libtool 2.4.6 (Debian) (1)');
  // Compared as the file itself, the `##` lines it lacks are changes no copy makes.
  assert.is(await composedOfKnown([acUp, acDeb], Buffer.from(older), acLib), undefined);
  // A line no copy has, another serial, another name: nothing.
  assert.is(await composedMacroFile(older.replace('func_3 () { :; }', 'func_3 () { :; }\nsh tests/x'), 'libtool.m4', acLib), undefined);
  assert.is(await composedMacroFile(older.replace('serial 58', 'serial 60'), 'libtool.m4', acLib), undefined);
  assert.is(await composedMacroFile(older, 'ltoptions.m4', acLib), undefined);
});

test('an aclocal.m4 whose libtool.m4 is such a copy is reproduced after normalising, the composition named; a planted line is not', async () => {
  const installed = hashLines(m4(60).replace('func_50 () { :; }', 'func_50 () { :; }\nlt_new=yes'));
  const head = '# generated automatically by aclocal 1.16.1 -*- Autoconf -*-\n\nm4_ifndef([AC_AUTOCONF_VERSION], [])\n\n';
  const tail = '\n# Copyright (C) 2002-2018 Free Software Foundation, Inc.\nAC_DEFUN([AM_AUTOMAKE_VERSION], [:])\n';
  const regenerated = head + copiedOf(installed) + tail;
  const input = { generator: 'aclocal', toolVersion: '1.16.1', installedMacros: new Map([['libtool.m4', installed]]), knownGood: () => undefined };
  const asked: string[] = [];
  const composed = (text: string, name: string) => {
    asked.push(name);
    return composedMacroFile(text, name, acLib);
  };
  const older = copiedOf(hashLines(m4(58).replace('AR_FLAGS=cru', 'AR_FLAGS=cr')));
  const r = await stabilizeComposed(head + older + tail, regenerated, input, composed);
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['aclocal-installed-macro-version']);
  assert.match(r.applied[0]!.forgives, 'libtool.m4: the release has libtool.m4 serial 58 of libtool 2.4.6 with 1 change that known copies of libtool make');
  assert.equal([...new Set(asked)], ['libtool.m4']);
  // Without the compositions worked out, it stays different.
  const without = await stabilizeComposed(head + older + tail, regenerated, input, undefined);
  assert.is.not(without.release, without.regenerated);
  const planted = await stabilizeComposed(head + older.replace('func_3 () { :; }', 'func_3 () { :; }\nsh tests/x') + tail, regenerated, input, composed);
  assert.is.not(planted.release, planted.regenerated);
  // An aclocal.m4 the regenerated one matches asks nothing.
  asked.length = 0;
  await stabilizeComposed(regenerated, regenerated, input, composed);
  assert.equal(asked, []);
});

test.run();
