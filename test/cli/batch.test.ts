import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root, runCuckoo } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'cuckoo-batch-cli-'));
const manifest = join(work, 'releases.yaml');
writeFileSync(
  manifest,
  [
    `- name: hello\n  release: ${join(root, 'samples/hello-1.0.tar.gz')}\n  repo: ${join(root, 'samples/hello.bundle')}`,
    `- name: tampered\n  release: ${join(root, 'samples/tampered/hello-1.0.tar.gz')}\n  repo: ${join(root, 'samples/hello.bundle')}`,
    `- name: broken\n  release: ${join(root, 'samples/hello-1.0.tar.gz')}\n  repo: missing.bundle`,
  ].join('\n'),
);

test.after(() => rmSync(work, { recursive: true, force: true }));

test('batch writes a JSON and a SARIF report per checked entry and the summary; the table tells suspicious from not checked', async () => {
  const out = join(work, 'out');
  const r = await runCuckoo(['batch', manifest, '--out', out, '--jobs', '2']);
  assert.is(r.code, 1, r.stderr);
  assert.equal(readdirSync(out).sort(), ['hello.json', 'hello.sarif', 'summary.json', 'summary.md', 'tampered.json', 'tampered.sarif']);
  assert.match(r.stdout, /hello\s+pass/);
  assert.match(r.stdout, /tampered\s+FAIL \(suspicious\)/);
  assert.match(r.stdout, /broken\s+NOT CHECKED/);
  assert.match(r.stdout, /Could not be checked:\n {2}broken: .*missing\.bundle/);
  assert.match(r.stdout, /3 entries: 1 pass, 0 review, 1 suspicious, 1 could not be checked \(exit 1\)/);
  assert.match(r.stderr, /\[3\/3\]/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { schema: string; exitCode: number };
  assert.is(summary.schema, 'cuckoo.batch-summary/v1');
  assert.is((JSON.parse(readFileSync(join(out, 'tampered.sarif'), 'utf8')) as { version: string }).version, '2.1.0');
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /### Could not be checked\n\n- \*\*broken\*\*/);
});

test('shards through the CLI, then batch merge: one summary, exit code aggregated', async () => {
  const summaries: string[] = [];
  for (const i of [1, 2]) {
    const out = join(work, `shard-${i}`);
    const r = await runCuckoo(['batch', manifest, '--out', out, '--shard', `${i}/2`, '--quiet']);
    assert.ok([0, 1, 3].includes(r.code!), r.stderr);
    summaries.push(join(out, 'summary.json'));
  }
  const merged = join(work, 'merged');
  const r = await runCuckoo(['batch', 'merge', ...summaries, '--out', merged]);
  assert.is(r.code, 1, r.stderr);
  const s = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8')) as { entries: Array<{ name: string }>; shards: unknown };
  assert.equal(s.entries.map((e) => e.name), ['hello', 'tampered', 'broken']);
  assert.equal(s.shards, { count: 2, included: [1, 2] });
  const missing = await runCuckoo(['batch', 'merge', summaries[0]!, '--out', join(work, 'partial')]);
  assert.match(missing.stdout, /shards 2\/2 are missing/);
});

test('a bad manifest or bad flags: one line, exit 2, nothing checked', async () => {
  const bad = join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify([{ name: 'a', release: 'a.tar.gz', repo: 'r', tga: 'v1' }]));
  const cases: Array<[string[], RegExp]> = [
    [['batch', bad, '--out', join(work, 'never')], /bad\.json: entry 1 \(a\): unknown key "tga"/],
    [['batch', manifest, '--out', join(work, 'never'), '--shard', '3/2'], /--shard: expected I\/N/],
    [['batch', manifest], /--out DIR is required/],
    [['batch', join(work, 'none.yaml'), '--out', join(work, 'never')], /cannot read the manifest/],
  ];
  for (const [args, expected] of cases) {
    const r = await runCuckoo(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.not.ok(existsSync(join(work, 'never')));
});

test('--from-debian --write-manifest writes the entries and names the packages it cannot complete', async () => {
  const dir = join(work, 'deb', 'foo-1.0');
  mkdirSync(join(dir, 'debian', 'upstream'), { recursive: true });
  writeFileSync(join(dir, 'debian', 'changelog'), 'foo (1.0-1) unstable; urgency=medium\n');
  writeFileSync(join(dir, 'debian', 'watch'), 'version=4\nhttps://example.org/foo/ foo-(\\d\\S+)\\.tar\\.gz\n');
  writeFileSync(join(dir, 'debian', 'upstream', 'metadata'), 'Repository: https://example.org/foo.git\n');
  const lacking = join(work, 'deb', 'bar-1.0');
  mkdirSync(join(lacking, 'debian'), { recursive: true });
  const file = join(work, 'debian.yaml');
  const r = await runCuckoo(['batch', '--from-debian', dir, lacking, '--write-manifest', file]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /bar-1\.0: cannot make an entry: missing debian\/changelog/);
  assert.match(readFileSync(file, 'utf8'), /- name: foo-1\.0\n {2}release: https:\/\/example\.org\/foo\/foo-1\.0\.tar\.gz\n {2}repo: https:\/\/example\.org\/foo\.git/);
});

test('batch --help shows examples, the manifest format and the exit codes', async () => {
  const r = await runCuckoo(['batch', '--help']);
  assert.is(r.code, 0);
  for (const text of ['--shard 2/8', 'batch merge', '--from-debian', 'wins over 3', 'release: https://']) assert.ok(r.stdout.includes(text), text);
});

test.run();
