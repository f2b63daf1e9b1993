import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import type { Finding } from '../../src/report/finding.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, compress, readRelease, writeTemp, type TarEntrySpec } from '../helpers/archives.js';
import { root, runCuckoo, runCuckooHere, type CliResult } from '../helpers/cli.js';
import { makeRepo, removeTempDirs, tempDir, type TestRepo } from '../helpers/repo.js';
import { assertValidReport } from '../helpers/schema.js';
import { generatorsReady } from '../helpers/sandbox-tools.js';
import { buildToHost3 } from '../analyze/knowledge-fixture.js';

/**
 * The release rebuilt from its tag in the sandbox: the sample release (made
 * by its autogen.sh, configure and make distcheck with autoconf 2.71,
 * automake 1.16.5 and gettext 0.21, the versions .ci/run installs) and a
 * small shell-only project made here the same way.
 */

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-rebuild-'));
const bundle = join(root, 'samples/hello.bundle');
const run = (o: Omit<VerifyOptions, 'cacheDir'>) => verify({ cacheDir, hostKnowledge: false, reproduce: false, rebuild: true, ...o });

let ready = false;

test.before(async () => {
  ready = await generatorsReady(cacheDir, 'rebuild');
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

const releaseOnly = (report: Report) => report.findings.filter((f) => f.change === 'only-in-release');

async function sampleFiles(): Promise<TarEntrySpec[]> {
  const { entries } = await readRelease(join(root, 'samples/hello-1.0.tar.gz'), { keepContent: () => true });
  return entries.flatMap((e): TarEntrySpec[] => (e.type === 'directory' ? [{ path: e.path, type: 'directory' }] : e.type === 'file' ? [{ path: e.path, content: e.content!, mode: e.mode }] : []));
}

async function cloneOf(bundlePath: string): Promise<string> {
  const dir = join(await tempDir('cuckoo-clone-'), 'clone');
  await execa('git', ['clone', '-q', bundlePath, dir]);
  return dir;
}

async function release(name: string, files: TarEntrySpec[]): Promise<string> {
  return writeTemp(name, await compress(buildTar(files), 'gzip'));
}

let shared: Promise<{ repo: TestRepo; files: TarEntrySpec[] }> | undefined;
/** The tiny project for tests that leave its repository alone: made once. */
const tiny = () => (shared ??= tinyProject());

/** A shell-only automake project (no compiler needed) with its tag v1.0. */
function tinyRepo(extra: Record<string, string> = {}): Promise<TestRepo> {
  return makeRepo({
    files: {
      'configure.ac': 'AC_INIT([tiny], [1.0])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'Makefile.am': 'bin_SCRIPTS = tiny\nEXTRA_DIST = tiny autogen.sh\n',
      tiny: { content: '#!/bin/sh\necho tiny\n', mode: 0o755 },
      'autogen.sh': { content: '#!/bin/sh\nset -e\nautoreconf -fi\n', mode: 0o755 },
      '.gitattributes': 'notes.txt export-ignore\n',
      'notes.txt': 'not released\n',
      ...extra,
    },
    tags: ['v1.0'],
  });
}

/** The tiny project and its release as its own steps make it. */
async function tinyProject(): Promise<{ repo: TestRepo; files: TarEntrySpec[] }> {
  const repo = await tinyRepo();
  const work = await tempDir('cuckoo-tiny-');
  const tar = await repo.archive('v1.0');
  await execa('tar', ['-x', '-C', work], { input: tar });
  // Our own fixture, made as its maintainer would: outside any sandbox.
  await execa('sh', ['-c', 'autoreconf -fi && ./configure && make distdir'], { cwd: work, env: { LC_ALL: 'C' } });
  const dist = join(work, 'tiny-1.0');
  const { stdout } = await execa('find', ['.', '-type', 'f'], { cwd: dist });
  const files = stdout
    .split('\n')
    .filter(Boolean)
    .map((p) => p.slice(2))
    .sort()
    .map((p): TarEntrySpec => ({ path: `tiny-1.0/${p}`, content: readFileSync(join(dist, p)), mode: statSync(join(dist, p)).mode & 0o111 ? 0o755 : 0o644 }));
  return { repo, files: [{ path: 'tiny-1.0/', type: 'directory' }, ...files] };
}

let changedCli: Promise<{ path: string; out: string; cli: CliResult; report: Report }> | undefined;
/**
 * `cuckoo rebuild` of the tiny project's release with a line added to its
 * configure, run once for the tests that read it: --out copies the rebuilt
 * tree, --keep keeps the scratch folder (in this file's cache), and the JSON
 * report goes to a file beside the text.
 */
const changedTinyRebuild = () =>
  (changedCli ??= (async () => {
    const { repo, files } = await tiny();
    const changed = files.map((f) => (f.path === 'tiny-1.0/configure' ? { ...f, content: Buffer.from(`${String(f.content)}\necho planted >/tmp/x\n`) } : f));
    const path = await release('tiny-1.0.tar.gz', changed);
    const outParent = await tempDir('cuckoo-out-');
    const out = join(outParent, 'rebuilt');
    const json = join(outParent, 'report.json');
    const cli = await runCuckoo(['rebuild', path, '--repo', repo.dir, '--no-reproduce', '--out', out, '--keep', '--cache-dir', cacheDir, '--format', 'text', '--format', `json=${json}`]);
    const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as Report) : ({} as Report);
    return { path, out, cli, report };
  })());

// One rebuild of the sample serves both: every file the steps write is identical, and a planted one is absent.
test('a release made by its own autogen.sh, configure and make dist is rebuilt from the tag: every release-only file identical, and a known m4 macro planted in it is written by no step: absent and critical', async () => {
  if (!ready) return;
  const files = await sampleFiles();
  files.push({ path: 'hello-1.0/m4/build-to-host.m4', content: Buffer.from(buildToHost3), mode: 0o644 });
  const report = await run({ release: await release('hello-1.0.tar.gz', files), repo: bundle, tag: 'v1.0' });
  assertValidReport(report);
  const r = report.rebuild!;
  assert.is(r.status, 'rebuilt', r.why);
  assert.is(r.sandbox, 'bwrap');
  assert.equal(
    r.steps.map((s) => s.name),
    ['export', 'autogen.sh', 'configure', 'make distdir'],
  );
  assert.is(r.recipe!.source, 'found');
  assert.ok(r.releaseOnly.files >= 30, `${r.releaseOnly.files} release-only files`);
  assert.ok(r.releaseOnly.identical / r.releaseOnly.files >= 0.9, `${r.releaseOnly.identical} of ${r.releaseOnly.files} identical`);
  // Everything the sample ships is what the tag makes.
  const shipped = releaseOnly(report).filter((f) => f.path !== 'm4/build-to-host.m4');
  assert.is(shipped.length, r.releaseOnly.files - 1);
  for (const f of shipped) {
    assert.is(f.evidence.rebuilt?.outcome, 'identical', f.path);
    assert.is(f.severity, 'info', f.path);
  }
  // The planted macro is not.
  const planted = byPath(report, 'm4/build-to-host.m4');
  assert.is(planted.evidence.rebuilt?.outcome, 'absent');
  assert.is(planted.severity, 'critical');
  assert.match(planted.reasons[0]!, /no release step writes this file/);
  assert.is(report.verdict, 'fail');
  assert.is(r.counts.absent, 1);
  // SOURCE_DATE_EPOCH is the tag commit's time.
  assert.is(String(r.sourceDateEpoch), (await execa('git', ['log', '-1', '--format=%ct', 'v1.0'], { cwd: await cloneOf(bundle) })).stdout);
  assert.ok(r.tools.some((t) => t.tool === 'autoconf' && t.version === '2.71' && !t.nearest));
  // The scratch folder is gone.
  assert.equal(
    readdirSync(join(cacheDir, 'tmp')).filter((n) => n.startsWith('rebuild-')),
    [],
  );
});

test('a line added to configure differs from the rebuilt configure, with the diff rebuilt → release; every other file is identical', async () => {
  if (!ready) return;
  const { report, cli } = await changedTinyRebuild();
  assert.is(cli.code, 0, cli.stderr + cli.stdout);
  const r = report.rebuild!;
  assert.is(r.status, 'rebuilt', r.why);
  assert.ok(r.releaseOnly.files >= 5);
  assert.is(r.releaseOnly.identical, r.releaseOnly.files - 1);
  const configure = byPath(report, 'configure');
  assert.is(configure.evidence.rebuilt?.outcome, 'different');
  assert.match(configure.evidence.rebuilt!.diff!, /\+echo planted >\/tmp\/x/);
  assert.match(configure.reasons.join('\n'), /release steps \(autogen\.sh, configure, make distdir\) write other bytes here/);
  assert.is(r.counts.different, 1);
  for (const f of releaseOnly(report)) if (f.path !== 'configure') assert.is(f.evidence.rebuilt?.outcome, 'identical', f.path);
});

test('a failing step ends the rebuild with its name and output; absence then proves nothing, and cuckoo rebuild exits 3', async () => {
  if (!ready) return;
  // A repository of its own (the tag moves), and the clean release's files.
  const repo = await tinyRepo();
  const { files } = await tiny();
  await repo.git(['rm', '-q', 'autogen.sh']);
  writeFileSync(join(repo.dir, 'autogen.sh'), '#!/bin/sh\necho "autogen.sh: needs frobnicate 2.0" >&2\nexit 1\n', { mode: 0o755 });
  await repo.git(['add', 'autogen.sh']);
  await repo.git(['commit', '-qm', 'broken']);
  await repo.git(['tag', '-f', 'v1.0']);
  const path = await release('tiny-1.0.tar.gz', files.filter((f) => !f.path.endsWith('/autogen.sh')));
  // One run: the text on stdout, the report beside it.
  const json = join(await tempDir('cuckoo-failed-'), 'report.json');
  const cli = await runCuckooHere(['rebuild', path, '--repo', repo.dir, '--no-reproduce', '--cache-dir', cacheDir, '--format', 'text', '--format', `json=${json}`]);
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  const r = report.rebuild!;
  assert.is(r.status, 'failed');
  assert.is(r.failedStep, 'autogen.sh');
  assert.match(r.why!, /autogen\.sh failed \(exit 1\): autogen\.sh: needs frobnicate 2\.0/);
  const configure = byPath(report, 'configure');
  assert.is(configure.evidence.rebuilt?.outcome, 'absent');
  assert.is(configure.evidence.rebuilt?.incomplete, 'autogen.sh');
  assert.not.equal(configure.severity, 'critical');

  assert.is(cli.code, 3, cli.stderr);
  assert.match(cli.stdout, /✗ autogen\.sh/);
  assert.match(cli.stdout, /needs frobnicate 2\.0/);
  assert.match(cli.stdout, /REBUILD FAILED: autogen\.sh failed/);
});

test('a tool version the release names that is not here stops the rebuild; --rebuild-nearest runs and marks the files it writes', async () => {
  if (!ready) return;
  const { repo, files } = await tiny();
  const old = files.map((f) => (f.path === 'tiny-1.0/configure' ? { ...f, content: Buffer.from(String(f.content).replace(/Generated by GNU Autoconf 2\.71/, 'Generated by GNU Autoconf 2.13')) } : f));
  const path = await release('tiny-1.0.tar.gz', old);
  const report = await run({ release: path, repo: repo.dir });
  assert.is(report.rebuild!.status, 'not-run');
  assert.match(report.rebuild!.why!, /autoconf 2\.13 \(configure; here: 2\.71\)/);
  assert.match(report.rebuild!.hint!, /--rebuild-nearest/);
  assert.is(byPath(report, 'configure').evidence.rebuilt, undefined);

  const nearest = await run({ release: path, repo: repo.dir, rebuildNearest: true });
  assert.is(nearest.rebuild!.status, 'rebuilt');
  assert.ok(nearest.rebuild!.tools.some((t) => t.tool === 'autoconf' && t.nearest && t.named === '2.13'));
  const configure = byPath(nearest, 'configure');
  assert.is(configure.evidence.rebuilt?.outcome, 'different');
  assert.equal(configure.evidence.rebuilt?.nearest, ['autoconf 2.71 for 2.13']);
  assert.match(configure.reasons.join('\n'), /--rebuild-nearest/);
  // Makefile.in is automake's, which ran at its own version.
  assert.is(byPath(nearest, 'Makefile.in').evidence.rebuilt?.nearest, undefined);
});

test('a tag whose build files are all export-ignore is rebuilt from a checkout of it, and the report says so', async () => {
  if (!ready) return;
  // As strace's .gitattributes: git archive of the tag holds one README.
  const repo = await makeRepo({
    files: {
      '.gitattributes': '/* export-ignore\n/README.archive -export-ignore\n',
      'README.archive': 'archives of the tag are not supported\n',
      'configure.ac': 'AC_INIT([tiny], [1.0])\n',
      'autogen.sh': { content: "#!/bin/sh\nset -e\nsed 's/tiny/TINY/' configure.ac > made.txt\n", mode: 0o755 },
    },
    tags: ['v1.0'],
  });
  const path = await release('tiny-1.0.tar.gz', [
    { path: 'tiny-1.0/README.archive', content: 'archives of the tag are not supported\n' },
    { path: 'tiny-1.0/configure.ac', content: 'AC_INIT([tiny], [1.0])\n' },
    { path: 'tiny-1.0/autogen.sh', content: "#!/bin/sh\nset -e\nsed 's/tiny/TINY/' configure.ac > made.txt\n", mode: 0o755 },
    { path: 'tiny-1.0/made.txt', content: 'AC_INIT([TINY], [1.0])\n' },
  ]);
  const report = await run({ release: path, repo: repo.dir, tag: 'v1.0' });
  assert.is(report.rebuild!.status, 'rebuilt', report.rebuild!.why);
  assert.equal(report.rebuild!.recipe!.steps.map((s) => s.command), ['./autogen.sh']);
  assert.ok(report.rebuild!.notes.some((n) => /^the tag's \.gitattributes marks its build files export-ignore \(git archive of it holds 1 of its 4 entries\): it is exported as a checkout has it/.test(n)), report.rebuild!.notes.join('\n'));
  assert.is(byPath(report, 'made.txt').evidence.rebuilt?.outcome, 'identical');
});

test("a policy's recipe runs in the sandbox: the tag as git archive writes it, SOURCE_DATE_EPOCH from the tag, no network", async () => {
  if (!ready) return;
  const { repo } = await tiny();
  const epoch = Number(await repo.git(['show', '-s', '--format=%ct', 'v1.0']));
  // A server on the host's loopback: the sandbox has a loopback of its own.
  const server = createServer((s) => s.end('hello\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const policy = join(await tempDir('cuckoo-policy-'), 'policy.json');
    const steps = [
      'mkdir -p out',
      'printf "%s\\n" "$SOURCE_DATE_EPOCH" > out/epoch.txt',
      'if test -e notes.txt; then echo present; else echo ignored; fi > out/export-ignore.txt',
      `if (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; then echo reached; else echo unreachable; fi > out/network.txt`,
      'umask > out/umask.txt; echo "$LC_ALL $TZ" > out/locale.txt',
    ];
    writeFileSync(policy, JSON.stringify({ rebuild: { steps, tree: 'out' } }));
    const path = await release('tiny-1.0.tar.gz', [
      { path: 'tiny-1.0/', type: 'directory' },
      { path: 'tiny-1.0/epoch.txt', content: `${epoch}\n` },
      { path: 'tiny-1.0/export-ignore.txt', content: 'ignored\n' },
      { path: 'tiny-1.0/network.txt', content: 'unreachable\n' },
      { path: 'tiny-1.0/umask.txt', content: '0022\n' },
      { path: 'tiny-1.0/locale.txt', content: 'C UTC\n' },
    ]);
    const report = await run({ release: path, repo: repo.dir, policy });
    assert.is(report.rebuild!.recipe!.source, 'policy');
    assert.is(report.rebuild!.status, 'rebuilt', report.rebuild!.why);
    for (const name of ['epoch.txt', 'export-ignore.txt', 'network.txt', 'umask.txt', 'locale.txt']) {
      const f = byPath(report, name);
      assert.is(f.evidence.rebuilt?.outcome, 'identical', `${name}: ${f.evidence.rebuilt?.diff ?? ''}`);
      assert.is(f.category, 'rebuilt');
      assert.is(f.severity, 'info');
    }
  } finally {
    server.close();
  }
});

test('submodules are exported at their pinned commits with --submodules', async () => {
  if (!ready) return;
  const lib = await makeRepo({ files: { 'lib.txt': 'pinned\n' } });
  const repo = await tinyRepo({ '.gitmodules': `[submodule "lib"]\n\tpath = lib\n\turl = ${lib.dir}\n` });
  await repo.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'lib']);
  await repo.git(['commit', '-qm', 'lib']);
  await repo.git(['tag', '-f', 'v1.0']);
  const policy = join(await tempDir('cuckoo-policy-'), 'policy.json');
  writeFileSync(policy, JSON.stringify({ rebuild: { steps: ['mkdir -p out && cp lib/lib.txt out/copied.txt'], tree: 'out' } }));
  const path = await release('tiny-1.0.tar.gz', [
    { path: 'tiny-1.0/', type: 'directory' },
    { path: 'tiny-1.0/copied.txt', content: 'pinned\n' },
  ]);
  const report = await run({ release: path, repo: repo.dir, policy, submodules: true, submoduleSources: { lib: lib.dir } });
  assert.is(report.rebuild!.status, 'rebuilt', report.rebuild!.why);
  assert.is(byPath(report, 'copied.txt').evidence.rebuilt?.outcome, 'identical');
});

test('cuckoo rebuild --out copies the rebuilt tree; a non-empty --out is refused before any work; --keep keeps the scratch folder', async () => {
  if (!ready) return;
  const { repo } = await tiny();
  const { path, out, cli, report } = await changedTinyRebuild();
  assert.is(cli.code, 0, cli.stderr + cli.stdout);
  assert.match(cli.stdout, /rebuilt from the tag: \d+ of \d+ release-only files identical/);
  assert.ok(existsSync(join(out, 'configure')));
  assert.ok(existsSync(join(out, 'Makefile.in')));

  const busy = await runCuckooHere(['rebuild', path, '--repo', repo.dir, '--out', out]);
  assert.is(busy.code, 2);
  assert.match(busy.stderr, /--out .*rebuilt: the folder is not empty/);

  const kept = report.rebuild!.kept;
  assert.ok(kept && kept.startsWith(join(cacheDir, 'tmp')) && existsSync(join(kept, 'src', '.cuckoo-distdir', 'configure')), kept);
  rmSync(kept!, { recursive: true, force: true });
});

test("a meson project is rebuilt by meson dist, its dist scripts included", async () => {
  if (!ready) return;
  const meson = await execa('meson', ['--version'], { reject: false }).catch(() => undefined);
  if (meson?.exitCode !== 0) {
    if (process.env.CI) throw new Error('the meson rebuild test needs meson and ninja (.ci/run installs them)');
    console.log('skipping the meson rebuild test: meson is not installed');
    return;
  }
  const repo = await makeRepo({
    files: {
      'meson.build': "project('mz', version: '1.0')\nmeson.add_dist_script('dist.sh')\n",
      'dist.sh': { content: '#!/bin/sh\necho "made at $SOURCE_DATE_EPOCH" > "$MESON_DIST_ROOT/GENERATED"\n', mode: 0o755 },
      README: 'mz\n',
    },
    tags: ['v1.0'],
  });
  const epoch = await repo.git(['show', '-s', '--format=%ct', 'v1.0']);
  const path = await release('mz-1.0.tar.gz', [
    { path: 'mz-1.0/', type: 'directory' },
    { path: 'mz-1.0/meson.build', content: "project('mz', version: '1.0')\nmeson.add_dist_script('dist.sh')\n" },
    { path: 'mz-1.0/dist.sh', content: '#!/bin/sh\necho "made at $SOURCE_DATE_EPOCH" > "$MESON_DIST_ROOT/GENERATED"\n', mode: 0o755 },
    { path: 'mz-1.0/README', content: 'mz\n' },
    { path: 'mz-1.0/GENERATED', content: `made at ${epoch}\n` },
    { path: 'mz-1.0/EXTRA', content: 'nobody made me\n' },
  ]);
  const report = await run({ release: path, repo: repo.dir });
  assert.is(report.rebuild!.status, 'rebuilt', report.rebuild!.why);
  assert.equal(
    report.rebuild!.steps.map((s) => s.name),
    ['export', 'git init', 'meson setup', 'meson dist', 'unpack'],
  );
  assert.is(byPath(report, 'GENERATED').evidence.rebuilt?.outcome, 'identical');
  assert.is(byPath(report, 'EXTRA').evidence.rebuilt?.outcome, 'absent');
  assert.is(byPath(report, 'EXTRA').severity, 'medium');
});

test('--keep and --rebuild-nearest need --rebuild', async () => {
  for (const flag of ['--keep', '--rebuild-nearest']) {
    const r = await runCuckooHere(['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', flag]);
    assert.is(r.code, 2);
    assert.match(r.stderr, new RegExp(`${flag}: only used with --rebuild`));
  }
});

test.run();
