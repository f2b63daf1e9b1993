import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { applySubstitutions, basicRegExp, sedEditOf, sedReplacement, sedSubstitution, type SedSubstitution } from '../../src/analyze/knowledge/script-edit.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import type { TagEntry } from '../../src/git/types.js';
import { context, makeFixture, nls6, releaseFile } from './knowledge-fixture.js';

// APR's buildconf, after libtoolize has copied libtool.m4 into build/.
const aprLine = "sed -e 's/\\(LIBTOOL=.*\\)top_build/\\1apr_build/' < build/libtool.m4.$$ > build/libtool.m4";
const buildconf = `#!/bin/sh\nlibtoolize --copy --quiet\nmv build/libtool.m4 build/libtool.m4.$$\n${aprLine}\nrm -f build/libtool.m4.$$\n`;
const subst = (text: string) => sedSubstitution(text) as SedSubstitution;

test('basic regular expressions of the plain subset become JavaScript ones; anything else is refused', () => {
  assert.is(basicRegExp('\\(LIBTOOL=.*\\)top_build'), '(LIBTOOL=.*)top_build');
  assert.is(basicRegExp('^a\\{2,3\\}b$'), '^a{2,3}b$');
  assert.is(basicRegExp('a+b?(c)|d'), 'a\\+b\\?\\(c\\)\\|d');
  assert.is(basicRegExp('[]a-z]x'), '[\\]a-z]x');
  assert.is(basicRegExp('[^]0-9]'), '[^\\]0-9]');
  // A star first, and a ^ or $ in the middle, are literals in a basic expression.
  assert.is(basicRegExp('*a^b$c'), '\\*a\\^b\\$c');
  assert.is(basicRegExp('\\.\\*\\/'), '\\.\\*\\/');
  for (const refused of ['a\\+', 'a\\|b', '\\w', '[[:alpha:]]', '[\\n]', 'a\\', '[abc', '\\(a']) assert.is(basicRegExp(refused), undefined, refused);
});

test('sed replacements: text, & and back-references; other escapes are refused', () => {
  assert.is(sedReplacement('\\1apr_build'), '$1apr_build');
  assert.is(sedReplacement('<&> \\& $x'), '<$&> & $$x');
  assert.is(sedReplacement('a\\nb'), undefined);
  assert.is(sedReplacement('a\\'), undefined);
});

test('an s command is taken with no flag or g only, and applied line by line as sed does', () => {
  assert.ok(sedSubstitution('s/a/b/'));
  assert.ok(sedSubstitution('s/a/b/g'));
  for (const refused of ['s/a/b/2', 's/a/b/w out', 's|a|b|', 'y/ab/ba/', 's//b/', 's/a/b', '1d']) assert.is(sedSubstitution(refused), undefined, refused);
  assert.is(applySubstitutions('aa\nxa\n', [subst('s/a/b/')]), 'ba\nxb\n');
  assert.is(applySubstitutions('aa\nxa', [subst('s/a/b/g')]), 'bb\nxb');
  // In order, each on the result of the one before; no line after the last newline.
  assert.is(applySubstitutions('ab\n', [subst('s/a/b/'), subst('s/b$/c/')]), 'bc\n');
  assert.is(applySubstitutions('x\n', [subst('s/^/>/')]), '>x\n');
  assert.is(applySubstitutions('LIBTOOL=top_builddir/top_builddir\n', [subst('s/\\(LIBTOOL=.*\\)top_build/\\1apr_build/')]), 'LIBTOOL=top_builddir/apr_builddir\n');
});

