import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseOutputs } from '../../src/cli/outputs.js';
import { CuckooError } from '../../src/errors.js';
import { runCuckooHere } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'cuckoo-outputs-'));
const tampered = ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--no-host-knowledge'];

function usageError(fn: () => unknown, pattern: RegExp) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.is((err as CuckooError).code, 'usage');
    assert.match(`${(err as CuckooError).message} (${(err as CuckooError).hint})`, pattern);
    return;
  }
  assert.unreachable('expected a usage error');
}

test('parseOutputs: text to stdout by default; NAME=FILE per format', () => {
  assert.equal(parseOutputs([], scratch), [{ format: 'text', flag: '--format text' }]);
  const t = parseOutputs(['text', 'json=r.json', 'sarif=c.sarif', 'markdown=s.md', 'html=r.html'], scratch);
  assert.equal(
    t.map((x) => [x.format, x.file]),
    [['text', undefined], ['json', 'r.json'], ['sarif', 'c.sarif'], ['markdown', 's.md'], ['html', 'r.html']],
  );
});

test('parseOutputs: usage errors name the flags and list the formats', () => {
  usageError(() => parseOutputs(['text', 'json'], scratch), /--format text and --format json would both print to stdout/);
  usageError(() => parseOutputs(['yaml'], scratch), /unknown format "yaml".*text, json, sarif, markdown, html/);
  usageError(() => parseOutputs(['json='], scratch), /no file after "="/);
  usageError(() => parseOutputs(['html=no/such/folder/r.html'], scratch), /folder no\/such\/folder does not exist/);
  usageError(() => parseOutputs(['json=a.out', 'sarif=./a.out'], scratch), /write the same file/);
});

test('one run writes every format to its file and one to stdout; the exit code stays the verdict', async () => {
  const dir = mkdtempSync(join(scratch, 'all-'));
  writeFileSync(join(dir, 'report.json'), 'an older report');
  const files = { json: 'report.json', sarif: 'cuckoo.sarif', markdown: 'summary.md', html: 'report.html' };
  const args = [...tampered, '--format', 'text', ...Object.entries(files).flatMap(([f, n]) => ['--format', `${f}=${n}`])];
  const r = await runCuckooHere(args.map((a) => (a.startsWith('samples/') ? join(process.cwd(), a) : a)), { cwd: dir });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^release /);
  assert.match(r.stdout, /FAIL/);
  assert.is(JSON.parse(readFileSync(join(dir, files.json), 'utf8')).verdict, 'fail', 'the old file is replaced');
  assert.is(JSON.parse(readFileSync(join(dir, files.sarif), 'utf8')).version, '2.1.0');
  assert.match(readFileSync(join(dir, files.markdown), 'utf8'), /^## .*FAIL/);
  assert.match(readFileSync(join(dir, files.html), 'utf8'), /^<!doctype html>/);
  // Atomic writes leave no temp files behind.
  assert.equal(readdirSync(dir).sort(), Object.values(files).sort());
});

test('only files requested: stdout stays empty', async () => {
  const file = join(scratch, 'only.sarif');
  const r = await runCuckooHere([...tampered, '--format', `sarif=${file}`]);
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stdout, '');
  assert.ok(existsSync(file));
});

test('--format before the release path takes one value, not the path', async () => {
  const r = await runCuckooHere(['verify', '--format', 'json', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--no-host-knowledge']);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).verdict, 'pass');
});

test('bad --format values fail before the comparison, one line, exit 2', async () => {
  for (const [args, pattern] of [
    [['--format', 'text', '--format', 'json'], /--format text and --format json would both print to stdout/],
    [['--format', 'pdf'], /unknown format "pdf"/],
    [['--format', `html=${join(scratch, 'missing', 'r.html')}`], /folder .*missing does not exist/],
  ] as const) {
    const r = await runCuckooHere([...tampered, ...args]);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }
});

test('a report file that cannot be written is one line, exit 2', async () => {
  const dir = mkdtempSync(join(scratch, 'dir-'));
  // The target is a folder: the rename fails after the comparison.
  const r = await runCuckooHere([...tampered, '--format', `json=${dir}`]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^cuckoo: --format json=.*: cannot write .* \(E[A-Z]+\)/);
  assert.is(r.stderr.trimEnd().split('\n').length, 1);
  assert.equal(readdirSync(dir), [], 'no temp file left behind');
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));
test.run();
