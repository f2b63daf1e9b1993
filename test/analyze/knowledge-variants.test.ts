import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { knownFacts } from '../../src/analyze/knowledge/facts.js';
import { hashFile } from '../../src/analyze/knowledge/hash.js';
import { readIndex } from '../../src/analyze/knowledge/index-file.js';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { encodeTexts } from '../../src/analyze/knowledge/texts-file.js';
import type { KnownFile } from '../../src/analyze/knowledge/types.js';
import { variantDiff } from '../../src/analyze/knowledge/variant.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { context, makeFixture, releaseFile } from './knowledge-fixture.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// A libtool.m4 in miniature, and a distribution's lib64 search-path patch to it (Fedora's, as OpenMandriva ships it).
const upstream = [
  '# libtool.m4 - Configure libtool for the host system. -*-Autoconf-*-',
  '# serial 59 LT_INIT',
  'AC_DEFUN([_LT_SYS_DYNAMIC_LINKER],',
  '[',
  '  hardcode_into_libs=yes',
  '',
  '  # Append ld.so.conf contents to the search path',
  '  if test -f /etc/ld.so.conf; then',
  "    lt_ld_extra=`$SED -e 's/#.*//' < /etc/ld.so.conf | tr '\\n' ' '`",
  '    sys_lib_dlsearch_path_spec="/lib /usr/lib $lt_ld_extra"',
  '  fi',
  '])',
  '',
].join('\n');
const rpathPatch = [
  '--- libtool-2.4.7/m4/libtool.m4.orig',
  '+++ libtool-2.4.7/m4/libtool.m4',
  '@@ -5,8 +5,11 @@',
  '   hardcode_into_libs=yes',
  ' ',
  '+  # Add ABI-specific directories to the system library path.',
  '+  sys_lib_dlsearch_path_spec="/lib64 /usr/lib64 /lib /usr/lib"',
  '+',
  '   # Append ld.so.conf contents to the search path',
  '   if test -f /etc/ld.so.conf; then',
  "     lt_ld_extra=`$SED -e 's/#.*//' < /etc/ld.so.conf | tr '\\n' ' '`",
  '-    sys_lib_dlsearch_path_spec="/lib /usr/lib $lt_ld_extra"',
  '+    sys_lib_dlsearch_path_spec="$sys_lib_dlsearch_path_spec $lt_ld_extra"',
  '   fi',
  ' ])',
  '',
].join('\n');
const patched = upstream
  .replace('  # Append', '  # Add ABI-specific directories to the system library path.\n  sys_lib_dlsearch_path_spec="/lib64 /usr/lib64 /lib /usr/lib"\n\n  # Append')
  .replace('"/lib /usr/lib $lt_ld_extra"', '"$sys_lib_dlsearch_path_spec $lt_ld_extra"');

const origin = { package: 'libtool', version: '2.4.7' };
const upstreamFile: KnownFile = { name: 'libtool.m4', path: 'libtool_2.4.7.orig.tar.xz:libtool-2.4.7/m4/libtool.m4', ...knownFacts('libtool.m4', Buffer.from(upstream), origin), origin };
const variantFile = (text: string): KnownFile => ({
  name: 'libtool.m4',
  path: 'libtool-2.4.7-3 (OpenMandriva):m4/libtool.m4',
  ...knownFacts('libtool.m4', Buffer.from(text), origin),
  origin,
  variant: {
    distribution: 'OpenMandriva',
    release: 'libtool-2.4.7-3',
    patches: ['libtool-2.2.10-rpath.patch'],
    source: 'https://github.com/OpenMandrivaAssociation/libtool@53a9f7f9dec8e9d8a8c037afd5e66f164c4c190d',
    base: upstreamFile.blobId,
    diff: variantDiff(Buffer.from(upstream), Buffer.from(text)),
  },
});

