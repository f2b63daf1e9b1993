import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configuredTemplate, templateValues } from '../../src/analyze/rules/configured-template.js';
import { added, context } from './generated-context.js';

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

test.run();
