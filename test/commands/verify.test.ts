import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, buildZip, compress, tarHeader, writeTemp, type TarItem } from '../helpers/archives.js';
import { rawZip, twoDirectories } from '../helpers/zip-raw.js';
import { root, runCuckooHere } from '../helpers/cli.js';
import { renderers } from '../../src/cli/render/index.js';
import { colors } from '../../src/cli/colors.js';
import { makeRepo, removeTempDirs, type FileSpec, type TestRepo } from '../helpers/repo.js';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { readIndex, shippedIndexPath } from '../../src/analyze/knowledge/index-file.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-verify-cache-'));
const run = (o: Omit<VerifyOptions, 'cacheDir'>) => verify({ cacheDir, ...o });
const summary = (r: Report) => r.findings.map((f) => `${f.change} ${f.path} ${f.category} ${f.severity}`);

const files: Record<string, FileSpec> = {
  'README': 'hello\n',
  'src/main.c': 'int main(void) { return 0; }\n',
  'configure.ac': 'AC_INIT([proj],[1.2])\n',
  'build.sh': { content: '#!/bin/sh\necho build\n', mode: 0o755 },
  'docs/link': { symlink: '../README' },
};

/** The tag's files as a release would hold them under `proj-1.2/`. */
function releaseOf(extra: TarItem[] = [], prefix = 'proj-1.2/'): TarItem[] {
  return [
    { path: prefix, type: 'directory' },
    { path: `${prefix}README`, content: 'hello\n' },
    { path: `${prefix}src/main.c`, content: 'int main(void) { return 0; }\n' },
    { path: `${prefix}configure.ac`, content: 'AC_INIT([proj],[1.2])\n' },
    { path: `${prefix}build.sh`, content: '#!/bin/sh\necho build\n', mode: 0o755 },
    { path: `${prefix}docs/link`, type: 'symlink', target: '../README' },
    ...extra,
  ];
}

let plainRepo: Promise<TestRepo> | undefined;
/** `files` tagged v1.2, for the tests that only read the repository: made once. */
const plain = () => (plainRepo ??= makeRepo({ files, tags: ['v1.2'] }));

