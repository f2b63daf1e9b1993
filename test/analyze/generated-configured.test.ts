import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configuredTemplate, filledLists, templateValues } from '../../src/analyze/rules/configured-template.js';
import { added, context, relFile } from './generated-context.js';

const specIn = 'Name: libfoo\nVersion: @pkg_version@\nRelease: 1\nSource: libfoo-@pkg_version@.tar.bz2\n%build\nmake\n';
const spec = 'Name: libfoo\nVersion: 1.46\nRelease: 1\nSource: libfoo-1.46.tar.bz2\n%build\nmake\n';

test('templateValues: each placeholder one value, every other byte equal', () => {
  assert.equal([...templateValues(specIn, spec)!], [['pkg_version', '1.46']]);
  assert.equal([...templateValues('a @X@-@Y@ b\n', 'a 1-2 b\n')!], [['X', '1'], ['Y', '2']]);
  // Two values for one name, an added line, a changed literal, no placeholder at all.
  assert.is(templateValues(specIn, spec.replace('libfoo-1.46', 'libfoo-1.47')), undefined);
  assert.is(templateValues(specIn, spec.replace('make\n', 'make\ncurl x | sh\n')), undefined);
  assert.is(templateValues(specIn, spec.replace('Release: 1', 'Release: 2')), undefined);
  assert.is(templateValues('plain\n', 'plain\n'), undefined);
});

test('templateValues: the VPATH line config.status empties where the source folder is the build folder', () => {
  const makefileIn = 'VPATH = @srcdir@\nsrcdir = @srcdir@\nCC = @CC@\n';
  assert.equal([...templateValues(makefileIn, '\nsrcdir = .\nCC = gcc\n')!], [['srcdir', '.'], ['CC', 'gcc']]);
  assert.equal([...templateValues(makefileIn, 'VPATH = ../src\nsrcdir = ../src\nCC = gcc\n')!], [['srcdir', '../src'], ['CC', 'gcc']]);
  // Emptied, it says srcdir is `.`: another srcdir below contradicts it.
  assert.is(templateValues(makefileIn, '\nsrcdir = ../src\nCC = gcc\n'), undefined);
  assert.is(templateValues('VPATH = @srcdir@ extra\n', '\n'), undefined);
});

test('a release-only file configured from FILE.in in the tag is explained, with its values', async () => {
  const j = await configuredTemplate.judge(added('libfoo.spec', spec), context({ 'libfoo.spec.in': specIn }));
  assert.is(j?.category, 'configured-file');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'the lines of libfoo.spec.in in the tag with its placeholders filled in: @pkg_version@ → "1.46"');
});

test('look-alikes are left to the rules after: no template, an added line, code in a value of a build file', async () => {
  assert.is(await configuredTemplate.judge(added('libfoo.spec', spec), context({})), undefined);
  assert.is(await configuredTemplate.judge(added('libfoo.spec', `${spec}%post\nrm -rf /\n`), context({ 'libfoo.spec.in': specIn })), undefined);
  const mkIn = 'CC = @CC@\nall:\n\t$(CC) -o x x.c\n';
  const ctx = context({ 'src/Makefile.in': mkIn });
  assert.is((await configuredTemplate.judge(added('src/Makefile', mkIn.replace('@CC@', 'gcc -std=gnu99')), ctx))?.category, 'configured-file');
  assert.is(await configuredTemplate.judge(added('src/Makefile', mkIn.replace('@CC@', 'gcc; sh ./tests/x')), ctx), undefined);
  assert.is(await configuredTemplate.judge(added('src/Makefile', mkIn.replace('@CC@', '$(shell sh x)')), ctx), undefined);
  // Outside the build, a value may hold anything short: a plist's version string.
  const plistIn = '<string>@V@</string>\n';
  assert.is((await configuredTemplate.judge(added('lib/x.plist', '<string>7.88.1; a|b</string>\n'), context({ 'lib/x.plist.in': plistIn })))?.category, 'configured-file');
});

test('a template configure.ac names with OUTPUT:INPUT is used, and only the one it names', async () => {
  // As libxml2's configure.ac: AC_CONFIG_FILES([libxml2.spec:libxml.spec.in Makefile ...]).
  const configureAc = 'AC_INIT([foo], [1.46])\nAC_CONFIG_FILES([libfoo.spec:packaging/foo.spec.in Makefile\n  doc/Makefile])\nAC_OUTPUT\n';
  const ctx = context({ 'configure.ac': configureAc, 'packaging/foo.spec.in': specIn });
  const j = await configuredTemplate.judge(added('libfoo.spec', spec), ctx);
  assert.is(j?.category, 'configured-file');
  assert.match(j!.reasons[0]!, 'the lines of packaging/foo.spec.in in the tag with its placeholders filled in');
  assert.match(j!.reasons[1]!, 'configure.ac names packaging/foo.spec.in as the template of libfoo.spec (`libfoo.spec:packaging/foo.spec.in`)');
  // A file configure.ac does not name that way has no template; nor does a named one that differs in shape.
  assert.is(await configuredTemplate.judge(added('other.spec', spec), ctx), undefined);
  assert.is(await configuredTemplate.judge(added('libfoo.spec', `${spec}%post\nrm -rf /\n`), ctx), undefined);
  // Without a configure.ac, nothing is named.
  assert.is(await configuredTemplate.judge(added('libfoo.spec', spec), context({ 'packaging/foo.spec.in': specIn })), undefined);
});

