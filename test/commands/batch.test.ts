import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { batch } from '../../src/commands/batch.js';
import { mergeSummaries } from '../../src/commands/batch-merge.js';
import { parseManifest, type Manifest } from '../../src/commands/batch-manifest.js';
import { inShard, parseShard, shardOf } from '../../src/commands/shard.js';
import { colors } from '../../src/cli/colors.js';
import { renderBatchTable } from '../../src/cli/render/batch-summary.js';
import { CuckooError } from '../../src/errors.js';
import type { BatchSummary } from '../../src/report/batch-summary.js';
import { buildTar, compress } from '../helpers/archives.js';
import { keepReproductionCache, root, seedReproductionCache } from '../helpers/cli.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const schema = JSON.parse(readFileSync(join(root, 'schema/cuckoo.batch-summary.v1.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const work = mkdtempSync(join(tmpdir(), 'cuckoo-batch-'));
const cacheDir = join(work, 'cache');
// The samples' generators, re-run by another test of this run already, need not run again here.
test.before(() => seedReproductionCache(cacheDir));

function assertValidSummary(s: BatchSummary): void {
  assert.ok(validate(JSON.parse(JSON.stringify(s))), JSON.stringify(validate.errors, null, 2));
}

function manifestError(text: string, file = 'm.yaml'): string {
  try {
    parseManifest(text, file, work);
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.is((err as CuckooError).code, 'usage');
    return (err as CuckooError).message;
  }
  throw new Error('expected a manifest error');
}

/** Four entries: the clean and tampered samples, one built here, one whose repository is missing. */
async function fourEntries(): Promise<string> {
  const repo = await makeRepo({ files: { README: 'hi\n', 'src/a.c': 'int a;\n' }, tags: ['v2.0'] });
  const tar = await compress(buildTar([{ path: 'proj-2.0/', type: 'directory' }, { path: 'proj-2.0/README', content: 'hi\n' }, { path: 'proj-2.0/src/a.c', content: 'int a;\n' }]), 'gzip');
  writeFileSync(join(work, 'proj-2.0.tar.gz'), tar);
  return [
    `- name: hello\n  release: ${join(root, 'samples/hello-1.0.tar.gz')}\n  repo: ${join(root, 'samples/hello.bundle')}`,
    `- name: hello-tampered\n  release: ${join(root, 'samples/tampered/hello-1.0.tar.gz')}\n  repo: ${join(root, 'samples/hello.bundle')}\n  tag: v1.0`,
    `- release: proj-2.0.tar.gz\n  repo: ${repo.dir}`,
    `- name: broken\n  release: proj-2.0.tar.gz\n  repo: no-such-repo`,
  ].join('\n');
}

test.after(async () => {
  keepReproductionCache(cacheDir);
  await removeTempDirs();
  rmSync(work, { recursive: true, force: true });
});

test('manifest: YAML and JSON give the same entries; relative paths are read from the manifest folder; a missing name comes from the release', () => {
  const yaml = parseManifest('- release: a/foo-1.0.tar.gz\n  repo: ../foo.bundle\n  tag: v1.0\n- name: x\n  release: https://e.org/x.zip\n  repo: https://e.org/x.git\n  signature: auto\n', 'm.yaml', '/base/dir');
  const json = parseManifest(JSON.stringify({ entries: [{ release: 'a/foo-1.0.tar.gz', repo: '../foo.bundle', tag: 'v1.0' }, { name: 'x', release: 'https://e.org/x.zip', repo: 'https://e.org/x.git', signature: 'auto' }] }), 'm.json', '/base/dir');
  for (const m of [yaml, json]) {
    assert.equal(m.entries.map((e) => [e.name, e.release, e.repo, e.tag, e.signature]), [
      ['foo-1.0', '/base/dir/a/foo-1.0.tar.gz', '/base/foo.bundle', 'v1.0', undefined],
      ['x', 'https://e.org/x.zip', 'https://e.org/x.git', undefined, 'auto'],
    ]);
  }
  assert.is(yaml.entries[0]!.written.repo, '../foo.bundle');
  assert.is(parseManifest('- release: a.tar.gz\n  repo: r\n  tagPath: smartmontools\n', 'm.yaml', '/b').entries[0]!.tagPath, 'smartmontools', 'a folder of the tag, not a path of the manifest folder');
  assert.match(yaml.sha256, /^[0-9a-f]{64}$/);
});