test.after(async () => {
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('every release format matches its tag: tar, tar.gz, tar.xz, tar.bz2, tar.zst, zip', async () => {
  const repo = await makeRepo({ files, tags: [{ name: 'v1.2', annotated: true }] });
  const tar = buildTar(releaseOf());
  const archives: Array<[string, Buffer]> = [
    ['proj-1.2.tar', tar],
    ['proj-1.2.tar.gz', await compress(tar, 'gzip')],
    ['proj-1.2.tar.xz', await compress(tar, 'xz')],
    ['proj-1.2.tar.bz2', await compress(tar, 'bzip2')],
    ['proj-1.2.tar.zst', await compress(tar, 'zstd')],
    [
      'proj-1.2.zip',
      await buildZip([
        { path: 'proj-1.2/README', content: 'hello\n' },
        { path: 'proj-1.2/src/main.c', content: 'int main(void) { return 0; }\n' },
        { path: 'proj-1.2/configure.ac', content: 'AC_INIT([proj],[1.2])\n' },
        { path: 'proj-1.2/build.sh', content: '#!/bin/sh\necho build\n', mode: 0o755 },
        { path: 'proj-1.2/docs/link', type: 'symlink', target: '../README' },
      ]),
    ],
  ];
  for (const [name, bytes] of archives) {
    const release = await writeTemp(`formats/${name}`, bytes);
    const r = await run({ release, repo: repo.dir });
    assert.is(r.verdict, 'pass', name);
    assert.equal(r.counts, { identical: 5, onlyInRelease: 0, onlyInTag: 0, modified: 0, exportIgnored: 0, irregular: 0 }, name);
    assert.is(r.release.prefix, 'proj-1.2', name);
    assert.is(r.tag.ref, 'v1.2');
    assert.is(r.tag.annotated, true);
    assert.ok(r.tag.inferredFrom?.includes('v1.2'), name);
  }
});

test('each kind of difference is one finding with the right change', async () => {
  const repo = await makeRepo({ files: { ...files, 'NEWS': 'news\n' }, tags: ['v1.2'] });
  const tar = buildTar([
    { path: 'proj-1.2/', type: 'directory' },
    { path: 'proj-1.2/README', content: 'hello\n', mode: 0o755 },
    { path: 'proj-1.2/src/main.c', content: 'int main(void) { return 1; }\n' },
    { path: 'proj-1.2/configure.ac', type: 'symlink', target: 'README' },
    { path: 'proj-1.2/build.sh', content: '#!/bin/sh\necho build\n', mode: 0o755 },
    { path: 'proj-1.2/docs/link', type: 'symlink', target: '../NEWS' },
    { path: 'proj-1.2/m4/extra.m4', content: 'dnl serial 30\n' },
  ]);
  const r = await run({ release: await writeTemp('kinds/proj-1.2.tar', tar), repo: repo.dir });
  assert.equal(summary(r), [
    'only-in-tag NEWS not-shipped low',
    'mode-changed README mode-change low',
    'type-changed configure.ac type-change high',
    'modified docs/link unexplained high',
    'only-in-release m4/extra.m4 unexplained high',
    'modified src/main.c unexplained critical',
  ]);
  assert.equal(r.counts, { identical: 1, onlyInRelease: 1, onlyInTag: 1, modified: 4, exportIgnored: 0, irregular: 0 });
  assert.is(r.verdict, 'fail');
  const main = r.findings.find((f) => f.path === 'src/main.c')!;
  assert.match(main.evidence.diff!, '-int main(void) { return 0; }\n+int main(void) { return 1; }');
  const link = r.findings.find((f) => f.path === 'docs/link')!;
  assert.is(link.evidence.release?.linkTarget, '../NEWS');
});

test('scratch repositories (the tag\'s .gitignore and .gitattributes) go under the cache folder, never TMPDIR, and are removed', async () => {
  const repo = await makeRepo({ files: { ...files, '.gitattributes': 'dev-only.txt export-ignore\n', 'dev-only.txt': 'not shipped\n' }, tags: ['v1.2'] });
  const release = await writeTemp('scratch/proj-1.2.tar', buildTar(releaseOf([{ path: 'proj-1.2/.gitattributes', content: 'dev-only.txt export-ignore\n' }])));
  const cache = mkdtempSync(join(tmpdir(), 'cuckoo-scratch-cache-'));
  const tmp = mkdtempSync(join(tmpdir(), 'cuckoo-scratch-tmpdir-'));
  // Whatever appears in TMPDIR during the runs, even for a moment.
  const seen: string[] = [];
  const watcher = watch(tmp, (_event, name) => name && seen.push(String(name)));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    assert.is(tmpdir(), tmp);
    // The attributes' scratch repository: export-ignore read from the tag.
    const r = await verify({ release, repo: repo.dir, tag: 'v1.2', cacheDir: cache });
    assert.equal(summary(r), ['only-in-tag dev-only.txt export-ignored info']);
    // The ignore rules' scratch repository: the tampered sample's m4/nls.m4 is hidden by m4/.gitignore.
    const sample = await verify({ release: join(root, 'samples/tampered/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle'), cacheDir: cache, hostKnowledge: false });
    assert.ok(sample.findings.some((f) => f.path === 'm4/nls.m4' && f.reasons.some((x) => x.startsWith('hidden by m4/.gitignore rule'))), 'the ignore rule was looked up');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(seen, [], 'nothing written in TMPDIR');
    assert.equal(readdirSync(tmp), []);
    assert.ok(existsSync(join(cache, 'tmp')), 'the scratch folders were made in the cache');
    assert.equal(readdirSync(join(cache, 'tmp')), [], 'and removed after the run');
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    watcher.close();
    rmSync(tmp, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});

test('flat archives, --strip and --commit', async () => {
  const repo = await plain();
  const flat = await writeTemp('flat/proj-1.2.tar', buildTar(releaseOf([], '')));
  let r = await run({ release: flat, repo: repo.dir });
  assert.is(r.release.prefix, '');
  assert.is(r.counts.identical, 5);
  const deep = await writeTemp('deep/whatever.tar.gz', await compress(buildTar(releaseOf([], 'a/b/')), 'gzip'));
  r = await run({ release: deep, repo: repo.dir, commit: repo.commits[0]!.slice(0, 8), strip: 2 });
  assert.is(r.release.prefix, 'a/b');
  assert.is(r.counts.identical, 5);
  assert.is(r.tag.commit, repo.commits[0]);
  assert.is(r.tag.inferredFrom, undefined);
});

test('a release that shares no path with the tag fails with one critical finding', async () => {
  const repo = await plain();
  const empty = await writeTemp('unrelated/proj-1.2.tar', buildTar([{ path: 'proj-1.2/', type: 'directory' }]));
  const r = await run({ release: empty, repo: repo.dir });
  assert.is(r.verdict, 'fail');
  const f = r.findings.filter((x) => x.category === 'unrelated-release');
  assert.is(f.length, 1);
  assert.is(f[0]!.severity, 'critical');
  assert.is(f[0]!.change, 'integrity');
  assert.match(f[0]!.reasons[0]!, /0 of the release's 0 files and of the 5 files of v1\.2 share a path: this release does not come from this tag/);
});

test("a release of another project fails, naming the tags of the repository that share the most paths with it", async () => {
  const own: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`lib/f${i}.c`, `int f${i};\n`]));
  const repo = await makeRepo({
    commits: [
      { files: own, tags: ['old-1.0'] },
      { files: { 'README': 'now\n', ...Object.fromEntries(Object.keys(own).map((k) => [k, null])) }, tags: ['v2.0'] },
    ],
  });
  // The release is old-1.0's tree plus a file: checked against v2.0, it shares nothing but README's path.
  const tar = buildTar([{ path: 'proj-2.0/', type: 'directory' }, { path: 'proj-2.0/README', content: 'then\n' }, ...Object.entries(own).map(([p, c]) => ({ path: `proj-2.0/${p}`, content: String(c) }))]);
  const r = await run({ release: await writeTemp('other/proj-2.0.tar', tar), repo: repo.dir, tag: 'v2.0' });
  assert.is(r.verdict, 'fail');
  const f = r.findings.find((x) => x.category === 'unrelated-release')!;
  assert.match(f.reasons[0]!, /1 of the release's 41 files and of the 1 files of v2\.0 share a path/);
  assert.match(f.reasons[1]!, /tags sharing more paths with it: old-1\.0 \(40 of 41\)/);
  // The text report of a release with thousands of such files lists the first and counts the rest.
  const ctx = { colors: colors(false), verbose: false, quiet: false, diffLines: 10, width: 100, exitCode: 1 };
  const many = { ...r, findings: Array.from({ length: 120 }, (_, i) => ({ ...f, id: `CK${i}`, path: `f${i}`, severity: 'high' as const })) };
  const text = renderers.text(many, ctx);
  assert.match(text, /… and 70 more high findings \(--format json or html lists every one\)/);
  assert.not.match(text, /\bf50\b/);

  // A release that is mostly the tag's files may ship a small part of its tree (shadow 4.13 leaves out its tests/).
  const tests: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`tests/t${i}/data`, `${i}\n`]));
  const big = await makeRepo({ files: { ...own, ...tests }, tags: ['v3.0'] });
  const part = (n: number, extra: number) =>
    buildTar([
      { path: 'proj-3.0/', type: 'directory' },
      ...Object.entries(own).slice(0, n).map(([p, c]) => ({ path: `proj-3.0/${p}`, content: String(c) })),
      ...Array.from({ length: extra }, (_, i) => ({ path: `proj-3.0/gen/g${i}.c`, content: `int g${i};\n` })),
    ]);
  const shipped = await run({ release: await writeTemp('part/proj-3.0.tar', part(30, 25)), repo: big.dir, tag: 'v3.0' });
  assert.ok(shipped.findings.every((x) => x.category !== 'unrelated-release'), '30 of its 55 files are the tag\'s');
  const mostlyNew = await run({ release: await writeTemp('part2/proj-3.0.tar', part(30, 40)), repo: big.dir, tag: 'v3.0' });
  assert.ok(mostlyNew.findings.some((x) => x.category === 'unrelated-release'), '30 of its 70 files: under half, and 30 of the tag\'s 440');

  // Nine tenths of each side in common is the same project.
  const mostly = buildTar([{ path: 'proj-1.0/', type: 'directory' }, ...Object.entries(own).slice(0, 37).map(([p, c]) => ({ path: `proj-1.0/${p}`, content: String(c) }))]);
  const ok = await run({ release: await writeTemp('mostly/proj-1.0.tar', mostly), repo: repo.dir, tag: 'old-1.0' });
  assert.ok(ok.findings.every((x) => x.category !== 'unrelated-release'));
});