/** A knowledge folder as `make knowledge` leaves it: index.json, and texts.bin with the upstream text only. */
function writeKnowledge(dir: string, files: KnownFile[], more: { name: string; bytes: Buffer }[] = []): { indexPath: string; textsPath: string } {
  mkdirSync(dir, { recursive: true });
  const indexPath = join(dir, 'index.json');
  const textsPath = join(dir, 'texts.bin');
  writeFileSync(indexPath, `{"format":"cuckoo.knowledge/v1","files":[\n${files.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`);
  const texts = [{ name: 'libtool.m4', blobId: upstreamFile.blobId, bytes: Buffer.from(upstream) }, ...more.map((t) => ({ ...t, blobId: hashFile(t.bytes).blobId }))];
  writeFileSync(textsPath, encodeTexts(texts, { quality: 1 }));
  return { indexPath, textsPath };
}

// libtool's ltmain.in in miniature, with the two files inline-source puts in its place, as libtool 2.4.6's repository has them.
const ltmainIn = '#! /bin/sh\n## header\nPACKAGE=@PACKAGE@\nVERSION=@VERSION@\n\n. `echo "$0" |${SED-sed} \'s|[^/]*$||\'`"funclib.sh"\n\nfunc_mode_link ()\n{\n  case $host in\n  *-*-cygwin*) lt_dll=cyg ;;\n  esac\n}\nGNU @PACKAGE@ home page: <@PACKAGE_URL@>.\n';
const funclib = '#! /bin/sh\n# funclib.sh\nfunc_echo () { printf \'%s\\n\' "$*"; }\n';
const inlineSource = '#! /bin/sh\nscriptversion=2014-01-03.01; # UTC\n';
/** What libtool's Makefile makes of ltmainIn: funclib.sh in place of its `. …"funclib.sh"` line, two header lines, the values. */
const madeLtmain = (lt: string) =>
  ['#! /bin/sh', '## DO NOT EDIT - This file generated from ./build-aux/ltmain.in', '##               by inline-source v2014-01-03.01', '## header', 'PACKAGE=libtool', 'VERSION=2.4.6', '', '#! /bin/sh', '# funclib.sh', "func_echo () { printf '%s\\n' \"$*\"; }", '', 'func_mode_link ()', '{', '  case $host in', `  *-*-cygwin*${lt}) lt_dll=cyg ;;`, '  esac', '}', 'GNU libtool home page: <http://www.gnu.org/software/libtool/>.', ''].join('\n');

test("ltmainFromRepo: libtool's ltmain.sh as its build makes it from ltmain.in, as text", async () => {
  const { ltmainFromRepo } = (await import(pathToFileURL(join(root, 'scripts/libtool-ltmain.mjs')).href)) as { ltmainFromRepo: (show: (p: string) => string, v: string) => Buffer | undefined };
  const repo: Record<string, string> = { 'build-aux/ltmain.in': ltmainIn, 'gl/build-aux/funclib.sh': funclib, 'gl/build-aux/options-parser': '', 'gl/build-aux/inline-source': inlineSource };
  const show = (p: string) => {
    if (!(p in repo)) throw new Error(`no ${p}`);
    return repo[p]!;
  };
  assert.is(ltmainFromRepo(show, '2.4.6')?.toString('latin1'), madeLtmain(''));
  // Another layout (no gl/build-aux/inline-source): nothing is made.
  delete repo['gl/build-aux/inline-source'];
  assert.is(ltmainFromRepo(show, '2.4.6'), undefined);
});

