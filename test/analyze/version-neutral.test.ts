import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KnowledgeLookup, KnownFile } from '../../src/analyze/knowledge/types.js';
import { stampNeutralHash, toolVersion, versionNeutralHash } from '../../src/analyze/knowledge/version-neutral.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { context, known, releaseFile } from './knowledge-fixture.js';

const ltmain = (version: string, extra = '') =>
  `# libtool (GNU libtool) ${version}\nPROGRAM=libtool\nPACKAGE=libtool\nVERSION=${version}\npackage_revision=2.4.7\nscriptversion='(GNU libtool) ${version}'\n${extra}func_echo () { printf '%s\\n' "$*"; }\n`;
const ltversion = (version: string, serial = 4245) =>
  `# ltversion.m4 -- version numbers\t\t\t-*- Autoconf -*-\n# serial ${serial} ltversion.m4\nm4_define([LT_PACKAGE_VERSION], [${version}])\nm4_define([LT_PACKAGE_REVISION], [2.4.7])\nAC_DEFUN([LTVERSION_VERSION],\n[macro_version='${version}'\nmacro_revision='2.4.7'\n])\n`;

function library(files: KnownFile[]): KnowledgeLookup {
  return {
    byHash: (id) => files.filter((f) => f.blobId === id || f.sha256 === id),
    byName: (name) => files.filter((f) => f.name === name),
    content: async () => undefined,
  };
}

const home = (url: string) => `GNU libtool home page: <${url}>.\n`;
const lib = library([
  known('ltmain.sh', ltmain('2.4.7'), { package: 'libtool', version: '2.4.7' }),
  known('ltmain.sh', ltmain('2.4.6', home('http://www.gnu.org/software/libtool/')), { package: 'libtool', version: '2.4.6' }),
  known('ltversion.m4', ltversion('2.4.7'), { package: 'libtool', version: '2.4.7-7~deb12u1' }),
]);

const judge = async (path: string, content: string) => {
  const change = { kind: 'only-in-release' as const, path, release: releaseFile(path, content) };
  return (await knownGood.judge(change, context(lib))) ?? (await m4Serial.judge(change, context(lib)));
};

test('toolVersion: the upstream version of an origin, nothing for host copies, snapshots and commits', () => {
  assert.is(toolVersion({ package: 'libtool', version: '2.4.7-7~deb12u1' }), '2.4.7');
  assert.is(toolVersion({ package: 'automake', version: '1:1.16.5-1.3' }), '1.16.5');
  assert.is(toolVersion({ package: 'libtool', version: '2.4.7' }), '2.4.7');
  assert.is(toolVersion({ package: 'libtool', version: 'v2.4.7' }), '2.4.7');
  assert.is(toolVersion({ package: 'gnulib', version: '20230209+stable-1' }), undefined);
  assert.is(toolVersion({ package: 'libtool', version: '1a2b3c4d5e6f' }), undefined);
  assert.is(toolVersion({ package: 'host:/usr/share/aclocal', version: 'installed' }), undefined);
});

test('versionNeutralHash: only the tool version and a suffix glued to it are neutral', () => {
  const h = (t: string) => versionNeutralHash(t, '2.4.7', false);
  assert.is(h('V=2.4.7\n'), h('V=2.4.7-dirty\n'));
  assert.is(h('V="2.4.7 Debian-2.4.7-5"\n'), h('V="2.4.7 Debian-2.4.7-7~deb12u1"\n'));
  assert.is.not(h('V=2.4.7\n'), h('V=2.4.70\n'));
  assert.is.not(h('V=2.4.7\n'), h('V=12.4.7\n'));
  // Nothing that quotes or expands is part of a version.
  assert.is.not(h('V=2.4.7\n'), h('V=2.4.7$(id)\n'));
  assert.is.not(h('V=2.4.7\n'), h("V=2.4.7';id;'\n"));
  assert.is(h('no version here\n'), undefined);
});

test('ltmain.sh and ltversion.m4 from a libtool git checkout (2.4.7-dirty) are the genuine code', async () => {
  let j = await judge('build-aux/ltmain.sh', ltmain('2.4.7-dirty'));
  assert.is(j?.category, 'known-good');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'the code of ltmain.sh of libtool 2.4.7, with `2.4.7-dirty` where it states `2.4.7`');
  assert.equal(j!.evidence?.matches?.map((m) => [m.source, m.package, m.version, m.versionNeutral]), [['library', 'libtool', '2.4.7', true]]);
  j = await judge('m4/ltversion.m4', ltversion('2.4.7-dirty'));
  assert.is(j?.category, 'known-good');
  assert.match(j!.reasons[0]!, 'ltversion.m4 serial 4245 of libtool 2.4.7 (Debian)');
});