test('a release that leaves most of its tag unshipped is its tag\'s by the files the analysis finds made from the tag', async () => {
  // libtasn1 4.19.0 ships 180 of its tag's 2,434 files (not its fuzz corpora); the rest of its files are made from the tag's.
  const templates: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`conf/c${i}.in`, `name=@PACKAGE@ ${i}\n`]));
  const fuzz: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`fuzz/corpus/${i}`, `${i}\n`]));
  const repo = await makeRepo({ files: { ...templates, ...fuzz }, tags: ['v1.0'] });
  const tar = (made: (i: number) => string) =>
    buildTar([
      { path: 'proj-1.0/', type: 'directory' },
      ...Object.entries(templates).map(([p, c]) => ({ path: `proj-1.0/${p}`, content: String(c) })),
      ...Array.from({ length: 45 }, (_, i) => ({ path: `proj-1.0/conf/c${i}`, content: made(i) })),
      ...Array.from({ length: 5 }, (_, i) => ({ path: `proj-1.0/extra/x${i}`, content: `${i}\n` })),
    ]);
  // 45 of its 95 files and of the tag's 545 share a path; its 45 configured files are the tag's templates filled in.
  const configured = await run({ release: await writeTemp('made/proj-1.0.tar', tar((i) => `name=proj ${i}\n`)), repo: repo.dir, tag: 'v1.0', reproduce: false });
  assert.ok(configured.findings.filter((x) => x.category === 'configured-file').length === 45, configured.findings.map((x) => x.category).join(' '));
  assert.ok(configured.findings.every((x) => x.category !== 'unrelated-release'));
  // The same paths with files no rule derives from the tag: unrelated, as the paths alone say.
  const other = await run({ release: await writeTemp('made2/proj-1.0.tar', tar((i) => `#!/bin/sh\nrm -rf /tmp/${i}\n`)), repo: repo.dir, tag: 'v1.0', reproduce: false });
  const f = other.findings.find((x) => x.category === 'unrelated-release')!;
  assert.match(f.reasons[0]!, "45 of the release's 95 files and of the 545 files of v1.0 share a path");
});