test('the sed line that writes a file is found, with each of its expressions; a line with anything else is not taken', () => {
  const edit = sedEditOf(buildconf, 'build/libtool.m4');
  assert.is(edit?.line, aprLine);
  assert.equal(edit?.substitutions.map((s) => s.text), ['s/\\(LIBTOOL=.*\\)top_build/\\1apr_build/']);
  assert.is(sedEditOf(buildconf, 'libtool.m4'), undefined, 'only the whole path, after the redirection');
  assert.is(sedEditOf(buildconf, 'build/ltmain.sh'), undefined);
  assert.equal(sedEditOf("sed -i -e 's/a/b/' -e 's/c/d/' m4/x.m4\n", 'm4/x.m4')?.substitutions.length, 2);
  assert.equal(sedEditOf("sed -i 's/a/b/' m4/x.m4\n", 'm4/x.m4')?.substitutions.length, 1);
  // With -e given, a quoted argument without it is a file to read, not an expression.
  assert.equal(sedEditOf("sed -i 's/a/b/' -e 's/c/d/' m4/x.m4\n", 'm4/x.m4')?.substitutions.map((s) => s.text), ['s/c/d/']);
  assert.equal(sedEditOf("sed 's/a/b/' in.m4 > ./m4/x.m4 && echo done\n", 'm4/x.m4')?.substitutions.length, 1);
  for (const refused of [
    "sed -n 's/a/b/p' in > m4/x.m4", // -n prints only what p prints
    "sed -E 's/a+/b/' in > m4/x.m4", // extended expressions
    'sed -e "s/$A/b/" in > m4/x.m4', // the shell expands it
    "sed -e 's/a/b/' -e \"s/c/$D/\" in > m4/x.m4",
    "sed -f edits.sed in > m4/x.m4",
    "sed 's/a/b/;s/c/d/' in > m4/x.m4",
  ]) assert.is(sedEditOf(refused, 'm4/x.m4'), undefined, refused);
});

/** The fixture's context with a tag that holds `buildconf`. */
function withScript(ctx: ReturnType<typeof context>, path: string, text: string): ReturnType<typeof context> {
  const entry: TagEntry = { path, type: 'file', mode: 0o100755, oid: '1'.repeat(40), size: text.length };
  return { ...ctx, tagByPath: new Map([[path, entry]]), tagContent: async (e) => (e.path === path ? Buffer.from(text) : Buffer.alloc(0)) };
}

test('m4-serial: a genuine macro as the tag s bootstrap script edits it with sed is a known file, byte for byte', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [fx.hostDir] }));
    assert.match(nls6, '  USE_NLS=$enable_nls\n');
    const script = buildconf.replaceAll('build/libtool.m4', 'm4/nls.m4').replace("s/\\(LIBTOOL=.*\\)top_build/\\1apr_build/", 's/\\(USE_NLS=\\)\\$enable_nls/\\1"$enable_nls"/');
    const edited = nls6.replace('  USE_NLS=$enable_nls\n', '  USE_NLS="$enable_nls"\n');
    const judge = (text: string, c = withScript(ctx, 'buildconf', script)) => m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', text) }, c);

    const j = await judge(edited);
    assert.is(j?.category, 'known-good');
    assert.is(j?.severity, 'low');
    assert.match(j!.reasons[0]!, /^nls\.m4 serial 6 of gettext [\d.]+ \(Debian\) as the tag's buildconf edits it after copying it in: sed -e /);
    // A script in the file's own folder is read too.
    assert.is((await judge(edited, withScript(ctx, 'm4/autogen.sh', script.replaceAll('m4/nls.m4', 'nls.m4'))))?.category, 'known-good');

    // The edit and one line more, or the edit where the script makes none: the look-alike it is.
    const more = await judge(edited.replace('  USE_NLS="$enable_nls"\n', '  USE_NLS="$enable_nls"\n  rm -f conftest.x\n'));
    assert.is(more?.category, 'm4-lookalike');
    assert.is(more?.severity, 'critical');
    const unscripted = await judge(edited, withScript(ctx, 'buildconf', '#!/bin/sh\nlibtoolize\n'));
    assert.is(unscripted?.category, 'm4-lookalike');
  } finally {
    fx.cleanup();
  }
});

test.run();
