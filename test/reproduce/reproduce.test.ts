import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import type { Finding } from '../../src/report/finding.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, compress, readRelease, writeTemp, type TarEntrySpec } from '../helpers/archives.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { keepReproductionCache, root, seedReproductionCache } from '../helpers/cli.js';
import { assertValidReport } from '../helpers/schema.js';
import { generatorsReady } from '../helpers/sandbox-tools.js';

/**
 * Generated files of the sample release (made by autoconf 2.71 and automake
 * 1.16.5, the versions .ci/run installs), re-made in the sandbox: the clean
 * ones are proven, and changes planted in them without any decode-or-execute
 * signal are each high or critical on their own path, with the diff.
 */

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-reproduce-'));
const bundle = join(root, 'samples/hello.bundle');
const run = (o: Omit<VerifyOptions, 'cacheDir' | 'repo'>) => verify({ cacheDir, repo: bundle, hostKnowledge: false, ...o });

let ready = false;

test.before(async () => {
  ready = await generatorsReady(cacheDir, 'reproduction');
});

test.after(async () => {
  rmSync(cacheDir, { recursive: true, force: true });
  await removeTempDirs();
});

const byPath = (report: Report, path: string): Finding => {
  const f = report.findings.find((x) => x.path === path);
  assert.ok(f, `${path} has a finding`);
  return f;
};

async function sampleFiles(): Promise<Map<string, TarEntrySpec>> {
  const { entries } = await readRelease(join(root, 'samples/hello-1.0.tar.gz'), { keepContent: () => true });
  const files = new Map<string, TarEntrySpec>();
  for (const e of entries) {
    if (e.type === 'directory') files.set(e.path, { path: e.path, type: 'directory' });
    else if (e.type === 'file') files.set(e.path, { path: e.path, content: e.content!, mode: e.mode });
  }
  return files;
}

function edit(files: Map<string, TarEntrySpec>, path: string, change: (text: string) => string): void {
  const entry = files.get(`hello-1.0/${path}`)!;
  const after = change(String(entry.content));
  assert.is.not(after, String(entry.content), `${path} was changed`);
  entry.content = after;
}

test('the clean release: every generated file is reproduced byte for byte (info), and the report says so', async () => {
  if (!ready) return;
  const report = await run({ release: join(root, 'samples/hello-1.0.tar.gz') });
  for (const [path, generator] of [
    ['configure', 'autoconf'],
    ['aclocal.m4', 'aclocal'],
    ['config.h.in', 'autoheader'],
    ['Makefile.in', 'automake'],
  ] as const) {
    const f = byPath(report, path);
    assert.is(f.severity, 'info', `${path}: ${f.reasons.join('; ')}`);
    assert.is(f.category, 'autotools-output');
    assert.is(f.evidence.reproduced?.generator, generator);
    assert.equal(f.evidence.reproduced?.normalisations, []);
    assert.match(f.reasons[0]!, /^reproduced byte for byte by /);
  }
  assert.equal(byPath(report, 'configure').evidence.reproduced?.untrustedInputs, [], 'gettext macros are known-good; aclocal.m4 is itself reproduced');
  assert.equal(report.reproduction?.counts, { reproduced: 4, normalised: 0, different: 0, notTried: 0 });
  assert.is(report.reproduction?.sandbox, 'bwrap');
  assert.equal(report.reproduction?.tools.map((t) => `${t.tool} ${t.version}`), ['autoconf 2.71', 'automake 1.16.5']);
  assert.is(report.verdict, 'pass');
  assertValidReport(report);
  // Scratch folders go; results stay, keyed by the inputs.
  assert.equal(readdirSync(join(cacheDir, 'tmp')), []);
  assert.is(readdirSync(join(cacheDir, 'reproduce')).filter((n) => n.endsWith('.run.gz')).length, 1);
});

