import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cuckooHelp, root, runCuckooHere } from '../helpers/cli.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

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

test('batch writes a JSON and a SARIF report per checked entry and the summary; an entry not checked gives exit 3; the table tells suspicious from not checked', async () => {
  const out = join(work, 'out');
  const r = await runCuckooHere(['batch', manifest, '--out', out, '--jobs', '2']);
  assert.is(r.code, 3, r.stderr);
  assert.not.match(r.stderr + r.stdout, /\n\s+at /);
  assert.equal(readdirSync(out).sort(), ['hello.json', 'hello.sarif', 'summary.json', 'summary.md', 'tampered.json', 'tampered.sarif']);
  assert.match(r.stdout, /hello\s+pass/);
  assert.match(r.stdout, /tampered\s+FAIL \(suspicious\)/);
  assert.match(r.stdout, /broken\s+NOT CHECKED/);
  assert.match(r.stdout, /Could not be checked:\n {2}broken: .*missing\.bundle/);
  assert.match(r.stdout, /3 entries: 1 pass, 0 review, 1 suspicious, 1 could not be checked \(exit 3\)/);
  assert.match(r.stderr, /\[3\/3\]/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { schema: string; exitCode: number; manifest: { sha256: string }; entries: Array<{ name: string; status: string; error?: { message: string } }> };
  assert.is(summary.schema, 'cuckoo.batch-summary/v1');
  assert.is(summary.exitCode, 3);
  assert.match(summary.manifest.sha256, /^[0-9a-f]{64}$/);
  assert.equal(summary.entries.map((e) => [e.name, e.status]), [['hello', 'pass'], ['tampered', 'fail'], ['broken', 'error']]);
  assert.match(summary.entries[2]!.error!.message, /missing\.bundle/);
  // One code-scanning category per entry: GitHub refuses an upload whose runs share tool and category.
  for (const name of ['hello', 'tampered']) {
    const log = JSON.parse(readFileSync(join(out, `${name}.sarif`), 'utf8')) as { version: string; runs: Array<{ automationDetails?: { id: string } }> };
    assert.is(log.version, '2.1.0');
    assert.equal(log.runs[0]!.automationDetails, { id: `cuckoo/${name}/` });
  }
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /### Could not be checked\n\n- \*\*broken\*\*/);
});

test('shards 1/3, 2/3 and 3/3 through the CLI check every entry exactly once; batch merge makes one summary, exit code aggregated', async () => {
  const summaries: string[] = [];
  const checked: string[] = [];
  for (const i of [1, 2, 3]) {
    const out = join(work, `shard-${i}`);
    const r = await runCuckooHere(['batch', manifest, '--out', out, '--shard', `${i}/3`, '--quiet']);
    assert.ok([0, 1, 3].includes(r.code!), r.stderr);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { entries: Array<{ name: string }>; shards: unknown };
    assert.equal(s.shards, { count: 3, included: [i] });
    checked.push(...s.entries.map((e) => e.name));
    summaries.push(join(out, 'summary.json'));
  }
  assert.equal(checked.sort(), ['broken', 'hello', 'tampered']);
  const merged = join(work, 'merged');
  const r = await runCuckooHere(['batch', 'merge', ...summaries, '--out', merged]);
  assert.is(r.code, 3, r.stderr);
  const s = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8')) as { entries: Array<{ name: string }>; shards: unknown };
  assert.equal(s.entries.map((e) => e.name), ['hello', 'tampered', 'broken']);
  assert.equal(s.shards, { count: 3, included: [1, 2, 3] });
  const missing = await runCuckooHere(['batch', 'merge', summaries[0]!, '--out', join(work, 'partial')]);
  assert.match(missing.stdout, /shards 2\/3, 3\/3 are missing/);
});

test('a JSON manifest ({entries: [...]}, paths relative to its folder) runs like the YAML one', async () => {
  const dir = join(work, 'json');
  mkdirSync(dir);
  const file = join(dir, 'releases.json');
  writeFileSync(file, JSON.stringify({ entries: [{ name: 'hello', release: relative(dir, join(root, 'samples/hello-1.0.tar.gz')), repo: join(root, 'samples/hello.bundle'), tag: 'v1.0' }] }));
  // Run from another folder: the release path is read from the manifest's folder, --out from the cwd.
  const r = await runCuckooHere(['batch', 'json/releases.json', '--out', 'json/out', '--jobs', '1'], { cwd: work });
  assert.is(r.code, 0, r.stderr);
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['hello.json', 'hello.sarif', 'summary.json', 'summary.md']);
  assert.match(readFileSync(join(dir, 'out', 'summary.md'), 'utf8'), /\| hello \| ✅ pass \| v1\.0 \|/);
});