test("pkgM4FromRepo: each pkg-config release's pkg.m4 as the release carries it, its pkg.m4.in with the version for @VERSION@", async () => {
  const { pkgM4FromRepo } = (await import(pathToFileURL(join(root, 'scripts/pkg-config-m4.mjs')).href)) as { pkgM4FromRepo: (gitDir: string) => Array<{ version: string; path: string; bytes: Buffer }> };
  const kept = '# pkg.m4 - Macros to locate and utilise pkg-config.\n# serial 1 (pkg-config-0.24)\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [])\n';
  const template = 'dnl pkg.m4 - Macros to locate and utilise pkg-config.\ndnl serial 11 (pkg-config-@VERSION@)\n[m4_define([PKG_MACROS_VERSION], [@VERSION@])\n';
  const repo = await makeRepo({
    bare: true,
    commits: [
      { files: { 'pkg.m4': kept }, tags: ['pkg-config-0.28'] },
      { files: { 'pkg.m4': null, 'pkg.m4.in': template }, tags: ['pkg-config-0.29.1', 'snapshot-0.29.1', { name: 'pkg-config-0.29.10', annotated: true }] },
      // A substitution whose value only that release's configure knows: left out.
      { files: { 'pkg.m4.in': `${template}dnl @prefix@\n` }, tags: ['pkg-config-0.30'] },
    ],
  });
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warned.push(m);
  let made;
  try {
    made = pkgM4FromRepo(repo.gitDir);
  } finally {
    console.warn = warn;
  }
  assert.equal(
    made.map((m) => ({ ...m, bytes: m.bytes.toString('latin1') })),
    [
      { version: '0.28', path: 'pkg.m4@pkg-config-0.28', bytes: kept },
      { version: '0.29.1', path: "pkg.m4.in@pkg-config-0.29.1 (configure's @VERSION@)", bytes: template.replaceAll('@VERSION@', '0.29.1') },
      { version: '0.29.10', path: "pkg.m4.in@pkg-config-0.29.10 (configure's @VERSION@)", bytes: template.replaceAll('@VERSION@', '0.29.10') },
    ],
  );
  assert.equal(warned, ['warning: pkg-config 0.30: pkg.m4.in also names @prefix@; skipped']);
});

test("the shipped knowledge has pkg-config's pkg.m4 of the releases before pkgconf took its name", async () => {
  const lib = await loadKnowledge({ hostDirs: [] });
  const pkg = lib.byName('pkg.m4').filter((f) => f.origin.package === 'pkg-config');
  // Up to 0.28 serial 1 (four texts among six releases), 0.29 and 0.29.1 serial 11, 0.29.2 serial 12.
  for (const [version, serial] of [['0.24', 1], ['0.26', 1], ['0.27.1', 1], ['0.28', 1], ['0.29', 11], ['0.29.1', 11], ['0.29.2', 12]] as const) {
    const file = pkg.find((f) => f.origin.version === version);
    assert.is(file?.serial, serial, `pkg-config ${version}`);
    assert.ok(await lib.content(file!), `the text of pkg-config ${version}'s pkg.m4`);
  }
  // The one keepalived 2.2.7's release carries, which its configure made from pkg.m4.in.
  assert.is(pkg.find((f) => f.origin.version === '0.29.1')?.blobId, '82bea96ee70104a32fd84588fe3739942142e961');
  // 0.29.2 made from the repository is the text Debian's package installs.
  assert.is(pkg.find((f) => f.origin.version === '0.29.2')?.blobId, pkg.find((f) => f.origin.version === '0.29.2-1')?.blobId);
});