test('the files the build tools copy into a release count for neither side: a gnulib project whose gnulib could not be read is its tag\'s', async () => {
  // cpio 2.13: 61 of its 619 files are its tag's; most of the rest are gnulib's, copied in by its bootstrap.
  const own: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`src/f${i}.c`, `int f${i};\n`]));
  const repo = await makeRepo({ files: own, tags: ['v1.0'] });
  const knowledge = await loadKnowledge({ hostDirs: [] });
  const macros = (await readIndex(shippedIndexPath)).filter((f) => f.origin.package === 'gnulib' && f.name.endsWith('.m4') && !f.variant);
  const copied = new Map<string, Buffer>();
  for (const f of macros) {
    if (copied.size === 95 || copied.has(f.name)) continue;
    const bytes = await knowledge.content(f);
    if (bytes) copied.set(f.name, bytes);
  }
  assert.is(copied.size, 95);
  const tar = buildTar([
    { path: 'proj-1.0/', type: 'directory' },
    ...Object.entries(own).map(([p, c]) => ({ path: `proj-1.0/${p}`, content: String(c) })),
    ...[...copied].map(([name, content]) => ({ path: `proj-1.0/m4/${name}`, content })),
  ]);
  const r = await run({ release: await writeTemp('tools/proj-1.0.tar', tar), repo: repo.dir, tag: 'v1.0', reproduce: false });
  assert.is(r.findings.filter((x) => x.category === 'known-good').length, 95);
  assert.ok(r.findings.every((x) => x.category !== 'unrelated-release'), '10 of its 105 files, and its 95 others gnulib\'s');
});

