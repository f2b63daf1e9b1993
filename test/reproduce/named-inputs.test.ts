import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { namedInputs, type ReleaseFile } from '../../src/reproduce/inputs.js';

const fileMap = (texts: Record<string, string>) =>
  new Map<string, ReleaseFile>(Object.entries(texts).map(([path, text]) => [path, { path, content: async () => Buffer.from(text) }]));

// libgd 2.3.3's layout: configure.ac runs its version scripts through a macro
// it defines; getlib.sh runs getver.sh beside it, which reads the header from
// the folder above its own.
const libgd = {
  'configure.ac': [
    'define([gv],[config/getver.sh ]$1)',
    'm4_define([gd_MAJOR],esyscmd(gv(MAJOR)))dnl',
    'define([lt_gv], [config/getlib.sh ]$1)',
    'm4_define([gd_LT_CURRENT], esyscmd(lt_gv(CURRENT)))',
    'AC_INIT([GD], gd_MAJOR)',
    'AC_CONFIG_FILES([src/Makefile])',
    '',
  ].join('\n'),
  'config/getver.sh': 'TOPDIR="${0%/*}/.."\nHEADER="${TOPDIR}/src/gd.h"\nawk \'$1 == "#define"\' "${HEADER}"\n',
  'config/getlib.sh': 'GETVER="${0%/*}/getver.sh"\nGDLIB_MAJOR=$("${GETVER}" MAJOR)\n',
  'src/gd.h': '#define GD_MAJOR_VERSION 2\n',
  'src/gd.c': 'int main(void) { return 0; }\n',
  'src/Makefile.am': 'lib_LTLIBRARIES = libgd.la\n',
};

test('a script configure.ac runs through a macro it defines is an input, and so are the files that script names, beside it or above', async () => {
  const found = await namedInputs(libgd['configure.ac'], '', fileMap(libgd));
  assert.equal([...found].sort(), ['config/getlib.sh', 'config/getver.sh', 'src/gd.h']);
});

test('a macro that no command calls names nothing, and a file no script names is left out', async () => {
  const texts = { ...libgd, 'configure.ac': 'define([gv],[config/getver.sh ]$1)\nAC_INIT([GD], [2.3.3])\n' };
  assert.equal([...(await namedInputs(texts['configure.ac'], '', fileMap(texts)))], []);
});

test('the files a named script names are read two levels deep, no further', async () => {
  const texts = {
    'configure.ac': 'AC_INIT([p], m4_esyscmd([build-aux/one.sh]))\n',
    'build-aux/one.sh': 'exec "${0%/*}/two.sh"\n',
    'build-aux/two.sh': 'cat ../VERSION.txt\n',
    'VERSION.txt': 'see notes.txt\n',
    'notes.txt': '1.0\n',
  };
  assert.equal([...(await namedInputs(texts['configure.ac'], '', fileMap(texts)))].sort(), ['VERSION.txt', 'build-aux/one.sh', 'build-aux/two.sh']);
});

test('m4_esyscmd_s names its script as m4_esyscmd does', async () => {
  const texts = {
    'configure.ac': 'AC_INIT([lldpd],\n        [m4_esyscmd_s([./get-version])])\n',
    'get-version': 'if [ -f .dist-version ]; then cat .dist-version; fi\n',
    '.dist-version': '1.0.16\n',
  };
  assert.equal([...(await namedInputs(texts['configure.ac'], '', fileMap(texts)))].sort(), ['.dist-version', 'get-version']);
});

test('in a project below the top, words are read from its folder', async () => {
  const texts = Object.fromEntries(Object.entries(libgd).map(([p, t]) => [`sub/${p}`, t]));
  const found = await namedInputs(libgd['configure.ac'], 'sub', fileMap(texts));
  assert.equal([...found].sort(), ['sub/config/getlib.sh', 'sub/config/getver.sh', 'sub/src/gd.h']);
});

test.run();