test('a bad manifest or bad flags: one line, exit 2, nothing checked', async () => {
  const bad = join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify([{ name: 'a', release: 'a.tar.gz', repo: 'r', tga: 'v1' }]));
  const manifestFile = (file: string, text: string) => (writeFileSync(join(work, file), text), join(work, file));
  const dup = manifestFile('dup.yaml', '- {name: a, release: a.tar.gz, repo: r}\n- {name: a, release: b.tar.gz, repo: r}\n');
  const missing = manifestFile('missing.json', JSON.stringify({ entries: [{ name: 'ok', release: 'a.tar.gz', repo: 'r' }, { name: 'norepo', release: 'b.tar.gz' }] }));
  const unsafe = manifestFile('unsafe.yaml', '- {name: "../x", release: a.tar.gz, repo: r}\n');
  const cases: Array<[string[], RegExp]> = [
    [['batch', bad, '--out', join(work, 'never')], /bad\.json: entry 1 \(a\): unknown key "tga"/],
    [['batch', dup, '--out', join(work, 'never')], /dup\.yaml: entry 2 \(a\): the name "a" is already used by entry 1/],
    [['batch', missing, '--out', join(work, 'never')], /missing\.json: entry 2 \(norepo\): missing "repo"/],
    [['batch', unsafe, '--out', join(work, 'never')], /unsafe\.yaml: entry 1 \(\.\.\/x\): "name" "\.\.\/x" is not a safe file name/],
    [['batch', manifest, '--out', join(work, 'never'), '--shard', '3/2'], /--shard: expected I\/N/],
    [['batch', manifest], /--out DIR is required/],
    [['batch', join(work, 'none.yaml'), '--out', join(work, 'never')], /cannot read the manifest/],
  ];
  for (const [args, expected] of cases) {
    const r = await runCuckooHere(args);
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
  // The tag is looked up among the repository's tags: a local one here.
  const repo = await makeRepo({ files: { README: 'foo\n' }, tags: ['v1.0'] });
  writeFileSync(join(dir, 'debian', 'upstream', 'metadata'), `Repository: ${repo.dir}\n`);
  const lacking = join(work, 'deb', 'bar-1.0');
  mkdirSync(join(lacking, 'debian'), { recursive: true });
  const file = join(work, 'debian.yaml');
  const r = await runCuckooHere(['batch', '--from-debian', dir, lacking, '--write-manifest', file]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /bar-1\.0: cannot make an entry: missing debian\/changelog/);
  assert.match(readFileSync(file, 'utf8'), /- name: foo-1\.0\n {2}release: https:\/\/example\.org\/foo\/foo-1\.0\.tar\.gz\n {2}repo: .*\n {2}tag: v1\.0\n/);
  await removeTempDirs();
});

test('batch --help shows examples, the manifest format and the exit codes', async () => {
  const r = await cuckooHelp(['batch']);
  assert.is(r.code, 0);
  for (const text of ['--shard 2/8', 'batch merge', '--from-debian', 'wins over 1', 'were not checked at all', 'release: https://']) assert.ok(r.stdout.includes(text), text);
});

test.run();