test('a release made from a folder of the repository: the unrelated finding names it, and --tag-path compares with it', async () => {
  // smartmontools keeps its project in smartmontools/ of its repository, cracklib in src/.
  const files: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pkg/src/f${i}.c`, `int f${i};\n`]));
  const repo = await makeRepo({
    commits: [
      {
        files: { ...files, 'pkg/configure.ac': 'AC_INIT([pkg], [1.0])\n', 'pkg/.gitattributes': 'notes.txt export-ignore\n', 'pkg/notes.txt': 'not shipped\n', 'README': 'the repository\n', 'words/list': 'a\n' },
        tags: [{ name: 'v1.0', annotated: true }],
      },
      { files: { 'pkg/src/f0.c': 'int f0 = 1;\n' }, message: 'after the release' },
    ],
  });
  const tar = buildTar([
    ...Object.entries(files).map(([p, c]) => ({ path: `pkg-1.0/${p.slice('pkg/'.length)}`, content: p === 'pkg/src/f0.c' ? 'int f0 = 1;\n' : String(c) })),
    { path: 'pkg-1.0/configure.ac', content: 'AC_INIT([pkg], [1.0])\n' },
    { path: 'pkg-1.0/.gitattributes', content: 'notes.txt export-ignore\n' },
  ]);
  const release = await writeTemp('folder/pkg-1.0.tar', tar);
  const whole = await run({ release, repo: repo.dir, tag: 'v1.0', reproduce: false });
  const f = whole.findings.find((x) => x.category === 'unrelated-release')!;
  assert.match(f.reasons[1]!, "22 of the release's 22 files are files of the tag's folder pkg/: the release was made from that folder of the repository; compare with it: --tag-path pkg");

  const r = await run({ release, repo: repo.dir, tag: 'v1.0', tagPath: 'pkg', reproduce: false });
  // The folder's own .gitattributes applies: its export-ignore leaves notes.txt out, as git archive of the folder does.
  assert.equal(r.counts, { identical: 21, onlyInRelease: 0, onlyInTag: 0, modified: 1, exportIgnored: 1, irregular: 0 });
  assert.ok(r.notes.includes("compared with the folder pkg/ of v1.0 (--tag-path): the tag's paths in this report are relative to it"), r.notes.join('\n'));
  // The history is asked with the folder's paths: the commit after the tag that wrote f0.c is found.
  const f0 = r.findings.find((x) => x.path === 'src/f0.c')!;
  assert.match(f0.reasons.join('\n'), `a commit the tag does not reach adds the same line (1 of the 1 line the release adds): ${repo.commits[1]!.slice(0, 12)}`);

  // A folder the tag does not have, and paths that are no folder as git names one: usage errors.
  const missing = await runCuckooHere(['verify', release, '--repo', repo.dir, '--tag', 'v1.0', '--tag-path', 'pkgs', '--no-reproduce']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, '--tag-path: v1.0 has no folder "pkgs"');
  for (const bad of ['../pkg', '/pkg', 'pkg//src', '.']) {
    const r2 = await runCuckooHere(['verify', release, '--repo', repo.dir, '--tag-path', bad, '--no-reproduce']);
    assert.is(r2.code, 2, bad);
    assert.match(r2.stderr, `--tag-path: ${JSON.stringify(bad)} is not a folder of the tag as git names it`);
  }
  const rebuild = await runCuckooHere(['verify', release, '--repo', repo.dir, '--tag-path', 'pkg/', '--rebuild']);
  assert.is(rebuild.code, 2);
  assert.match(rebuild.stderr, '--tag-path: the rebuild runs on the whole tree');
});

/** A tar member whose name is the given latin1 bytes (not UTF-8), with its content. */
function latin1File(name: string, content: string): Buffer {
  const header = tarHeader({ name: 'n', size: content.length });
  header.fill(0, 0, 100);
  header.write(name, 0, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const data = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  data.write(content);
  return Buffer.concat([header, data]);
}

test('a release path that is not valid UTF-8 is at least high, its bytes named', async () => {
  const repo = await plain();
  const tar = buildTar(releaseOf([{ raw: latin1File('proj-1.2/docs/caf\xe9.txt', 'hello\n') }]));
  const r = await run({ release: await writeTemp('odd/proj-1.2.tar', tar), repo: repo.dir });
  const f = r.findings.find((x) => x.path.startsWith('docs/caf'))!;
  assert.ok(f, 'the odd name has a finding');
  assert.ok(f.severity === 'high' || f.severity === 'critical', f.severity);
  assert.match(f.reasons[0]!, /the name is not valid UTF-8 \(docs\/caf\\xe9\.txt\)/);
  assert.is(r.verdict, 'fail');
  // Every format that prints text shows the byte escaped, never a lone surrogate.
  const ctx = { colors: colors(false), verbose: true, quiet: false, diffLines: 10, width: 100, exitCode: 1 };
  for (const format of ['text', 'markdown', 'html'] as const) {
    const out = renderers[format](r, ctx);
    // Markdown escapes the backslash itself, so it renders as \xe9.
    assert.ok(out.includes(format === 'markdown' ? 'docs/caf\\\\xe9.txt' : 'docs/caf\\xe9.txt'), format);
    assert.not.ok(/[\udc80-\udcff]/u.test(out), format);
  }
  assert.ok(renderers.json(r, ctx).includes('docs/caf\\udce9.txt'));
});

test('archive tricks: duplicates, unsafe paths, devices and hard links', async () => {
  const repo = await plain();
  const tar = buildTar(
    releaseOf([
      { path: 'proj-1.2/README', content: 'replaced\n' },
      { path: '../../etc/cron.d/x', content: 'boom' },
      { path: '/tmp/abs', content: 'boom' },
      { path: 'proj-1.2/dev/null', type: 'char-device', devmajor: 1, devminor: 3 },
      { path: 'proj-1.2/pipe', type: 'fifo' },
      { path: 'proj-1.2/COPY', type: 'hardlink', target: 'proj-1.2/src/main.c' },
      { path: 'proj-1.2/DANGLING', type: 'hardlink', target: 'proj-1.2/nowhere' },
    ]),
  );
  const r = await run({ release: await writeTemp('tricks/proj-1.2.tar', tar), repo: repo.dir });
  assert.equal(summary(r), [
    'unsafe-entry ../../etc/cron.d/x unsafe-path critical',
    'unsafe-entry /tmp/abs unsafe-path critical',
    'only-in-release COPY copied-from-tag low',
    'unsafe-entry DANGLING broken-link high',
    'duplicate-entry README duplicate-path critical',
    'only-in-release dev/null special-file high',
    'only-in-release pipe special-file high',
  ]);
  const dup = r.findings.find((f) => f.path === 'README')!;
  assert.is(dup.evidence.copies?.length, 2);
  // Both files' bytes are in the tag, so the read left out their sha256: the report still has it.
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  assert.equal(dup.evidence.copies?.map((c) => c.sha256), [sha256('hello\n'), sha256('replaced\n')]);
  assert.is(r.findings.find((f) => f.path === 'COPY')!.evidence.release?.sha256, sha256('int main(void) { return 0; }\n'));
  assert.ok(dup.reasons.some((x) => x.includes('the kept copy differs from the tag')));
});

test('a zip whose local header names another file than its central directory is critical and not compared', async () => {
  const repo = await plain();
  const zip = rawZip([
    { name: 'proj-1.2/README', data: 'hello\n' },
    // Tools that stream the zip unpack this as src/main.sh; the central directory says src/main.c.
    { name: 'proj-1.2/src/main.c', localName: 'proj-1.2/src/main.sh', data: 'int main(void) { return 0; }\n' },
    { name: 'proj-1.2/configure.ac', data: 'AC_INIT([proj],[1.2])\n' },
  ]);
  const r = await run({ release: await writeTemp('tricks/proj-1.2.zip', zip), repo: repo.dir });
  assert.is(r.verdict, 'fail');
  const f = r.findings.find((x) => x.path === 'src/main.c' || x.path.endsWith('src/main.c'))!;
  assert.is(f.change, 'unsafe-entry');
  assert.is(f.category, 'extractor-dependent');
  assert.is(f.severity, 'critical');
  assert.match(f.reasons[0]!, 'its local header names it "proj-1.2/src/main.sh"');
  // The path is reported once: as the trick, not also as missing from the release.
  assert.is(r.findings.filter((x) => x.path.endsWith('src/main.c')).length, 1);
});

test('a zip whose two end records list different members: the member only one listing has is critical', async () => {
  const repo = await plain();
  const members = [
    { name: 'proj-1.2/README', data: 'hello\n' },
    { name: 'proj-1.2/src/main.c', data: 'int main(void) { return 0; }\n' },
    { name: 'proj-1.2/configure.ac', data: 'AC_INIT([proj],[1.2])\n' },
  ];
  const zip = rawZip(members);
  // The 32-bit end record lists the first two members (unzipper's listing); the zip64 one all three (cuckoo's).
  const firstTwo = 2 * 46 + Buffer.byteLength(members[0]!.name) + Buffer.byteLength(members[1]!.name);
  const r = await run({ release: await writeTemp('two-dirs/proj-1.2.zip', twoDirectories(zip, (d) => d.subarray(0, firstTwo), 2)), repo: repo.dir });
  assert.is(r.verdict, 'fail');
  const f = r.findings.find((x) => x.path.endsWith('configure.ac'))!;
  assert.equal([f.change, f.category, f.severity], ['unsafe-entry', 'extractor-dependent', 'critical']);
  assert.match(f.reasons[0]!, "only cuckoo's own reading of the central directory lists it (3 entries; unzipper finds 2)");
  assert.is(r.findings.filter((x) => x.path.endsWith('configure.ac')).length, 1);
});

test('the tag as git archive writes it: export-ignore, export-subst, ident, eol=crlf', async () => {
  const repo = await makeRepo({
    files: {
      '.gitattributes': 'tests/ export-ignore\nversion.txt export-subst\nid.c ident\n*.bat text eol=crlf\nwide.txt working-tree-encoding=UTF-16LE\n',
      'wide.txt': 'héllo\n',
      'version.txt': 'commit $Format:%H$ of $Format:%cs$\n',
      'id.c': '/* $Id$ */\n',
      'run.bat': 'echo a\necho b\n',
      'tests/big.bin': 'data\n',
      'README': 'x\n',
    },
    tags: ['v2.0'],
  });
  const ground = await writeTemp('attrs/proj-2.0.tar', await repo.archive('v2.0'));
  const r = await run({ release: ground, repo: repo.dir });
  assert.equal(summary(r), ['only-in-tag tests/big.bin export-ignored info']);
  assert.is(r.counts.identical, 6);
  assert.is(r.counts.exportIgnored, 1);
  assert.is(r.release.comment, repo.commits[0]);
  assert.ok(r.notes.some((n) => n.includes("the tag's commit")), r.notes.join('\n'));
  // The raw blob (unexpanded) is not what git archive writes: it is a modification.
  const raw = buildTar([
    { path: 'version.txt', content: 'commit $Format:%H$ of $Format:%cs$\n' },
    { path: 'id.c', content: '/* $Id$ */\n' },
    { path: 'run.bat', content: 'echo a\necho b\n' },
    { path: 'README', content: 'x\n' },
    { path: '.gitattributes', content: 'tests/ export-ignore\nversion.txt export-subst\nid.c ident\n*.bat text eol=crlf\nwide.txt working-tree-encoding=UTF-16LE\n' },
    { path: 'wide.txt', content: 'héllo\n' },
  ]);
  const r2 = await run({ release: await writeTemp('attrs-raw/proj-2.0.tar', raw), repo: repo.dir, tag: 'v2.0' });
  assert.not.ok(r2.notes.some((n) => n.includes('archive records')));
  assert.equal(
    r2.findings.filter((f) => f.change === 'modified').map((f) => f.path),
    ['id.c', 'run.bat', 'version.txt', 'wide.txt'],
  );
});

test('an archive that records another commit than the tag says so', async () => {
  const repo = await makeRepo({ files: { a: 'one\n' }, tags: ['v1'], commits: [{ files: { a: 'two\n' }, tags: ['v2'] }] });
  const release = await writeTemp('other-commit/x-1.tar', await repo.archive('v2'));
  const r = await run({ release, repo: repo.dir, tag: 'v1' });
  assert.ok(r.notes.some((n) => n.includes(`records commit ${repo.commits[1]!.slice(0, 12)}`) && n.includes('but the tag points to')), r.notes.join('\n'));
});

test('a Git LFS pointer in the tag explains its object in the release', async () => {
  const { createHash } = await import('node:crypto');
  const object = Buffer.from('large binary payload\n');
  const oid = createHash('sha256').update(object).digest('hex');
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${object.length}\n`;
  const repo = await makeRepo({ files: { '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n', 'data.bin': pointer }, tags: ['v1'] });
  const tar = buildTar([
    { path: '.gitattributes', content: '*.bin filter=lfs diff=lfs merge=lfs -text\n' },
    { path: 'data.bin', content: object },
  ]);
  const r = await run({ release: await writeTemp('lfs/x-1.tar', tar), repo: repo.dir, tag: 'v1' });
  assert.equal(summary(r), ['modified data.bin lfs-object info']);
  assert.is(r.verdict, 'pass');
});

