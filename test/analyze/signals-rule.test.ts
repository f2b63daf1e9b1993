import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analyze/analyze.js';
import type { HistoryLookup } from '../../src/analyze/history.js';
import { buildRole } from '../../src/analyze/places.js';
import type { AnalysisContext } from '../../src/analyze/rule.js';
import { buildSignals, ignoreReason } from '../../src/analyze/rules/build-signals.js';
import { unexplained } from '../../src/analyze/rules/unexplained.js';
import type { Change } from '../../src/compare/change.js';
import type { TagEntry } from '../../src/git/types.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { readRelease } from '../helpers/archives.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const strip = (path: string) => path.slice(path.indexOf('/') + 1);

function context(tagBlobs: Record<string, string> = {}, history?: HistoryLookup): AnalysisContext {
  return {
    tagByPath: new Map(),
    tagByOid: new Map(),
    submodules: [],
    tagContent: async (e) => Buffer.from(tagBlobs[e.oid] ?? ''),
    releaseContent: async (e) => e.content,
    ...(history ? { history } : {}),
  };
}

const relFile = (path: string, content: string): ReleaseEntry => ({
  path, type: 'file', mode: 0o644, size: content.length, blobId: 'r'.repeat(40), sha256: 'f'.repeat(64), content: Buffer.from(content), index: 0,
});
const tagFile = (path: string, oid: string): TagEntry => ({ path, type: 'file', mode: 0o100644, oid, size: 1 });

async function releaseFiles(archive: string): Promise<ReleaseEntry[]> {
  const { entries } = await readRelease(`${root}${archive}`, { keepContent: () => true });
  return entries.filter((e) => e.type === 'file').map((e) => ({ ...e, path: strip(e.path) }));
}

test('no build file of the clean sample is judged (configure, aclocal.m4, Makefile.in, build-aux, m4)', async () => {
  const files = (await releaseFiles('samples/hello-1.0.tar.gz')).filter((e) => buildRole(e.path));
  assert.ok(files.length > 20, `only ${files.length} build files`);
  assert.ok(files.some((e) => e.path === 'configure') && files.some((e) => e.path === 'build-aux/config.guess'));
  for (const release of files) {
    const judgement = await buildSignals.judge({ kind: 'only-in-release', path: release.path, release }, context());
    assert.is(judgement, undefined, `${release.path}: ${JSON.stringify(judgement?.reasons)}`);
  }
});

const history: HistoryLookup = {
  ignoredBy: async (path) => (path === 'm4/nls.m4' ? { file: 'm4/.gitignore', rule: 'nls.m4', commit: 'ec3298b0a1', daysBeforeTag: 9, subject: 'Ignore the macros autopoint copies' } : undefined),
  changedBinariesSincePreviousTag: async () => ({ previousTag: 'v0.9', paths: ['tests/files/good-1.bin', 'doc/logo.png'] }),
  blobInHistory: async () => undefined,
};

test("the tampered sample's m4/nls.m4 is critical, with each signal's line and the history", async () => {
  const nls = (await releaseFiles('samples/tampered/hello-1.0.tar.gz')).find((e) => e.path === 'm4/nls.m4')!;
  const change: Change = { kind: 'only-in-release', path: nls.path, release: nls };
  const [finding] = await analyze([change], context({}, history), { rules: [buildSignals, unexplained] });
  assert.is(finding!.category, 'suspicious-build-code');
  assert.is(finding!.severity, 'critical');
  const reasons = finding!.reasons.join('\n');
  assert.match(reasons, /^line 32: greps the source tree/m);
  assert.match(reasons, /^line 34: tr character-map decoding/m);
  assert.match(reasons, /^line 35: .*pipes decoded or decompressed data into a shell/m);
  assert.match(reasons, 'hidden by m4/.gitignore rule `nls.m4`, added in ec3298b nine days before the tag');
  // The code names tests/files, so the binary there is the one listed.
  assert.match(reasons, 'it searches where binary files changed in git since v0.9: tests/files/good-1.bin');
  assert.not.match(reasons, 'logo.png');
  const signals = finding!.evidence.signals!;
  assert.ok(signals.some((s) => s.signal === 'tr-charmap' && s.line === 34 && s.text.includes('tr "\\t')));
});

test('a single strong signal is high; weak hits leave the file to later rules', async () => {
  let j = await buildSignals.judge({ kind: 'only-in-release', path: 'build-aux/fetch.sh', release: relFile('build-aux/fetch.sh', '#!/bin/sh\nbase64 -d p.txt | sh\n') }, context());
  assert.is(j?.severity, 'high');
  assert.is(j?.category, 'suspicious-build-code');
  j = await buildSignals.judge({ kind: 'only-in-release', path: 'build-aux/x.sh', release: relFile('build-aux/x.sh', 'eval "$(cat cfg)"\n') }, context());
  assert.is(j, undefined);
  // Not a build file: not scanned.
  j = await buildSignals.judge({ kind: 'only-in-release', path: 'doc/notes.txt', release: relFile('doc/notes.txt', 'xz -dc p | sh\n') }, context());
  assert.is(j, undefined);
});

