// Tar names that are not valid UTF-8 must decode the way git paths do
// (src/git/paths.ts), or a file present on both sides would show as
// only-in-release plus only-in-tag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import { buildTar, readRelease, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-tar-names-cache-'));
test.after(async () => {
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Replaces the first `#` of a header name or link name with a raw byte, and fixes that header's checksum. */
function rawByteName(tar: Buffer, byte: number): Buffer {
  const at = tar.indexOf('#', 0, 'latin1');
  assert.ok(at >= 0 && (at % 512 < 100 || (at % 512 >= 157 && at % 512 < 257)), 'the # is in a header name or link name');
  tar[at] = byte;
  const header = at - (at % 512);
  tar.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let i = header; i < header + 512; i++) sum += tar[i]!;
  tar.write(sum.toString(8).padStart(6, '0') + '\0 ', header + 148, 'latin1');
  return tar;
}

// 0xe9 alone is "é" in Latin-1 and not valid UTF-8; git keeps the byte and
// cuckoo holds it as U+DCE9.
const latin1Name = 'caf\udce9.txt';

test('a Latin-1 header name reads as the same escaped string as the git path', async () => {
  const tar = rawByteName(buildTar([{ path: 'proj-1.0/caf#.txt', content: 'coffee\n' }]), 0xe9);
  const { entries } = await readRelease(await writeTemp('names/latin1.tar', tar));
  assert.equal(entries.map((e) => e.path), [`proj-1.0/${latin1Name}`]);
});

test('a file with a Latin-1 name in both the tag and the tarball is identical', async () => {
  const repo = await makeRepo({ files: { README: 'hi\n', [latin1Name]: 'coffee\n' }, tags: ['v1.0'] });
  const tar = rawByteName(
    buildTar([
      { path: 'proj-1.0/README', content: 'hi\n' },
      { path: 'proj-1.0/caf#.txt', content: 'coffee\n' },
    ]),
    0xe9,
  );
  const release = await writeTemp('names/proj-1.0.tar', tar);
  const r = await verify({ release, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });
  assert.equal(r.counts, { identical: 2, onlyInRelease: 0, onlyInTag: 0, modified: 0, exportIgnored: 0, irregular: 0 });
  assert.is(r.verdict, 'pass');
});

test('a symlink whose target is Latin-1 has the same blob as the symlink in the tag', async () => {
  const repo = await makeRepo({ files: { [latin1Name]: 'coffee\n', link: { symlink: latin1Name } }, tags: ['v1.0'] });
  const tar = buildTar([
    { path: 'proj-1.0/caf#.txt', content: 'coffee\n' },
    { path: 'proj-1.0/link', type: 'symlink', target: 'caf#.txt' },
  ]);
  const release = await writeTemp('names/link/proj-1.0.tar', rawByteName(rawByteName(tar, 0xe9), 0xe9));
  const r = await verify({ release, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });
  assert.equal(r.counts, { identical: 2, onlyInRelease: 0, onlyInTag: 0, modified: 0, exportIgnored: 0, irregular: 0 });
});

test('a pax path is UTF-8 by spec and matches the UTF-8 git path', async () => {
  const repo = await makeRepo({ files: { 'café.txt': 'coffee\n', 'naïve.txt': 'x\n' }, tags: ['v1.0'] });
  const tar = buildTar([
    { path: 'proj-1.0/cafe.txt', content: 'coffee\n', pax: { path: 'proj-1.0/café.txt' } },
    // A UTF-8 header name (no pax) must still read as UTF-8 through the latin1 decoding.
    { path: 'proj-1.0/naïve.txt', content: 'x\n' },
  ]);
  const release = await writeTemp('names/pax/proj-1.0.tar', tar);
  const r = await verify({ release, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });
  assert.equal(r.counts, { identical: 2, onlyInRelease: 0, onlyInTag: 0, modified: 0, exportIgnored: 0, irregular: 0 });
});

test.run();