test('submodules: compared at the pinned commit by default, reported as such with --no-submodules', async () => {
  const lib = await makeRepo({ files: { 'lib.c': 'int lib;\n', 'm4/lib.m4': 'dnl lib macro\n' }, tags: ['lib-1'] });
  const repo = await makeRepo({
    files: {
      '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n`,
      gnulib: { gitlink: lib.commits[0]! },
      'main.c': 'int main;\n',
    },
    tags: ['v3.0'],
  });
  const tar = buildTar([
    { path: 'app-3.0/.gitmodules', content: `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n` },
    { path: 'app-3.0/main.c', content: 'int main;\n' },
    { path: 'app-3.0/gnulib/lib.c', content: 'int lib;\n' },
    { path: 'app-3.0/gnulib/m4/lib.m4', content: 'dnl tampered\n' },
    { path: 'app-3.0/m4/lib.m4', content: 'dnl lib macro\n' },
  ]);
  const release = await writeTemp('subs/app-3.0.tar', tar);
  let r = await run({ release, repo: repo.dir, submodules: false });
  assert.equal(summary(r), [
    'only-in-release gnulib/lib.c submodule-content info',
    'only-in-release gnulib/m4/lib.m4 submodule-content info',
    'only-in-release m4/lib.m4 unexplained high',
  ]);
  assert.ok(r.notes.some((n) => n.includes('--no-submodules')));
  // By default, from the URL in .gitmodules.
  for (const options of [{}, { submoduleSources: { gnulib: lib.dir } }]) {
    r = await run({ release, repo: repo.dir, ...options });
    assert.equal(summary(r), ['modified gnulib/m4/lib.m4 unexplained critical', 'only-in-release m4/lib.m4 copied-from-tag low']);
  }
  const copied = r.findings.find((f) => f.path === 'm4/lib.m4')!;
  assert.equal(copied.evidence.matches?.map((m) => `${m.source}:${m.path}`), ['submodule:gnulib/m4/lib.m4']);
  // Its bytes are the submodule's, so its sha256 was read from the submodule's repository.
  assert.is(copied.evidence.release?.sha256, createHash('sha256').update('dnl lib macro\n').digest('hex'));
});