test('manifest errors name the file, the entry and the key, in one line', () => {
  const cases: Array<[string, RegExp]> = [
    ['- release: a.tar.gz\n  repo: r\n  sha265: abc\n', /^m\.yaml: entry 1: unknown key "sha265"$/],
    ['- name: a\n  release: a.tar.gz\n', /^m\.yaml: entry 1 \(a\): missing "repo"$/],
    ['- name: a\n  release: a.tar.gz\n  repo: r\n- name: a\n  release: b.tar.gz\n  repo: r\n', /^m\.yaml: entry 2 \(a\): the name "a" is already used by entry 1$/],
    ['- name: ../evil\n  release: a.tar.gz\n  repo: r\n', /^m\.yaml: entry 1 \(\.\.\/evil\): "name" "\.\.\/evil" is not a safe file name$/],
    ['- release: a.tar.gz\n  repo: r\n  tag: v1\n  commit: abc\n', /give "tag" or "commit", not both/],
    ['- release: a.tar.gz\n  repo: r\n  tagPath: ../src\n', /^m\.yaml: entry 1: "tagPath" "\.\.\/src" is not a folder of the tag as git names it$/],
    ['- release: a.tar.gz\n  repo: 3\n', /entry 1: "repo" must be a non-empty string/],
    ['release: a.tar.gz\n', /^m\.yaml: expected a list of entries/],
    ['- [unclosed\n', /^m\.yaml: not valid YAML/],
  ];
  for (const [text, expected] of cases) {
    const message = manifestError(text);
    assert.match(message, expected);
    assert.not.match(message, /\n/);
  }
  assert.match(manifestError('{"entries": [', 'm.json'), /^m\.json: not valid JSON/);
});

test('shards: 1..N partition the manifest exactly once, and adding an entry moves no other', () => {
  const entries = Array.from({ length: 60 }, (_, i) => ({ name: `pkg-${i}` }));
  for (let count = 1; count <= 6; count++) {
    const seen = Array.from({ length: count }, (_, i) => inShard(entries, { index: i + 1, count })).flat().map((e) => e.name);
    assert.equal([...seen].sort(), entries.map((e) => e.name).sort(), `${count} shards`);
  }
  const before = entries.map((e) => shardOf(e.name, 4));
  const after = [...entries, { name: 'new-one' }].map((e) => shardOf(e.name, 4));
  assert.equal(after.slice(0, -1), before);
  assert.equal(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '1/0', 'x', '1-2']) assert.throws(() => parseShard(bad), /--shard: expected I\/N/);
});

test('entries that share a repository or a URL run at the same time: the cache locks its entries', async () => {
  const m = parseManifest('- {name: a, release: https://e.org/a.tgz, repo: r1}\n- {name: b, release: https://e.org/a.tgz, repo: r1}\n', 'm.yaml', work);
  let running = 0;
  let most = 0;
  const stub = async () => {
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, 50));
    running--;
    throw new Error('not checked');
  };
  await batch({ manifest: m, jobs: 2, cacheDir, verify: stub });
  assert.is(most, 2);
});

let manifest: Manifest;
let full: BatchSummary;

test('batch: each entry checked, one broken on purpose does not stop the others; an entry not checked wins the exit code (3 over 1)', async () => {
  manifest = parseManifest(await fourEntries(), 'releases.yaml', work);
  const written: string[] = [];
  full = (await batch({ manifest, jobs: 2, cacheDir, onReport: (e) => (written.push(e.name), { json: `${e.name}.json`, sarif: `${e.name}.sarif` }) })).summary;
  assert.equal(full.entries.map((e) => [e.name, e.status]), [['hello', 'pass'], ['hello-tampered', 'fail'], ['proj-2.0', 'pass'], ['broken', 'error']]);
  assert.equal(written.sort(), ['hello', 'hello-tampered', 'proj-2.0']);
  const broken = full.entries[3]!;
  assert.match(broken.error!.message, /no-such-repo/);
  assert.is(broken.reports, undefined);
  assert.equal(full.totals, { entries: 4, pass: 2, review: 0, fail: 1, error: 1 });
  assert.is(full.exitCode, 3);
  assert.equal(full.entries[0]!.reports, { json: 'hello.json', sarif: 'hello.sarif' });
  assertValidSummary(full);
});

test('batch: a suspicious entry with every entry checked gives exit 1; all passing gives 0', async () => {
  const some = { ...manifest, entries: manifest.entries.filter((e) => e.name !== 'broken') };
  assert.is((await batch({ manifest: some, jobs: 3, cacheDir })).summary.exitCode, 1);
  const good = { ...manifest, entries: manifest.entries.filter((e) => e.name === 'hello' || e.name === 'proj-2.0') };
  assert.is((await batch({ manifest: good, jobs: 1, cacheDir })).summary.exitCode, 0);
});

