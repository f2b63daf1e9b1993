// Hostile names must not reach the terminal as control sequences: reports and
// error lines show them escaped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { visible } from '../../src/cli/render/visible.js';
import { renderBatchMarkdown, renderBatchTable } from '../../src/cli/render/batch-summary.js';
import { colors } from '../../src/cli/colors.js';
import { batchSummarySchema, type BatchSummary } from '../../src/report/batch-summary.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { runCuckooHere } from '../helpers/cli.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/;
const evil = 'proj-1.0/\x1b]0;pwned\x07\x1b[2J\rOK: all clear\u202etxt.sh';

test.after(removeTempDirs);

test('visible() escapes controls and bidi overrides; diffs keep newlines and tabs', () => {
  assert.is(visible('a\x1b[31mb\nc\u202e'), 'a\\x1b[31mb\\x0ac\\u202e');
  assert.is(visible('-a\n+\tb\r', true), '-a\n+\tb\\x0d');
});

test('SARIF messages escape brackets and controls; the text list quotes spaced names and keeps $ patterns literal', async () => {
  assert.is(visible('tab\tname.c'), 'tab\\x09name.c');
  const repo = await makeRepo({ files: { README: 'hello\n' }, tags: ['v1.0'] });
  const names = ['[link](evil.example).c', "doc$'/notes.txt", 'a b/has space.txt', 'x\x1b[2J.txt'];
  const path = await writeTemp(
    'escapes/list-1.0.tar',
    buildTar([{ path: 'proj-1.0/README', content: 'hello\n' }, ...names.map((n) => ({ path: `proj-1.0/${n}`, content: 'plain text\n' }))]),
  );
  const sarif = await runCuckooHere(['verify', path, '--repo', repo.dir, '--tag', 'v1.0', '--format', 'sarif', '--no-host-knowledge']);
  const messages = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ message: { text: string } }> }> }).runs[0]!.results.map((r) => r.message.text);
  const link = messages.find((m) => m.includes('evil.example'))!;
  assert.ok(link.includes('\\[link\\](evil.example).c'), link);
  assert.ok(messages.every((m) => !raw.test(m)));
  const text = await runCuckooHere(['verify', path, '--repo', repo.dir, '--tag', 'v1.0', '--no-host-knowledge']);
  assert.match(text.stdout, /doc\$'\/ +notes\.txt/);
  assert.match(text.stdout, /"a b\/" +"has space\.txt"/);
  assert.not.match(text.stdout, raw);
});

test('a name with escape sequences is shown escaped in text and markdown reports', async () => {
  const repo = await makeRepo({ files: { README: 'hello\n' }, tags: ['v1.0'] });
  const path = await writeTemp('escapes/proj-1.0.tar', buildTar([{ path: 'proj-1.0/README', content: 'hello\n' }, { path: evil, content: '\x1b[2Jx\n' }]));
  for (const format of ['text', 'markdown']) {
    const r = await runCuckooHere(['verify', path, '--repo', repo.dir, '--tag', 'v1.0', '--format', format, '--verbose', '--no-host-knowledge']);
    assert.is(r.code, 1, r.stderr);
    assert.not.match(r.stdout, raw, format);
    // Markdown also escapes the backslash and brackets.
    assert.match(r.stdout, /\\+x1b\\*\]0;pwned\\+x07/, format);
  }
});

test('an error naming a hostile entry is one line with the name escaped', async () => {
  const tar = buildTar([{ path: evil, content: 'x'.repeat(2000) }]);
  const path = await writeTemp('escapes/cut-1.0.tar', tar.subarray(0, 1024));
  const r = await runCuckooHere(['verify', path, '--repo', 'samples/hello.bundle', '--tag', 'v1.0']);
  assert.is(r.code, 2);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.not.match(r.stderr, raw);
  assert.match(r.stderr, /truncated tar archive \(entry proj-1\.0\/\\x1b/);
});

test('the batch table and Markdown summary escape tag names and error messages from the inputs', () => {
  const summary: BatchSummary = {
    schema: batchSummarySchema,
    tool: { name: 'cuckoo', version: '0' },
    manifest: { file: 'm.yaml', sha256: '0'.repeat(64), entries: 2 },
    shards: { count: 1, included: [1] },
    failOn: 'high',
    totals: { entries: 2, pass: 1, review: 0, fail: 0, error: 1 },
    exitCode: 3,
    entries: [
      { name: 'a', index: 0, release: 'a.tar', repo: 'a', status: 'pass', ref: 'v1\x1b]0;x\x07', findings: 0 },
      { name: 'b', index: 1, release: 'b.tar', repo: 'b', status: 'error', error: { code: 'input', message: `bad entry ${evil}`, hint: '\x1b[2J' } },
    ],
    notes: [],
  };
  for (const out of [renderBatchTable(summary, colors(false)), renderBatchMarkdown(summary)]) {
    assert.not.match(out, raw);
    assert.match(out, /x1b/);
  }
});

test.run();