test('a second run takes the results from the cache, and then needs no sandbox', async () => {
  if (!ready) return;
  const report = await run({ release: join(root, 'samples/hello-1.0.tar.gz') });
  assert.is(byPath(report, 'configure').evidence.reproduced?.cached, true);
  const noBwrap = await run({ release: join(root, 'samples/hello-1.0.tar.gz'), bwrap: '/nonexistent/bwrap' });
  assert.is(byPath(noBwrap, 'configure').severity, 'info');
  assert.is(noBwrap.reproduction?.sandbox, 'bwrap', 'the results were made in bwrap');
});

test('changes planted in generated files without any signal are each high or critical, with the residual diff', async () => {
  if (!ready) return;
  const files = await sampleFiles();
  // A check's result quietly forced.
  edit(files, 'configure', (t) => t.replace('ac_config_headers="$ac_config_headers config.h"', 'ac_cv_func_malloc_0_nonnull=yes\nac_config_headers="$ac_config_headers config.h"'));
  // A compiler define.
  edit(files, 'Makefile.in', (t) => t.replace('DEFS = @DEFS@', 'DEFS = @DEFS@ -DHELLO_TRACE=1'));
  // An #undef made a #define.
  edit(files, 'config.h.in', (t) => t.replace('#undef ENABLE_NLS', '#define ENABLE_NLS 1'));
  // A line inside a macro body of aclocal.m4.
  edit(files, 'aclocal.m4', (t) => t.replace('AC_DEFUN([AM_SET_LEADING_DOT],\n[rm -rf .tst 2>/dev/null\n', '$&CFLAGS="$CFLAGS -fno-stack-protector"\n'));
  const release = await writeTemp('reproduce-planted/hello-1.0.tar.gz', await compress(buildTar([...files.values()]), 'gzip'));
  const report = await run({ release });

  const expected: Record<string, { severity: string; line: RegExp }> = {
    configure: { severity: 'critical', line: /^\+ac_cv_func_malloc_0_nonnull=yes$/m },
    'Makefile.in': { severity: 'critical', line: /^\+DEFS = @DEFS@ -DHELLO_TRACE=1$/m },
    'config.h.in': { severity: 'high', line: /^\+#define ENABLE_NLS 1$/m },
    'aclocal.m4': { severity: 'critical', line: /^\+CFLAGS="\$CFLAGS -fno-stack-protector"$/m },
  };
  for (const [path, want] of Object.entries(expected)) {
    const f = byPath(report, path);
    assert.is(f.category, 'not-reproduced', `${path}: ${f.reasons.join('; ')}`);
    assert.is(f.severity, want.severity, `${path}: ${f.reasons.join('; ')}`);
    assert.match(f.evidence.diff ?? '', want.line);
    assert.is(f.evidence.notReproduced?.outcome, 'different');
    assert.is(f.evidence.notReproduced?.added, 1);
  }
  // Nothing else rises above low.
  assert.equal(
    report.findings.filter((f) => f.severity !== 'low' && f.severity !== 'info').map((f) => f.path).sort(),
    Object.keys(expected).sort(),
  );
  assert.equal(report.reproduction?.counts, { reproduced: 0, normalised: 0, different: 4, notTried: 0 });
  assert.is(report.verdict, 'fail');
  assertValidReport(report);
});

test('a release whose configure misses what its own m4 files now write is high: an input changed after it was made', async () => {
  if (!ready) return;
  // The tampered sample ships the clean configure beside a planted m4/nls.m4. Its generators'
  // results, when another test of this run has made them already, are not made again.
  const seeded = await tempDir('cuckoo-reproduce-tampered-');
  seedReproductionCache(seeded);
  const report = await verify({ cacheDir: seeded, repo: bundle, hostKnowledge: false, release: join(root, 'samples/tampered/hello-1.0.tar.gz') });
  keepReproductionCache(seeded);
  const f = byPath(report, 'configure');
  assert.is(f.category, 'not-reproduced');
  assert.is(f.severity, 'high');
  assert.match(f.evidence.diff ?? '', /^-.*@@HLO-TAIL@@/m);
  assert.match(f.reasons.join('\n'), /m4\/nls\.m4/, 'the untrusted input is named');
  assert.is(byPath(report, 'm4/nls.m4').severity, 'critical', 'the planted input keeps its own finding');
});

test('where autoconf fails on configure.ac, the header template autoheader made from it is not compared: not tried, with why', async () => {
  if (!ready) return;
  // nasm 2.16.01 brings its macros in with `autoheader -B autoconf`: run without, autoconf stops on them while
  // autoheader, which does not fail on a macro it lacks, writes a template without their defines.
  const files = await sampleFiles();
  edit(files, 'configure.ac', (t) => t.replace('AC_PROG_CC\n', 'AC_PROG_CC\nAM_DEFINED_ELSEWHERE\n'));
  const release = await writeTemp('reproduce-autoconf-fails/hello-1.0.tar.gz', await compress(buildTar([...files.values()]), 'gzip'));
  const report = await run({ release });
  assert.match(byPath(report, 'configure').reasons.join('\n'), 'not reproduced, judged by its shape only: autoconf failed (exit 1)');
  const header = byPath(report, 'config.h.in');
  assert.is(header.evidence.reproduced, undefined);
  assert.match(header.reasons.join('\n'), "not reproduced, judged by its shape only: autoconf failed on the same configure.ac, so autoheader's expansion of it is incomplete");
});

test('a generator version that is not here: not tried, judged by shape, with how to get it', async () => {
  if (!ready) return;
  const files = await sampleFiles();
  edit(files, 'configure', (t) => t.replace('Generated by GNU Autoconf 2.71', 'Generated by GNU Autoconf 2.13'));
  const release = await writeTemp('reproduce-version/hello-1.0.tar.gz', await compress(buildTar([...files.values()]), 'gzip'));
  const report = await run({ release });
  const f = byPath(report, 'configure');
  assert.is(f.severity, 'low');
  assert.is(f.evidence.notReproduced?.outcome, 'not-tried');
  assert.match(f.evidence.notReproduced?.why ?? '', /autoconf 2\.13 is not installed/);
  // 2.13 is no release cuckoo tools install has pinned: the hint names where cuckoo would find it instead.
  assert.match(f.evidence.notReproduced?.hint ?? '', /^install autoconf 2\.13 \(your distribution's autoconf package, found on PATH or as autoconf2\.13 or autoconf-2\.13, or its release built with --prefix=/);
  assert.not.match(f.evidence.notReproduced?.hint ?? '', /cuckoo tools install/);
  assert.equal(report.reproduction?.missing.map((m) => `${m.tool}@${m.version}`), ['autoconf@2.13']);
  assertValidReport(report);
  // A pinned version is one cuckoo tools install builds; a test release (a letter after the number) is named as one.
  for (const [version, hint] of [
    ['2.69', /^install autoconf 2\.69 \(cuckoo tools install autoconf@2\.69, or pass --fetch-tools\)$/],
    ['2.72c', /^autoconf 2\.72c is a test release, not one cuckoo installs: build its tarball with --prefix=/],
  ] as const) {
    edit(files, 'configure', (t) => t.replace(/Generated by GNU Autoconf [\d.]+[a-z]?/, `Generated by GNU Autoconf ${version}`));
    const other = await run({ release: await writeTemp(`reproduce-version-${version}/hello-1.0.tar.gz`, await compress(buildTar([...files.values()]), 'gzip')) });
    const g = byPath(other, 'configure');
    if (g.evidence.notReproduced?.outcome !== 'not-tried') continue; // autoconf 2.69 installed here
    assert.match(g.evidence.notReproduced.hint ?? '', hint, version);
  }
});

test('without a sandbox nothing runs: one note with the reason and the fix, and shape checks decide', async () => {
  // A fresh cache: results kept from a sandboxed run would be used, and need no sandbox.
  const fresh = mkdtempSync(join(tmpdir(), 'cuckoo-reproduce-nobwrap-'));
  const report = await verify({ cacheDir: fresh, repo: bundle, hostKnowledge: false, release: join(root, 'samples/hello-1.0.tar.gz'), bwrap: '/nonexistent/bwrap' });
  rmSync(fresh, { recursive: true, force: true });
  const f = byPath(report, 'configure');
  assert.is(f.severity, 'low');
  assert.is(f.evidence.notReproduced?.outcome, 'not-tried');
  assert.match(f.evidence.notReproduced?.why ?? '', /no sandbox: bubblewrap \(bwrap\) is not installed/);
  assert.is(report.notes.filter((n) => /not reproduced: bubblewrap/.test(n)).length, 1);
  assert.is(report.reproduction?.sandbox, 'unavailable');
  assert.is(report.verdict, 'pass');
});

test('--no-reproduce: no reproduction section, the shape check as before', async () => {
  const report = await run({ release: join(root, 'samples/hello-1.0.tar.gz'), reproduce: false });
  assert.is(report.reproduction, undefined);
  const f = byPath(report, 'configure');
  assert.is(f.severity, 'low');
  assert.is(f.evidence.reproduced, undefined);
  assert.is(f.evidence.notReproduced, undefined);
});

test('a generator that swaps a folder for a link to the host cannot make cuckoo read through it', async () => {
  if (!ready) return;
  // On the host, a file the link will point to.
  const secret = await tempDir('cuckoo-host-secret-');
  writeFileSync(join(secret, 'Makefile.in'), 'HOST SECRET\n');
  // aclocal.m4 made here from a harmless configure.ac (nothing of the release's runs outside the sandbox).
  const work = await tempDir('cuckoo-reproduce-link-work-');
  writeFileSync(join(work, 'configure.ac'), 'AC_INIT([t], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile sub/Makefile])\nAC_OUTPUT\n');
  await execa('aclocal', [], { cwd: work });
  // Without aclocal's header, so only automake runs, and the link is made in the same sandbox it writes in.
  const aclocalM4 = readFileSync(join(work, 'aclocal.m4'), 'utf8').replace(/^# generated automatically by aclocal .*\n/, '');
  // configure.ac runs a command at autoconf time (as git-version-gen does): inside the sandbox it
  // moves sub/ to that same path (the sandbox's own /tmp) and leaves a link, so automake succeeds there.
  const configureAc = `AC_INIT([t], m4_esyscmd([test -L sub || { mkdir -p ${secret} && cp sub/Makefile.am ${secret}/ && rm -rf sub && ln -s ${secret} sub; }; printf 1.0]))\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile sub/Makefile])\nAC_OUTPUT\n`;
  const repo = await makeRepo({ files: { 'configure.ac': configureAc, 'Makefile.am': 'SUBDIRS = sub\n', 'sub/Makefile.am': '' }, tags: ['v1.0'] });
  const header = '# Makefile.in generated by automake 1.16.5 from Makefile.am.\n';
  const tar = buildTar([
    { path: 't-1.0/configure.ac', content: configureAc },
    { path: 't-1.0/aclocal.m4', content: aclocalM4 },
    { path: 't-1.0/Makefile.am', content: 'SUBDIRS = sub\n' },
    { path: 't-1.0/sub/Makefile.am', content: '' },
    { path: 't-1.0/sub/Makefile.in', content: `${header}all:\n` },
    { path: 't-1.0/install-sh', content: '#!/bin/sh\n', mode: 0o755 },
    { path: 't-1.0/missing', content: '#!/bin/sh\n', mode: 0o755 },
  ]);
  const release = await writeTemp('reproduce-link/t-1.0.tar.gz', await compress(tar, 'gzip'));
  const report = await verify({ release, repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-reproduce-link-'), hostKnowledge: false });
  const f = byPath(report, 'sub/Makefile.in');
  assert.not.match(JSON.stringify(report), 'HOST SECRET');
  assert.is(f.evidence.notReproduced?.outcome, 'not-tried', f.reasons.join('; '));
  assert.match(f.evidence.notReproduced?.why ?? '', /did not write sub\/Makefile\.in/, f.evidence.notReproduced?.why);
});

test.run();