test('an entry\'s policy and baseline, read from the manifest folder, reach verify; a missing policy file is the entry\'s error', async () => {
  // The release-side sha256 of the tampered sample's two critical files (samples/SHA256SUMS pins the sample).
  const allow = [
    { paths: ['m4/nls.m4'], sha256: 'b1cc5dd1cd95563a3af2cb0fe1083bf9a962a6d55034da4e01a64866d5706e84', reason: 'reviewed' },
    { paths: ['src/hello.c'], sha256: 'a8f2775dd98fa89af779889888b37940cf82e8a01c581e533ad0e57d3b51d617', reason: 'reviewed' },
    // Its configure lacks the lines the planted macro now generates (high): accepted by category.
    { paths: ['configure'], category: 'not-reproduced', reason: 'reviewed' },
  ];
  writeFileSync(join(work, 'hello.policy.json'), JSON.stringify({ allow }));
  const tampered = `  release: ${join(root, 'samples/tampered/hello-1.0.tar.gz')}\n  repo: ${join(root, 'samples/hello.bundle')}\n`;
  const m = parseManifest(`- name: with-policy\n${tampered}  policy: hello.policy.json\n- name: no-policy\n${tampered}  policy: missing.json\n`, 'm.yaml', work);
  assert.is(m.entries[0]!.policy, join(work, 'hello.policy.json'));
  assert.is(parseManifest('- release: a-1.0.tar\n  repo: a.git\n  baseline: old/a-0.9.json\n', 'm.yaml', work).entries[0]!.baseline, join(work, 'old/a-0.9.json'));
  const [allowed, missing] = (await batch({ manifest: m, jobs: 1, cacheDir })).summary.entries;
  assert.is(allowed!.status, 'pass');
  assert.is(allowed!.severities!.critical, 0);
  assert.is(missing!.status, 'error');
  assert.match(missing!.error!.message, /^policy .*missing\.json: cannot read it \(ENOENT\)/);
});

test('shards run apart and merge into the unsharded summary; other manifests, a shard twice and missing shards are caught', async () => {
  const files: string[] = [];
  for (const index of [1, 2, 3]) {
    const { summary } = await batch({ manifest, jobs: 2, cacheDir, shard: { index, count: 3 } });
    assertValidSummary(summary);
    const file = join(work, `shard-${index}.json`);
    writeFileSync(file, JSON.stringify(summary));
    files.push(file);
  }
  const merged = await mergeSummaries(files);
  assertValidSummary(merged);
  assert.equal(merged.entries, full.entries.map((e) => ({ ...e, reports: undefined })).map(({ reports: _r, ...e }) => e));
  assert.equal(merged.shards, { count: 3, included: [1, 2, 3] });
  assert.is(merged.exitCode, 3);
  const partial = await mergeSummaries(files.slice(0, 2));
  assert.match(partial.notes.join('\n'), /shards 3\/3 are missing/);
  const inThird = inShard(manifest.entries, { index: 3, count: 3 }).length;
  assert.is(partial.totals.entries, 4);
  assert.is(partial.totals.missing, inThird);
  assert.is(partial.totals.error, full.entries.filter((e) => e.status === 'error' && shardOf(e.name, 3) !== 3).length + inThird);
  assertValidSummary(partial);
  await mergeSummaries([files[0]!, files[0]!]).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /shard 1\/3 is also in/));
  const other = join(work, 'other.json');
  writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync(files[1]!, 'utf8')), manifest: { ...manifest, sha256: 'f'.repeat(64) } }));
  await mergeSummaries([files[0]!, other]).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /summarises another manifest/));
});

test('merging some shards only: the entries of the missing shards count as not checked, in the totals and the exit code', async () => {
  // Three entries, two shards; the names are picked so that shard 1 holds one entry and shard 2 two.
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const one = names.filter((n) => shardOf(n, 2) === 1).slice(0, 1);
  const two = names.filter((n) => shardOf(n, 2) === 2).slice(0, 2);
  assert.is(one.length + two.length, 3);
  const m = parseManifest([...one, ...two].map((n) => `- {name: ${n}, release: https://e.org/${n}.tgz, repo: r}`).join('\n'), 'm.yaml', work);
  const suspicious = async () => ({ verdict: 'fail', tag: { ref: 'v1', commit: 'c'.repeat(40) }, release: { sha256: 'a'.repeat(64) }, findings: [], severities: { info: 0, low: 0, medium: 0, high: 1, critical: 0 } }) as never;
  const { summary } = await batch({ manifest: m, jobs: 1, cacheDir, shard: { index: 1, count: 2 }, verify: suspicious });
  assert.equal(summary.totals, { entries: 1, pass: 0, review: 0, fail: 1, error: 0 });
  const file = join(work, 'only-shard-1.json');
  writeFileSync(file, JSON.stringify(summary));
  const merged = await mergeSummaries([file]);
  assertValidSummary(merged);
  assert.equal(merged.totals, { entries: 3, pass: 0, review: 0, fail: 1, error: 2, missing: 2 });
  assert.is(merged.exitCode, 3);
  assert.match(merged.notes.join('\n'), /shards 2\/2 are missing: their 2 entries were not checked/);
  assert.match(renderBatchTable(merged, colors(false)), /3 entries: 0 pass, 0 review, 1 suspicious, 2 could not be checked \(exit 3\)/);
});

test.run();