test('a lone locate signal is high, and critical when it searches where binaries changed since the previous tag', async () => {
  const script = (dir: string) => `#!/bin/sh\nf=\`grep -arl '^##MARK##' "$srcdir/${dir}"\`\necho "$f"\n`;
  const judge = (dir: string, h?: HistoryLookup) =>
    buildSignals.judge({ kind: 'only-in-release', path: 'build-aux/find.sh', release: relFile('build-aux/find.sh', script(dir)) }, context({}, h));
  assert.is((await judge('tests/files'))?.severity, 'high');
  const j = await judge('tests/files', history);
  assert.is(j?.severity, 'critical');
  assert.ok(j!.reasons.includes('it searches where binary files changed in git since v0.9: tests/files/good-1.bin'), j!.reasons.join('\n'));
  // Changed binaries elsewhere are listed, but do not raise the severity.
  const other = await judge('src', history);
  assert.is(other?.severity, 'high');
  assert.ok(other!.reasons.some((r) => r.startsWith('binary files changed in git since v0.9: ')));
});

test('a modified build file is judged by the lines the release added', async () => {
  const old = 'AC_INIT([x], [1])\nlegacy=`xz -dc old.xz | sh`\n';
  const tag = tagFile('configure.ac', 't1');
  const harmless = relFile('configure.ac', `${old}AC_OUTPUT\n`);
  let j = await buildSignals.judge({ kind: 'modified', path: 'configure.ac', release: harmless, tag }, context({ t1: old }));
  assert.is(j, undefined);
  const planted = relFile('configure.ac', `${old}x=\`grep -alr MARK "$srcdir"/tests\`\nsed 1d "$x" | tr 'ab' 'ba' | xz -d | sh\n`);
  j = await buildSignals.judge({ kind: 'modified', path: 'configure.ac', release: planted, tag }, context({ t1: old }, history));
  assert.is(j?.severity, 'critical');
  assert.ok(j!.reasons.some((r) => r.startsWith('added line 3: ')));
  assert.not.ok(j!.reasons.some((r) => r.startsWith('added line 2')));
  // One strong signal in a modified build file: critical, as an unexplained modified build file is.
  const one = relFile('configure.ac', `${old}y=\`base64 -d "$srcdir/p.txt" | sh\`\n`);
  assert.is((await buildSignals.judge({ kind: 'modified', path: 'configure.ac', release: one, tag }, context({ t1: old })))?.severity, 'critical');
  // The ignore rule is about release-only files; a modified file is tracked.
  assert.not.ok(j!.reasons.some((r) => r.startsWith('hidden by')));
});

test('the shape of build-to-host.m4 in other words: a decompressor named by a variable, evals in pipelines', async () => {
  const text = [
    'AC_DEFUN([HW_PATHS], [',
    '  hw_blob=`grep -aErls "^%%[[:alnum:]]{3}%%$" $srcdir/ 2>/dev/null`',
    `  hw_map='tr "\\t \\-_" " \\t_\\-"'`,
    '  hw_tool=`echo $hw_blob | sed "s/.*\\.//g"`',
    `  hw_cmd='sed "r\\n" $hw_blob | eval $hw_map | $hw_tool -d 2>/dev/null'`,
    '  AC_CONFIG_COMMANDS([hw-paths], [eval $hw_run | $SHELL 2>/dev/null], [hw_run="eval \\$hw_cmd"])',
    '])',
  ].join('\n');
  const j = await buildSignals.judge({ kind: 'only-in-release', path: 'm4/hw-paths.m4', release: relFile('m4/hw-paths.m4', text) }, context());
  assert.is(j?.severity, 'critical');
  const names = new Set(j!.evidence!.signals!.map((s) => s.signal));
  for (const n of ['grep-binary-tree', 'tr-charmap', 'variable-decompressor', 'eval-in-pipeline', 'pipe-to-shell']) assert.ok(names.has(n), n);
});

test('ignore reasons read like a sentence', () => {
  assert.is(ignoreReason({ file: '.gitignore', rule: '*.m4' }), 'hidden by .gitignore rule `*.m4`');
  assert.is(ignoreReason({ file: 'm4/.gitignore', rule: 'x.m4', commit: '1a2b3c4d5e', daysBeforeTag: 1 }), 'hidden by m4/.gitignore rule `x.m4`, added in 1a2b3c4 one day before the tag');
  assert.is(ignoreReason({ file: 'm4/.gitignore', rule: 'x.m4', commit: '1a2b3c4d5e', daysBeforeTag: 40 }), 'hidden by m4/.gitignore rule `x.m4`, added in 1a2b3c4 40 days before the tag');
});

test.run();