test('a vendor variant is rebuilt from its upstream text and diff, recognised and named', async () => {
  const fx = makeFixture();
  try {
    const variant = variantFile(patched);
    // Tampered: the diff no longer gives the bytes the record's blob id names.
    const tampered: KnownFile = { ...variantFile(patched.replace('/lib64', '/lib32')), blobId: variant.blobId.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    const k = writeKnowledge(join(fx.dir, 'k'), [upstreamFile, variant, tampered]);
    const lib = await loadKnowledge({ indexPaths: [k.indexPath], textsPaths: [k.textsPath], hostDirs: [] });
    assert.is((await lib.content(variant))?.toString(), patched);
    assert.is(await lib.content(tampered), undefined);

    const ctx = context(lib);
    const j = await knownGood.judge({ kind: 'only-in-release', path: 'm4/libtool.m4', release: releaseFile('m4/libtool.m4', patched) }, ctx);
    assert.is(j?.category, 'known-good');
    assert.is(j?.severity, 'low');
    assert.is(j!.reasons[0], 'identical to libtool.m4 serial 59 of libtool 2.4.7 as patched by OpenMandriva libtool-2.4.7-3 (libtool-2.2.10-rpath.patch)');
    assert.equal(j!.evidence!.matches![0]!.variant, {
      distribution: 'OpenMandriva',
      release: 'libtool-2.4.7-3',
      patches: ['libtool-2.2.10-rpath.patch'],
      source: 'https://github.com/OpenMandrivaAssociation/libtool@53a9f7f9dec8e9d8a8c037afd5e66f164c4c190d',
    });

    // Its comments changed by the project: the same code as the variant.
    const years = patched.replace('-*-Autoconf-*-', '-*-Autoconf-*- (c) 2024');
    const same = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/libtool.m4', release: releaseFile('m4/libtool.m4', years) }, ctx);
    assert.is(same?.severity, 'low');
    assert.match(same!.reasons[0]!, 'same macro code as libtool.m4 serial 59 of libtool 2.4.7 as patched by OpenMandriva');
  } finally {
    fx.cleanup();
  }
});

test('a look-alike of a vendor variant is diffed against it: an added command stays critical, data alone is high', async () => {
  const fx = makeFixture();
  try {
    const k = writeKnowledge(join(fx.dir, 'k'), [upstreamFile, variantFile(patched)]);
    const ctx = context(await loadKnowledge({ indexPaths: [k.indexPath], textsPaths: [k.textsPath], hostDirs: [] }));
    const judge = (text: string) => m4Serial.judge({ kind: 'only-in-release', path: 'm4/libtool.m4', release: releaseFile('m4/libtool.m4', text) }, ctx);

    const planted = patched.replace('  hardcode_into_libs=yes\n', '  hardcode_into_libs=yes\n  eval "$(sed -n 5p /etc/ld.so.conf | tr a-z n-za-m)"\n');
    const bad = await judge(planted);
    assert.is(bad?.category, 'm4-lookalike');
    assert.is(bad?.severity, 'critical');
    assert.ok(bad!.reasons.some((r) => r.startsWith('diff against the nearest genuine libtool.m4 serial 59 of libtool 2.4.7 as patched by OpenMandriva libtool-2.4.7-3 (libtool-2.2.10-rpath.patch): it adds code')), bad!.reasons.join('\n'));
    // Against the variant, the diff is the planted line alone, not the distribution's patch.
    const diff = bad!.evidence!.diff!;
    assert.match(diff, '+  eval "$(sed -n 5p');
    assert.not.match(diff, /^[-+].*lib64/m);
    assert.is(bad!.evidence!.added, 1);
    assert.is(bad!.evidence!.removed, 0);

    // The variant's search path edited once more: data only, high.
    const edited = await judge(patched.replace('"/lib64 /usr/lib64 /lib /usr/lib"', '"/lib64 /usr/lib64 /lib /usr/lib /opt/lib64"'));
    assert.is(edited?.severity, 'high');
    assert.match(edited!.reasons[1]!, 'as patched by OpenMandriva');
  } finally {
    fx.cleanup();
  }
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgSign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

test('build-variants applies a packaging repository\'s patches at its commit and indexes the result, again the same', async () => {
  const fx = makeFixture();
  try {
    const k = writeKnowledge(join(fx.dir, 'k'), [upstreamFile]);
    const repo = join(fx.dir, 'libtool-packaging');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    writeFileSync(
      join(repo, 'libtool.spec'),
      ['Name:\t\tlibtool', 'Version:\t2.4.7', 'Release:\t3', 'Patch0:\t\tunrelated.patch', 'Patch1:\t\thttps://example.org/f/libtool-2.2.10-rpath.patch', '', '%prep', '%autosetup -p1', ''].join('\n'),
    );
    writeFileSync(join(repo, 'libtool-2.2.10-rpath.patch'), rpathPatch);
    writeFileSync(join(repo, 'unrelated.patch'), '--- a/doc/libtool.texi\n+++ b/doc/libtool.texi\n@@ -1 +1 @@\n-x\n+y\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'libtool 2.4.7-3');
    const commit = git(repo, 'rev-parse', 'HEAD');
    const sources = join(fx.dir, 'sources.json');
    writeFileSync(sources, JSON.stringify({ packages: [{ distribution: 'OpenMandriva', repo, commit, spec: 'libtool.spec' }] }));
    const build = () => execFileSync(process.execPath, [join(root, 'scripts/build-variants.mjs'), '--knowledge', join(fx.dir, 'k'), '--sources', sources], { encoding: 'utf8' });

    assert.match(build(), 'libtool-2.4.7-3 (OpenMandriva): 1 variants');
    const first = readFileSync(k.indexPath, 'utf8');
    const variant = (await readIndex(k.indexPath)).find((f) => f.variant);
    assert.ok(variant, 'a variant record');
    assert.is(variant!.blobId, hashFile(Buffer.from(patched)).blobId);
    assert.is(variant!.serial, 59);
    assert.equal(variant!.origin, origin);
    assert.equal(variant!.variant!.patches, ['libtool-2.2.10-rpath.patch']);
    assert.is(variant!.variant!.release, 'libtool-2.4.7-3');
    assert.is(variant!.variant!.source, `${repo}@${commit}`);
    assert.is(variant!.variant!.base, upstreamFile.blobId);
    // Run again on its own output: the variant is replaced, not added twice.
    build();
    assert.is(readFileSync(k.indexPath, 'utf8'), first);
  } finally {
    fx.cleanup();
  }
});

test("build-variants reads an MSYS2 PKGBUILD, and takes the upstream file from the upstream repository's release commit when the knowledge has no tarball of it", async () => {
  const fx = makeFixture();
  try {
    // The knowledge holds libtool.m4's text (as the m4 history does) but no index entry of libtool 2.4.6's;
    // and ltmain.sh as build-knowledge makes it from the repository.
    const ltOrigin = { package: 'libtool', version: '2.4.6' };
    const ltmain = Buffer.from(madeLtmain(''));
    const ltmainFile: KnownFile = { name: 'ltmain.sh', path: 'libtool.git:build-aux/ltmain.sh@v2.4.6 (inline-source of ltmain.in)', ...knownFacts('ltmain.sh', ltmain, ltOrigin), origin: ltOrigin };
    const k = writeKnowledge(join(fx.dir, 'k'), [ltmainFile], [{ name: 'ltmain.sh', bytes: ltmain }]);
    const upstreamRepo = join(fx.dir, 'libtool');
    mkdirSync(join(upstreamRepo, 'm4'), { recursive: true });
    mkdirSync(join(upstreamRepo, 'build-aux'), { recursive: true });
    mkdirSync(join(upstreamRepo, 'gl/build-aux'), { recursive: true });
    git(upstreamRepo, 'init', '-q');
    writeFileSync(join(upstreamRepo, 'm4/libtool.m4'), upstream);
    writeFileSync(join(upstreamRepo, 'build-aux/ltmain.in'), ltmainIn);
    writeFileSync(join(upstreamRepo, 'gl/build-aux/funclib.sh'), funclib);
    writeFileSync(join(upstreamRepo, 'gl/build-aux/options-parser'), '');
    writeFileSync(join(upstreamRepo, 'gl/build-aux/inline-source'), inlineSource);
    git(upstreamRepo, 'add', '.');
    git(upstreamRepo, 'commit', '-q', '-m', 'v2.4.6');
    const ref = git(upstreamRepo, 'rev-parse', 'HEAD');
    const repo = join(fx.dir, 'MSYS2-packages');
    mkdirSync(join(repo, 'libtool'), { recursive: true });
    git(repo, 'init', '-q');
    writeFileSync(
      join(repo, 'libtool/PKGBUILD'),
      [
        "pkgname=('libtool' 'libltdl')",
        'pkgver=2.4.6',
        'pkgrel=14',
        'source=(https://ftp.gnu.org/pub/gnu/libtool/${pkgname}-${pkgver}.tar.xz',
        '        0001-unrelated.patch',
        '        0009-msysize.patch)',
        'apply_patch_with_msg() {',
        '  for _patch in "$@"; do',
        '    patch -Nbp1 -i "${srcdir}/${_patch}"',
        '  done',
        '}',
        'prepare() {',
        '  cd ${srcdir}/${pkgbase}-${pkgver}',
        '  apply_patch_with_msg \\',
        '    0001-unrelated.patch \\',
        '    0009-msysize.patch',
        '}',
        '',
      ].join('\n'),
    );
    // MSYS2's msysize patch edits ltmain.in, and also carries an ltmain.sh section of an older libtool that
    // does not apply: the build remakes ltmain.sh from ltmain.in, and so does build-variants.
    const msysize = [
      '--- libtool-2.4.2.418/build-aux/ltmain.in',
      '+++ libtool-2.4.3/build-aux/ltmain.in',
      '@@ -10,3 +10,3 @@',
      ' {',
      '   case $host in',
      '-  *-*-cygwin*) lt_dll=cyg ;;',
      '+  *-*-cygwin*|*-*-msys*) lt_dll=cyg ;;',
      '--- libtool-2.4.2.418/build-aux/ltmain.sh',
      '+++ libtool-2.4.2.418/build-aux/ltmain.sh',
      '@@ -900,3 +900,3 @@',
      ' a',
      '-b',
      '+c',
      '',
    ].join('\n');
    writeFileSync(join(repo, 'libtool/0009-msysize.patch'), `${rpathPatch.replace(/libtool-2\.4\.7/g, 'libtool-2.4.6')}${msysize}`);
    writeFileSync(join(repo, 'libtool/0001-unrelated.patch'), '--- a/doc/libtool.texi\n+++ b/doc/libtool.texi\n@@ -1 +1 @@\n-x\n+y\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'libtool 2.4.6-14');
    const commit = git(repo, 'rev-parse', 'HEAD');
    const sources = join(fx.dir, 'sources.json');
    writeFileSync(sources, JSON.stringify({ packages: [{ distribution: 'MSYS2', repo, commit, spec: 'libtool/PKGBUILD', upstream: { repo: upstreamRepo, ref } }] }));
    const out = execFileSync(process.execPath, [join(root, 'scripts/build-variants.mjs'), '--knowledge', join(fx.dir, 'k'), '--sources', sources], { encoding: 'utf8' });
    assert.match(out, 'libtool-2.4.6-14 (MSYS2): 2 variants');
    const variant = (await readIndex(k.indexPath)).find((f) => f.variant && f.name === 'libtool.m4');
    const remade = (await readIndex(k.indexPath)).find((f) => f.variant && f.name === 'ltmain.sh');
    assert.is(remade!.blobId, hashFile(Buffer.from(madeLtmain('|*-*-msys*'))).blobId);
    assert.is(remade!.variant!.base, ltmainFile.blobId);
    assert.is(variant!.blobId, hashFile(Buffer.from(patched)).blobId);
    assert.equal(variant!.origin, { package: 'libtool', version: '2.4.6' });
    assert.equal(variant!.variant!.patches, ['0009-msysize.patch']);
    assert.is(variant!.variant!.base, upstreamFile.blobId);
    // The loader rebuilds it from the text the knowledge holds, and names it.
    const knowledge = await loadKnowledge({ indexPaths: [k.indexPath], textsPaths: [k.textsPath], hostDirs: [] });
    const judged = await knownGood.judge({ kind: 'only-in-release', path: 'm4/libtool.m4', release: releaseFile('m4/libtool.m4', patched) }, context(knowledge));
    assert.match(judged!.reasons[0]!, 'as patched by MSYS2 libtool-2.4.6-14 (0009-msysize.patch)');
  } finally {
    fx.cleanup();
  }
});

test.after(removeTempDirs);

test.run();