test('ltversion.m4 of libtool built past its release: a serial raised by the commits its version counts is the genuine code', async () => {
  // libtool's build writes its commit count as the serial and git-version-gen's version: 3 commits past 2.4.7.
  let j = await judge('m4/ltversion.m4', ltversion('2.4.7.3-a1b2c-dirty', 4248));
  assert.is(j?.category, 'known-good');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'with `2.4.7.3-a1b2c-dirty` where it states `2.4.7`');
  assert.match(j!.reasons[2]!, "serial 4248 where 2.4.7's is 4245");
  assert.match(j!.reasons[2]!, '3 commits past 2.4.7');
  j = await judge('m4/ltversion.m4', ltversion('2.4.7.1', 4246));
  assert.is(j?.category, 'known-good');
  // A serial the version does not account for, or a version that counts no commits, is not explained
  // (a raised one is a look-alike; a lowered one, which aclocal replaces, is left to the rules after).
  for (const [version, serial] of [
    ['2.4.7.3-a1b2c-dirty', 4249],
    ['2.4.7.3-a1b2c-dirty', 4242],
    ['2.4.7-dirty', 4246],
    ['2.4.7.1-xyzw', 4246],
    ['2.4.7.1-a1b2c-clean', 4246],
  ] as const) {
    j = await judge('m4/ltversion.m4', ltversion(version, serial));
    assert.is(j?.category, serial > 4245 ? 'm4-lookalike' : undefined, `${version} serial ${serial}`);
  }
});

test('stampNeutralHash: the version and GNU home page addresses only', () => {
  const h = (t: string) => stampNeutralHash(t, '2.4.7', false);
  assert.is(h('V=2.4.7\n<http://www.gnu.org/software/libtool/>\n'), h('V=2.4.7-dirty\n<http://www.gnu.org/s/libtool/>\n'));
  assert.is(h('V=2.4.7\n<https://www.gnu.org/software/libtool/>\n'), h('V=2.4.7\n<http://www.gnu.org/s/libtool/>\n'));
  assert.is.not(h('V=2.4.7\n<http://www.gnu.org/software/libtool/>\n'), h('V=2.4.7\n<http://www.gnu.org/s/libtool/x$(id)>\n'));
  assert.is.not(h('V=2.4.7\n<http://www.gnu.org/software/libtool/>\n'), h('V=2.4.7\n<http://www.gnu.org.example/s/libtool/>\n'));
  assert.is(h('V=2.4.7\nno address\n'), undefined);
  assert.is(h('no version\n<http://www.gnu.org/s/libtool/>\n'), undefined);
});

test("ltmain.sh from a libtool git checkout that also states GNU's home page in the other form is the genuine code", async () => {
  const j = await judge('ltmain.sh', ltmain('2.4.6-dirty', home('http://www.gnu.org/s/libtool/')));
  assert.is(j?.category, 'known-good');
  assert.match(j!.reasons[0]!, "with `2.4.6-dirty` where it states `2.4.6` and GNU's home page as `http://www.gnu.org/s/libtool/`");
  assert.match(j!.reasons[2]!, 'the same address, and no code differs');
  // Another address is not a form of GNU's.
  assert.is((await judge('ltmain.sh', ltmain('2.4.6-dirty', home('http://www.gnu.example/s/libtool/'))))?.category, undefined);
});

test('a look-alike that changes code besides the version, or the serial, is not explained', async () => {
  let j = await judge('build-aux/ltmain.sh', ltmain('2.4.7-dirty', 'eval "$(cat tests/x | tr a-z n-za-m)"\n'));
  assert.is(j, undefined);
  j = await judge('m4/ltversion.m4', ltversion('2.4.7-dirty').replace("macro_revision='2.4.7'", "macro_revision='2.4.7'; . ./tests/x"));
  assert.is(j?.category, 'm4-lookalike');
  assert.is(j?.severity, 'critical');
  // Same code under an inflated serial: aclocal would keep it over newer copies; m4-serial judges it.
  j = await judge('m4/ltversion.m4', ltversion('2.4.7-dirty', 42450));
  assert.is(j?.category, 'm4-lookalike');
});

test.run();
