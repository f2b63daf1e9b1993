// Archive tricks end to end: each gives a finding that names it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import { compareTrees } from '../../src/compare/compare.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { buildTar, buildZip, patchZipEntry, writeTemp } from '../helpers/archives.js';
import { releaseChecker, summary } from '../helpers/release-check.js';
import { makeRepo } from '../helpers/repo.js';

const checker = releaseChecker('tricks');
const { check, cacheDir } = checker;
test.after(checker.cleanup);

test('a name that differs by case from a tag file: critical when the content differs, medium when it is the same', async () => {
  const r = await check({ README: 'hello\n' }, [
    { path: 'proj-1.0/README', content: 'hello\n' },
    { path: 'proj-1.0/readme', content: 'evil\n' },
  ]);
  assert.equal(summary(r), ['readme extractor-dependent critical']);
  assert.match(r.findings[0]!.reasons[0]!, /same file as "README"/);
  const same = await check({ README: 'hello\n' }, [
    { path: 'proj-1.0/README', content: 'hello\n' },
    { path: 'proj-1.0/Readme', content: 'hello\n' },
  ]);
  assert.equal(summary(same), ['Readme extractor-dependent medium']);
  // Letters whose lower cases differ but whose upper cases meet: long s, final sigma.
  const folded = await check({ 'install.sh': 'ok\n', 'σ.txt': 'a\n' }, [
    { path: 'proj-1.0/install.sh', content: 'ok\n' },
    { path: 'proj-1.0/in\u017ftall.sh', content: 'evil\n' },
    { path: 'proj-1.0/σ.txt', content: 'a\n' },
    { path: 'proj-1.0/ς.txt', content: 'b\n' },
  ]);
  assert.equal(summary(folded), ['in\u017ftall.sh extractor-dependent critical', 'ς.txt extractor-dependent critical']);
  // ß is not ss on those file systems.
  const sharp = await check({ 'stra\u00dfe.txt': 'a\n' }, [
    { path: 'proj-1.0/stra\u00dfe.txt', content: 'a\n' },
    { path: 'proj-1.0/strasse.txt', content: 'b\n' },
  ]);
  assert.ok(!summary(sharp).some((s) => s.includes('extractor-dependent')), summary(sharp).join('\n'));
});

test('a name that differs by case from a tag file and whose own content a rule explains is medium, with that judgement in its reasons', async () => {
  // Its content is a copy of another file of the tag: either copy a user gets is one the rules explain.
  const r = await check({ CHANGELOG: 'old news\n', 'doc/history.txt': 'the whole history\n' }, [
    { path: 'proj-1.0/CHANGELOG', content: 'old news\n' },
    { path: 'proj-1.0/doc/history.txt', content: 'the whole history\n' },
    { path: 'proj-1.0/ChangeLog', content: 'the whole history\n' },
  ]);
  assert.equal(summary(r), ['ChangeLog extractor-dependent medium']);
  const reasons = r.findings[0]!.reasons;
  assert.match(reasons[0]!, /same file as "CHANGELOG"/);
  assert.is(reasons[2], 'the tag has no such path; judged as a file only the release has, its content is explained (copied-from-tag, low):');
  assert.match(reasons[3]!, 'doc/history.txt');
  // Content no rule explains stays critical.
  const unexplained = await check({ CHANGELOG: 'old news\n', 'doc/history.txt': 'the whole history\n' }, [
    { path: 'proj-1.0/CHANGELOG', content: 'old news\n' },
    { path: 'proj-1.0/doc/history.txt', content: 'the whole history\n' },
    { path: 'proj-1.0/ChangeLog', content: 'news nobody wrote\n' },
  ]);
  assert.equal(summary(unexplained), ['ChangeLog extractor-dependent critical']);
});

test('NFC and NFD spellings of the same name collide; the tag having both makes it a note', async () => {
  const nfc = 'caf\u00e9.txt';
  const nfd = 'cafe\u0301.txt';
  const r = await check({ [nfc]: 'a\n' }, [
    { path: `proj-1.0/${nfc}`, content: 'a\n' },
    { path: `proj-1.0/${nfd}`, content: 'b\n' },
  ]);
  assert.equal(summary(r), [`${nfd} extractor-dependent critical`]);
  const own = await check({ A: 'a\n', a: 'b\n' }, [
    { path: 'proj-1.0/A', content: 'a\n' },
    { path: 'proj-1.0/a', content: 'b\n' },
  ]);
  assert.equal(summary(own), []);
  assert.ok(own.notes.some((n) => /"A", "a" are one file on case-insensitive/.test(n)), own.notes.join('\n'));
});