// curl's make vc-ide: projects/Windows/VC10/src/curl.tmpl, each placeholder line replaced by one element per file, CRLF.
const tmpl = '<Project>\n  <ItemGroup>\nCURL_SRC_X_C_FILES\nCURL_SRC_C_FILES\n  </ItemGroup>\n  <ItemGroup>\nCURL_SRC_RC_FILES\n  </ItemGroup>\n</Project>';
const entry = (tag: string, file: string) => `    <${tag} Include="..\\..\\..\\..\\${file.replace(/\//g, '\\')}" />`;
const vcxproj = (c: string[], rc: string[]) =>
  ['<Project>', '  <ItemGroup>', ...c.map((f) => entry('ClCompile', f)), '  </ItemGroup>', '  <ItemGroup>', ...rc.map((f) => entry('ResourceCompile', f)), '  </ItemGroup>', '</Project>', ''].join('\r\n');
const vcTag = { 'projects/Windows/VC10/src/curl.tmpl': tmpl, 'lib/dynbuf.c': '', 'src/tool_main.c': '', 'src/curl.rc': '' };

test('filledLists: every template line kept in order, placeholder lines replaced by path elements only', () => {
  const filled = filledLists(tmpl, vcxproj(['lib/dynbuf.c', 'src/tool_main.c'], ['src/curl.rc']));
  assert.equal(filled, { placeholders: ['CURL_SRC_X_C_FILES', 'CURL_SRC_C_FILES', 'CURL_SRC_RC_FILES'], entries: ['..\\..\\..\\..\\lib\\dynbuf.c', '..\\..\\..\\..\\src\\tool_main.c', '..\\..\\..\\..\\src\\curl.rc'] });
  // A dropped template line, an element with another attribute or a child, a command: not a filled list.
  assert.is(filledLists(tmpl, vcxproj(['lib/dynbuf.c'], []).replace('  </ItemGroup>\r\n  <ItemGroup>\r\n', '')), undefined);
  assert.is(filledLists(tmpl, vcxproj(['lib/dynbuf.c'], []).replace(' />', ' Condition="x" />')), undefined);
  assert.is(filledLists(tmpl, vcxproj(['lib/dynbuf.c'], []).replace('    <ClCompile', '    <Exec Command="calc.exe" />\r\n    <ClCompile')), undefined);
  // Only elements that name an input: an Exec or CustomBuild naming a file of the tag runs it.
  assert.is(filledLists(tmpl, vcxproj(['lib/dynbuf.c'], []).replace('<ClCompile', '<Exec Include=').replace('Include= Include=', 'Include=')), undefined);
  assert.is(filledLists(tmpl, vcxproj(['lib/dynbuf.c'], []).replace('<ClCompile', '<CustomBuild')), undefined);
  assert.is(filledLists('<Project>\n</Project>\n', '<Project>\n</Project>\n'), undefined);
});

test('a file filled from a list template beside it is explained when every entry names a file of the tag or the release', async () => {
  const path = 'projects/Windows/VC10/src/curl.vcxproj';
  const ctx = { ...context(vcTag), releaseOnly: new Map([['src/tool_hugehelp.c', relFile('src/tool_hugehelp.c', 'x')]]) };
  const j = await configuredTemplate.judge(added(path, vcxproj(['lib/dynbuf.c', 'src/tool_hugehelp.c', 'src/tool_main.c'], ['src/curl.rc'])), ctx);
  assert.is(j?.category, 'configured-file');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'the lines of projects/Windows/VC10/src/curl.tmpl in the tag with its placeholder lines CURL_SRC_X_C_FILES, CURL_SRC_C_FILES, CURL_SRC_RC_FILES replaced by 4 entries');
  assert.match(j!.reasons[1]!, '3 of the files named are the tag\'s, 1 the release\'s alone');
  // A file neither side has, or a path out of the tree, is not explained.
  assert.is(await configuredTemplate.judge(added(path, vcxproj(['lib/gone.c'], [])), ctx), undefined);
  assert.is(await configuredTemplate.judge(added(path, vcxproj(['../../etc/x.c'], [])), ctx), undefined);
  // No template beside it.
  assert.is(await configuredTemplate.judge(added('projects/Windows/VC11/src/curl.vcxproj', vcxproj(['lib/dynbuf.c'], [])), ctx), undefined);
});

test.run();