test('a release that ships a few copies of a large submodule is its tag\'s release: the unshipped submodule files do not count', async () => {
  // gnulib's shape: thousands of files, of which the project copies the few it uses to lib/ and m4/.
  const big: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`lib/g${i}.c`, `int g${i};\n`]));
  const lib = await makeRepo({ files: big, tags: ['lib-1'] });
  const repo = await makeRepo({
    files: {
      '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n`,
      gnulib: { gitlink: lib.commits[0]! },
      'main.c': 'int main;\n',
      'README': 'app\n',
    },
    tags: ['v3.1'],
  });
  const tar = buildTar([
    { path: 'app-3.1/.gitmodules', content: `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n` },
    { path: 'app-3.1/main.c', content: 'int main;\n' },
    { path: 'app-3.1/README', content: 'app\n' },
    { path: 'app-3.1/lib/g1.c', content: 'int g1;\n' },
    { path: 'app-3.1/lib/g2.c', content: 'int g2;\n' },
  ]);
  const r = await run({ release: await writeTemp('subcopies/app-3.1.tar', tar), repo: repo.dir });
  assert.ok(r.findings.every((f) => f.category !== 'unrelated-release'), r.findings.map((f) => f.category).join(' '));
  assert.is(r.findings.find((f) => f.path === 'lib/g1.c')?.category, 'copied-from-tag');
  // Copies are most of the release when the project's own tree is small (diffutils 3.8: 75 of its 1,074 files are
  // the tag's paths, 881 are gnulib's files copied): they count as the tag's.
  const many = buildTar([
    { path: 'app-3.1/main.c', content: 'int main;\n' },
    { path: 'app-3.1/README', content: 'app\n' },
    ...Array.from({ length: 40 }, (_, i) => ({ path: `app-3.1/lib/g${i}.c`, content: `int g${i};\n` })),
  ]);
  const m = await run({ release: await writeTemp('subcopies-many/app-3.1.tar', many), repo: repo.dir });
  assert.ok(m.findings.every((f) => f.category !== 'unrelated-release'), m.findings.map((f) => f.category).join(' '));
  // Without the submodule, nothing vouches for them: 2 of 42 files.
  const alone = await run({ release: await writeTemp('subcopies-alone/app-3.1.tar', many), repo: repo.dir, submodules: false });
  assert.ok(alone.findings.some((f) => f.category === 'unrelated-release'));
});

