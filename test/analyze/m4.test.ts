import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { parseSerial } from '../../src/analyze/m4.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { buildToHost3, context, makeFixture, nls6, releaseFile } from './knowledge-fixture.js';

test('parseSerial reads the spellings aclocal accepts, first occurrence', () => {
  assert.is(parseSerial('# nls.m4 serial 6 (gettext-0.20.2)\ndnl ...\n'), 6);
  assert.is(parseSerial('#serial 11\n'), 11);
  assert.is(parseSerial('# serial 12 (pkg-config-0.29.2)\n'), 12);
  assert.is(parseSerial('dnl serial 3\n'), 3);
  assert.is(parseSerial('# build-to-host.m4 serial 30\n# serial 3\n'), 30);
  assert.is(parseSerial('## ---\n## serial 7 ##\n'), 7);
  assert.is(parseSerial('dnl Copyright\n#   serial 4\n'), 4);
  // Prose that mentions a serial is not a serial line.
  assert.is(parseSerial('#   as the previous (serial 10)\nAC_DEFUN([X])\n'), undefined);
  assert.is(parseSerial('# serial number follows\n'), undefined);
  assert.is(parseSerial('AC_DEFUN([X], [serial 5])\n'), undefined);
  assert.is(parseSerial(''), undefined);
});

test('m4-serial: same name and serial, different content, is critical with a diff', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [fx.hostDir] }));
    const planted = nls6.replace('  USE_NLS=$enable_nls\n', '  USE_NLS=$enable_nls\n  eval "$(tr a-z n-za-m < tests/x)"\n');
    const j = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', planted) }, ctx);
    assert.ok(j);
    assert.is(j.severity, 'critical');
    assert.is(j.category, 'm4-lookalike');
    assert.match(j.reasons[0]!, 'claims to be nls.m4 serial 6 of gettext 0.21 (Debian), but its content differs');
    assert.match(j.evidence!.diff!, '+  eval "$(tr a-z n-za-m < tests/x)"');
    assert.is(j.evidence!.added, 1);
    assert.is(j.evidence!.removed, 0);
  } finally {
    fx.cleanup();
  }
});

test('m4-serial: a same-serial look-alike that only adds data and comments is high, with why not critical', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [fx.hostDir] }));
    // The shape of Fedora's lib64 patch to libtool.m4: a comment, an assignment, a changed assignment.
    const patched = nls6.replace('  USE_NLS=$enable_nls\n', '  # Default to the distribution\'s choice.\n  nls_default="yes"\n  USE_NLS="${enable_nls:-$nls_default}"\n');
    const j = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', patched) }, ctx);
    assert.is(j?.category, 'm4-lookalike');
    assert.is(j?.severity, 'high');
    assert.match(j!.reasons[1]!, 'its 3 added lines are comments and assignments only; no command, no signal, no new code path');
    assert.match(j!.reasons[2]!, 'high, not critical');
    assert.match(j!.evidence!.diff!, '+  nls_default="yes"');

    // The same patch plus one command, one macro definition, or a command substitution: critical, each named.
    const cases: Array<[string, string]> = [
      ['  nls_default="yes"\n  rm -f conftest.x\n', 'runs `rm`'],
      ['  AC_DEFUN([AM_NLS_HOOK], [:])\n', 'defines a macro'],
      ['  nls_default=`cat tests/x`\n', 'sets nls_default from a command substitution'],
    ];
    for (const [lines, why] of cases) {
      const planted = patched.replace('  nls_default="yes"\n', lines);
      const k = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', planted) }, ctx);
      assert.is(k?.severity, 'critical', why);
      assert.match(k!.reasons[1]!, 'it adds code the genuine macro does not run');
      assert.match(k!.reasons[1]!, why);
    }

    // A signal on an added line is critical even when the line is an assignment, and lands in the evidence.
    const piped = patched.replace('  nls_default="yes"\n', '  nls_default="yes"\n  gzip -dc x | sh\n');
    const s = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', piped) }, ctx);
    assert.is(s?.severity, 'critical');
    assert.ok(s!.evidence!.signals!.some((h) => h.signal === 'decode-to-shell'));
  } finally {
    fx.cleanup();
  }
});