test('a path below a symlink of the archive is unsafe; below a file, extractor-dependent; case counts', async () => {
  const r = await check({ README: 'hello\n' }, [
    { path: 'proj-1.0/README', content: 'hello\n' },
    { path: 'proj-1.0/lib', type: 'symlink', target: '/etc' },
    { path: 'proj-1.0/lib/cron.d/x', content: '* * * * * root sh\n' },
    { path: 'proj-1.0/Lib/y', content: 'y' },
    { path: 'proj-1.0/a', content: 'a' },
    { path: 'proj-1.0/a/b', content: 'a' },
  ]);
  assert.equal(summary(r), [
    'Lib/y unsafe-path critical',
    'a unexplained medium',
    'a/b extractor-dependent critical',
    'lib unexplained medium',
    'lib/cron.d/x unsafe-path critical',
  ]);
  const below = r.findings.find((f) => f.path === 'lib/cron.d/x')!;
  assert.match(below.reasons[0]!, /below "lib", a symlink to "\/etc": extractors that follow it write this entry where the link points/);
  assert.match(r.findings.find((f) => f.path === 'a/b')!.reasons[0]!, /below "a", which is a file of the archive/);
  // The tag may have a file and, spelled otherwise, a folder: its own doing.
  const own = await check({ Docs: 'd\n', 'docs/x': 'x\n' }, [
    { path: 'proj-1.0/Docs', content: 'd\n' },
    { path: 'proj-1.0/docs/x', content: 'x\n' },
  ]);
  assert.equal(summary(own), []);
  assert.ok(own.notes.some((n) => n.includes('"docs/x" is below "Docs"')), own.notes.join('\n'));
});

test('collisions are found in one pass over many paths', () => {
  const entries: ReleaseEntry[] = [];
  for (let i = 0; i < 50_000; i++) entries.push({ path: `p/f${i}`, type: 'file', mode: 0o644, size: 1, blobId: 'a', index: i });
  entries.push({ path: 'p/F7', type: 'file', mode: 0o644, size: 1, blobId: 'b', index: entries.length });
  const started = performance.now();
  const result = compareTrees(entries, { entries: [], attributes: new Map(), archiveOids: new Map(), uncompared: [] });
  console.log(`    compare with collision check, 50,001 paths: ${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(result.changes.filter((c) => c.collidesWith).map((c) => c.path), ['F7']);
});

test('a pax path that disagrees with the header name is a critical extractor-dependent finding naming both', async () => {
  const r = await check({ README: 'hello\n', configure: '#!/bin/sh\n' }, [
    { path: 'proj-1.0/configure', content: '#!/bin/sh\n' },
    { path: 'proj-1.0/configure', content: 'hello\n', pax: { path: 'proj-1.0/README' } },
  ]);
  assert.equal(summary(r), ['README extractor-dependent critical']);
  assert.match(r.findings[0]!.reasons[0]!, /"proj-1\.0\/README".*"proj-1\.0\/configure"/);
});

test('a name with a NUL byte is extractor-dependent', async () => {
  const r = await check({ README: 'hello\n' }, [
    { path: 'proj-1.0/README', content: 'hello\n' },
    { path: 'proj-1.0/x', content: 'y', pax: { path: 'proj-1.0/README\0.sh' } },
  ]);
  assert.equal(summary(r), ['README\0.sh extractor-dependent critical']);
  assert.match(r.findings[0]!.reasons[0]!, /NUL byte.*"proj-1\.0\/README"/);
});

test('zip: a member name with a NUL byte and one that collides by case are found too', async () => {
  const repo = await makeRepo({ files: { README: 'hello\n' }, tags: ['v1.0'] });
  const zip = await buildZip([
    { path: 'proj-1.0/README', content: 'hello\n' },
    { path: 'proj-1.0/readme', content: 'evil\n' },
    { path: 'proj-1.0/READMEx.sh', content: 'x' },
  ]);
  const path = await writeTemp(`${checker.folder()}/proj-1.0.zip`, patchZipEntry(zip, 'proj-1.0/READMEx.sh', { path: 'proj-1.0/README\0.sh' }));
  const r = await verify({ release: path, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });
  assert.equal(summary(r), ['README\0.sh extractor-dependent critical', 'readme extractor-dependent critical']);
});

test('bytes after the tar end-of-archive blocks are named in a finding, critical when they hold an entry; zero padding is not', async () => {
  const release = (trailing: Buffer) => buildTar([{ path: 'proj-1.0/README', content: 'hello\n' }], { trailing });
  const repo = await makeRepo({ files: { README: 'hello\n' }, tags: ['v1.0'] });
  const run = async (bytes: Buffer) =>
    verify({ release: await writeTemp(`${checker.folder()}/proj-1.0.tar`, bytes), repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });
  assert.equal(summary(await run(release(Buffer.alloc(4096)))), []);
  const hidden = await run(release(Buffer.from('#!/bin/sh\nrm -rf ~\n')));
  assert.equal(summary(hidden), ['proj-1.0.tar hidden-data medium']);
  assert.match(hidden.findings[0]!.reasons[0]!, /^531 bytes follow the tar end-of-archive block, and they are not all zero/);
  const entry = await run(release(buildTar([{ path: 'proj-1.0/evil.sh', content: '#!/bin/sh\n' }])));
  assert.equal(summary(entry), ['proj-1.0.tar extractor-dependent critical']);
  assert.match(entry.findings[0]!.reasons[1]!, /they hold an entry, "proj-1\.0\/evil\.sh": `tar --ignore-zeros`/);
  // GNU tar --ignore-zeros skips any amount of zeros and garbage to reach a header.
  const far = await run(release(Buffer.concat([Buffer.alloc(64 * 1024), Buffer.alloc(512, 0x41), buildTar([{ path: 'proj-1.0/far.sh', content: '#!/bin/sh\n' }])])));
  assert.equal(summary(far), ['proj-1.0.tar extractor-dependent critical']);
  assert.match(far.findings[0]!.reasons[1]!, /"proj-1\.0\/far\.sh"/);
});

test.run();