test('a submodule that cannot be fetched is one high finding listing what it left unchecked; the run is incomplete, not suspicious; one the release ships nothing of is info', async () => {
  const lib = await makeRepo({ files: { 'lib.c': 'int lib;\n' }, tags: ['lib-1'] });
  const gone = join(tmpdir(), 'cuckoo-no-such-repo-', String(process.pid));
  const repo = await makeRepo({
    files: { '.gitmodules': `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${gone}\n`, gnulib: { gitlink: lib.commits[0]! }, 'main.c': 'int main;\n' },
    tags: ['v3.0'],
  });
  const tar = buildTar([
    { path: 'app-3.0/.gitmodules', content: `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${gone}\n` },
    { path: 'app-3.0/main.c', content: 'int main;\n' },
    { path: 'app-3.0/gnulib/lib.c', content: 'int lib;\n' },
    { path: 'app-3.0/lib/copied.c', content: 'int copied;\n' },
    { path: 'app-3.0/m4/evil.m4', content: 'AC_DEFUN([X], [sed "s/x/y/" tests/files/bad.xz | tr "\\t \\-_" " \\t_\\-" | xz -d | /bin/sh])\n' },
  ]);
  const release = await writeTemp('gone/app-3.0.tar', tar);
  const r = await run({ release, repo: repo.dir });
  const sub = r.findings.find((f) => f.category === 'submodule-unavailable')!;
  assert.is(sub.path, 'gnulib');
  assert.is(sub.severity, 'high');
  assert.match(sub.reasons[0]!, new RegExp(`submodule gnulib \\(gnulib\\) pinned at ${lib.commits[0]!.slice(0, 12)} could not be fetched from ${gone.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(sub.evidence.notChecked, ['gnulib/lib.c', 'lib/copied.c']);
  // Nothing critical is folded away.
  assert.ok(r.findings.some((f) => f.path === 'm4/evil.m4' && f.severity === 'critical'));
  assert.equal(r.incomplete, ['submodule gnulib could not be fetched: the release was not fully checked']);
  assert.is(r.verdict, 'fail');

  // Without the planted macro nothing fails: the run is incomplete, exit 3.
  const clean = await writeTemp(
    'gone2/app-3.0.tar',
    buildTar([
      { path: 'app-3.0/main.c', content: 'int main;\n' },
      { path: 'app-3.0/gnulib/lib.c', content: 'int lib;\n' },
    ]),
  );
  const cli = await runCuckooHere(['verify', clean, '--repo', repo.dir, '--no-reproduce']);
  assert.is(cli.code, 3, cli.stderr + cli.stdout);
  assert.match(cli.stdout, /could not be fetched/);
  // A small project whose release is mostly copies of the submodule (cpio 2.13: 61 of its 619 files are its tag's):
  // those it cannot check say nothing of which tag the release comes from.
  const copies = buildTar([{ path: 'app-3.0/main.c', content: 'int main;\n' }, ...Array.from({ length: 30 }, (_, i) => ({ path: `app-3.0/lib/c${i}.c`, content: `int c${i};\n` }))]);
  const mostlyCopies = await run({ release: await writeTemp('gone4/app-3.0.tar', copies), repo: repo.dir, reproduce: false });
  assert.ok(mostlyCopies.findings.every((f) => f.category !== 'unrelated-release'), mostlyCopies.findings.map((f) => f.category).join(' '));
  assert.is(mostlyCopies.findings.find((f) => f.category === 'submodule-unavailable')?.evidence.notChecked?.length, 30);
  // Where to fetch it from, given alone, is enough.
  const given = await runCuckooHere(['verify', clean, '--repo', repo.dir, '--no-reproduce', '--submodule', `gnulib=${lib.dir}`]);
  assert.is(given.code, 0, given.stderr + given.stdout);
  // A release that ships nothing of it (an empty folder, as nghttp2's leaves third-party/mruby) was fully checked.
  const without = await writeTemp(
    'gone3/app-3.0.tar',
    buildTar([
      { path: 'app-3.0/main.c', content: 'int main;\n' },
      { path: 'app-3.0/gnulib/', type: 'directory' },
    ]),
  );
  const empty = await run({ release: without, repo: repo.dir });
  const info = empty.findings.find((f) => f.category === 'submodule-unavailable')!;
  assert.is(info.severity, 'info');
  assert.match(info.reasons[0]!, /could not be fetched/);
  assert.match(info.reasons[1]!, /nothing was left unchecked/);
  assert.is(empty.incomplete, undefined);
  assert.is(empty.verdict, 'pass');
  const emptyCli = await runCuckooHere(['verify', without, '--repo', repo.dir, '--no-reproduce']);
  assert.is(emptyCli.code, 0, emptyCli.stderr + emptyCli.stdout);
  const both = await runCuckooHere(['verify', clean, '--repo', repo.dir, '--no-submodules', '--submodule', `gnulib=${lib.dir}`]);
  assert.is(both.code, 2);
  assert.match(both.stderr, /--submodule: given with --no-submodules/);
});

test('sha256 repositories and bundles', async () => {
  const repo = await makeRepo({ files, tags: ['v1.2'], objectFormat: 'sha256' });
  const release = await writeTemp('sha256/proj-1.2.tar.gz', await compress(buildTar(releaseOf()), 'gzip'));
  let r = await run({ release, repo: repo.dir });
  assert.is(r.tag.objectFormat, 'sha256');
  assert.is(r.counts.identical, 5);
  assert.is(r.tag.commit.length, 64);
  const bundle = await repo.bundle();
  r = await run({ release, repo: bundle });
  assert.is(r.counts.identical, 5);
  assert.is(r.verdict, 'pass');
});

test('release content is kept only for files git cannot give back', async () => {
  const repo = await plain();
  const release = await writeTemp('keep/proj-1.2.tar', buildTar(releaseOf([{ path: 'proj-1.2/new.txt', content: 'new\n' }])));
  const r = await run({ release, repo: repo.dir, limits: { maxEntries: 100, maxTotalBytes: 1 << 20, maxFileMemory: 2 } });
  // new.txt is larger than the per-file memory limit: still hashed and reported.
  assert.equal(summary(r), ['only-in-release new.txt unexplained medium']);
});

test('limits stop a release that has too many entries', async () => {
  // --max-entries bounds the tag's tree too: keep that one within it.
  const repo = await makeRepo({ files: { README: 'hello\n' }, tags: ['v1.2'] });
  const release = await writeTemp('limits/proj-1.2.tar', buildTar(releaseOf()));
  try {
    await run({ release, repo: repo.dir, limits: { maxEntries: 3, maxTotalBytes: 1 << 20, maxFileMemory: 1 << 20 } });
    assert.unreachable('expected a limit error');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'limit');
    assert.match((err as Error).message, 'proj-1.2.tar');
  }
});

test.run();