test('m4-serial: a same-serial look-alike is diffed against the nearest genuine version at hand', async () => {
  const fx = makeFixture();
  const other = mkdtempSync(join(tmpdir(), 'cuckoo-m4-nearest-'));
  try {
    // A second genuine serial 6 (a distribution's patched copy), installed on the host.
    const variant = nls6.replace('  AC_SUBST([USE_NLS])\n', '  test -n "$USE_NLS" || USE_NLS=no\n  AC_SUBST([USE_NLS])\n');
    writeFileSync(join(other, 'nls.m4'), variant);
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [fx.hostDir, other] }));
    const release = variant.replace('  USE_NLS=$enable_nls\n', '  USE_NLS=$enable_nls\n  nls_note=patched\n');
    const j = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', release) }, ctx);
    // Against gettext's copy the `test -n` line would be an added command; against the variant it is not.
    assert.is(j?.severity, 'high');
    assert.match(j!.reasons[1]!, `the nearest genuine nls.m4 serial 6 installed at ${join(other, 'nls.m4')}`);
    assert.is(j!.evidence!.added, 1);

    // gettext's own copy not at hand: the variant is the only one compared, and a critical verdict says so.
    const only = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [other] }));
    const planted = nls6.replace('  USE_NLS=$enable_nls\n', '  USE_NLS=$enable_nls\n  rm -f conftest.x\n');
    const k = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', planted) }, only);
    assert.is(k?.severity, 'critical');
    assert.match(k!.reasons[2]!, 'not compared with nls.m4 serial 6 of gettext 0.21 (Debian): no copy at hand');
  } finally {
    rmSync(other, { recursive: true, force: true });
    fx.cleanup();
  }
});

test('m4-serial: same serial with only comments changed is a genuine copy with new copyright years', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [] }));
    const bumped = nls6.replace('1995-2020', '1995-2024').replace('AC_DEFUN', 'dnl A note.\n\nAC_DEFUN');
    const j = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', bumped) }, ctx);
    assert.is(j?.category, 'known-good');
    assert.is(j?.severity, 'low');
    assert.match(j!.reasons[0]!, 'same macro code as nls.m4 serial 6 of gettext 0.21 (Debian)');
    // A comment marker inside a line of code is code.
    const sneaky = nls6.replace('  USE_NLS=$enable_nls', '  USE_NLS=$enable_nls # x');
    const k = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', sneaky) }, ctx);
    assert.is(k?.category, 'm4-lookalike');
    // No genuine bytes at hand (no host folder): nothing tells what the change adds.
    assert.is(k?.severity, 'critical');
    assert.match(k!.reasons[1]!, 'no genuine copy at hand to tell what it adds');
  } finally {
    fx.cleanup();
  }
});

test('m4-serial: an inflated serial is high, a jump far above the highest is critical', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [fx.hostDir] }));
    const nls7 = nls6.replace('serial 6', 'serial 7');
    let j = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', nls7) }, ctx);
    assert.is(j?.severity, 'high');
    assert.match(j!.reasons[0]!, 'serial 7 is higher than any known nls.m4 (highest 6, gettext 0.21 (Debian))');
    assert.match(j!.evidence!.diff!, '+# nls.m4 serial 7');

    // The xz shape: gnulib's serial 3 claimed as 30. No genuine copy on the host: no diff, a note.
    const bth30 = buildToHost3.replace('serial 3', 'serial 30');
    j = await m4Serial.judge({ kind: 'only-in-release', path: 'm4/build-to-host.m4', release: releaseFile('m4/build-to-host.m4', bth30) }, ctx);
    assert.is(j?.severity, 'critical');
    assert.match(j!.reasons[0]!, 'serial 30 is higher than any known build-to-host.m4 (highest 3, gnulib 20230209+stable (Debian))');
    assert.match(j!.evidence!.diffNote!, 'no genuine copy');
  } finally {
    fx.cleanup();
  }
});

test('m4-serial passes unknown names, lower serials, exact copies and files without a serial', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [] }));
    const judge = (path: string, content: string) => m4Serial.judge({ kind: 'only-in-release', path, release: releaseFile(path, content) }, ctx);
    assert.is(await judge('m4/hello-warnings.m4', '# serial 99\nAC_DEFUN([HELLO])\n'), undefined);
    assert.is(await judge('m4/nls.m4', nls6.replace('serial 6', 'serial 5') + 'x\n'), undefined);
    assert.is(await judge('m4/nls.m4', nls6), undefined);
    assert.is(await judge('m4/nls.m4', 'AC_DEFUN([AM_NLS])\n'), undefined);
    assert.is(await judge('m4/nls.txt', nls6 + 'x'), undefined);
    assert.is(await m4Serial.judge({ kind: 'only-in-release', path: 'm4/nls.m4', release: releaseFile('m4/nls.m4', nls6 + 'x') }, context(undefined)), undefined);
  } finally {
    fx.cleanup();
  }
});

test.run();
