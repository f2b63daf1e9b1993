import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from '../../src/report/report.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { root, runCuckoo, runCuckooHere } from '../helpers/cli.js';
import { makeDriftSample } from '../helpers/drift-sample.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';
import { assertValidReport } from '../helpers/schema.js';

const scratch = mkdtempSync(join(tmpdir(), 'cuckoo-cli-policy-found-'));
const tampered = ['verify', join(root, 'samples/tampered/hello-1.0.tar.gz'), '--repo', join(root, 'samples/hello.bundle'), '--no-host-knowledge'];
const policy = JSON.stringify({ allow: [{ paths: ['po/*.gmo'], reason: 'catalogs compiled by our release script' }] });

test.after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await removeTempDirs();
});

test('cuckoo.json in the current folder is the policy when none is named; --no-policy and --policy FILE win over it', async () => {
  const dir = mkdtempSync(join(scratch, 'packaging-'));
  writeFileSync(join(dir, 'cuckoo.json'), policy);
  // bin/cuckoo.js started in that folder; the runs below move this process there instead.
  const found = await runCuckoo([...tampered, '--format', 'json'], { cwd: dir });
  assert.is(found.code, 1, found.stderr);
  const report = JSON.parse(found.stdout) as Report;
  assertValidReport(report);
  assert.is(report.policy?.file, 'cuckoo.json');
  assert.ok(report.policy!.allowed > 0);
  assert.ok(report.findings.filter((f) => f.allowed).every((f) => f.path.startsWith('po/')));
  assert.match(report.notes.join('\n'), /policy: cuckoo\.json from the current folder/);

  const text = await runCuckooHere(tampered, { cwd: dir });
  assert.match(text.stdout.replace(/\n\s+/g, ' '), /note: policy: cuckoo\.json from the current folder \(--policy FILE names another, --no-policy uses none\)/);

  const none = JSON.parse((await runCuckooHere([...tampered, '--format', 'json', '--no-policy'], { cwd: dir })).stdout) as Report;
  assert.is(none.policy, undefined);
  assert.ok(none.findings.every((f) => !f.allowed));

  const named = join(scratch, 'named.json');
  writeFileSync(named, JSON.stringify({ allow: [{ paths: ['po/*.po'], reason: 'translations merged at release time' }] }));
  const other = JSON.parse((await runCuckooHere([...tampered, '--format', 'json', '--policy', named], { cwd: dir })).stdout) as Report;
  assert.is(other.policy?.file, named);
  assert.not.match(other.notes.join('\n'), /current folder/);
});

test('a cuckoo.json that the release ships, the tag has, or that lies inside the repository is refused (exit 2)', async () => {
  // The release ships cuckoo.json; cuckoo runs from where that release was unpacked.
  const sample = await makeDriftSample('found-release', { 'cuckoo.json': policy });
  const unpacked = mkdtempSync(join(scratch, 'unpacked-'));
  writeFileSync(join(unpacked, 'cuckoo.json'), policy);
  const shipped = await runCuckooHere(['verify', sample.release, '--repo', sample.repo.dir, '--tag', 'v1.1'], { cwd: unpacked });
  assert.is(shipped.code, 2, shipped.stdout);
  assert.match(shipped.stderr, /^cuckoo: cuckoo\.json in the current folder has the same bytes as proj-1\.1\/cuckoo\.json in the release \(a release must not choose its own policy/);
  assert.is(shipped.stderr.split('\n').length, 2, shipped.stderr);
  assert.is(shipped.stdout, '');

  // Run from inside the repository under check (with an uncommitted cuckoo.json).
  writeFileSync(join(sample.repo.dir, 'cuckoo.json'), JSON.stringify({ allow: [{ paths: ['m4/*'], reason: 'ours' }] }));
  const clone = await runCuckooHere(['verify', sample.release, '--repo', '.', '--tag', 'v1.1'], { cwd: sample.repo.dir });
  assert.is(clone.code, 2, clone.stdout);
  assert.match(clone.stderr, /^cuckoo: cuckoo\.json in the current folder lies inside the repository under check \(\.\) \(/);

  // The tag's tree has it, the release does not.
  const repo = await makeRepo({ files: { 'README': 'hi\n', 'cuckoo.json': policy }, tags: [{ name: 'v2.0', annotated: true }] });
  const release = await writeTemp('found-tag/proj-2.0.tar', buildTar([{ path: 'proj-2.0/README', content: 'hi\n' }]));
  const elsewhere = mkdtempSync(join(scratch, 'elsewhere-'));
  copyFileSync(join(repo.dir, 'cuckoo.json'), join(elsewhere, 'cuckoo.json'));
  const tagged = await runCuckooHere(['verify', release, '--repo', repo.dir, '--tag', 'v2.0'], { cwd: elsewhere });
  assert.is(tagged.code, 2, tagged.stdout);
  assert.match(tagged.stderr, /^cuckoo: cuckoo\.json in the current folder has the same bytes as a file of the tag's tree \(/);
  // Named explicitly, the same file is the user's choice.
  const chosen = await runCuckooHere(['verify', release, '--repo', repo.dir, '--tag', 'v2.0', '--policy', 'cuckoo.json'], { cwd: elsewhere });
  assert.not.equal(chosen.code, 2, chosen.stderr);
});

test.run();
