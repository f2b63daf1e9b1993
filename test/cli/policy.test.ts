import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from '../../src/report/report.js';
import { cuckooHelp, runCuckooHere } from '../helpers/cli.js';
import { sampleReport } from '../helpers/reports.js';
import { assertValidReport } from '../helpers/schema.js';

const scratch = mkdtempSync(join(tmpdir(), 'cuckoo-cli-policy-'));
const tampered = ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--no-host-knowledge'];

test.after(() => rmSync(scratch, { recursive: true, force: true }));

function writeJson(name: string, doc: unknown): string {
  const file = join(scratch, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return file;
}

async function jsonReport(args: string[]): Promise<{ code: number | null; report: Report }> {
  const r = await runCuckooHere([...args, '--format', 'json']);
  assert.is(r.stderr, '');
  const report = JSON.parse(r.stdout) as Report;
  assertValidReport(report);
  return { code: r.code, report };
}

let runs = 0;
/** One run that writes the text report to stdout and the JSON report (and any `also` format) to files. */
async function textAndJson(args: string[], also: string[] = []): Promise<{ code: number | null; text: string; report: Report; files: Record<string, string> }> {
  const dir = mkdtempSync(join(scratch, `run-${++runs}-`));
  const file = (format: string) => join(dir, `report.${format}`);
  const r = await runCuckooHere([...args, '--format', 'text', ...['json', ...also].flatMap((f) => ['--format', `${f}=${file(f)}`])]);
  assert.is(r.stderr, '');
  const report = JSON.parse(readFileSync(file('json'), 'utf8')) as Report;
  assertValidReport(report);
  return { code: r.code, text: r.stdout, report, files: Object.fromEntries(also.map((f) => [f, readFileSync(file(f), 'utf8')])) };
}

test('a glob rule cannot silence a critical finding; a stale rule is reported in text, JSON, Markdown, HTML and SARIF', async () => {
  const policy = writeJson('glob.json', {
    allow: [
      { paths: ['m4/*.m4', 'src/**'], reason: 'our macros and sources' },
      { paths: ['doc/*.texi'], category: 'texinfo-output', reason: 'a manual we dropped in 0.9' },
    ],
  });
  // One run writes every format: text here, the others to files.
  const { code, text, report, files } = await textAndJson([...tampered, '--policy', policy, '--verbose'], ['markdown', 'html', 'sarif']);
  assert.is(code, 1);
  assert.match(text, /^FAIL {2}2 critical/m);
  assert.match(text, /policy rule 1 may not allow this critical finding: it names no sha256; only "sha256":/);
  assert.match(text, /ALLOWED BY POLICY \(\d+\)/);
  assert.match(text, /rule 1: "our macros and sources": m4\//);
  assert.match(text.replace(/\n\s+/g, ' '), /note: policy .*glob\.json: rule 2 matched no finding and can go \("a manual we dropped in 0\.9"\)/);

  assert.is(report.verdict, 'fail');
  assert.is(report.severities.critical, 2);
  assert.equal(report.policy!.stale, [{ rule: 2, reason: 'a manual we dropped in 0.9' }]);
  assert.equal(
    report.policy!.refused.map((r) => [r.rule, r.path]),
    [
      [1, 'm4/nls.m4'],
      [1, 'src/hello.c'],
    ],
  );
  assert.ok(report.findings.filter((f) => f.severity === 'critical').every((f) => f.allowed === undefined));
  assert.is(report.policy!.allowed, report.findings.filter((f) => f.allowed).length);

  const md = files.markdown!;
  assert.match(md, /policy rule 1 may not allow this critical finding/);
  assert.match(md, /<details><summary>Allowed by policy .*glob\.json \(\d+\)<\/summary>/);
  assert.match(md, /> policy .*glob\.json: rule 2 matched no finding and can go/);

  const page = files.html!;
  assert.match(page, /<span class="badge accepted">allowed<\/span> <span class="path">m4\/gettext\.m4/);
  assert.match(page, /allowed by policy rule 1: our macros and sources/);

  const sarif = JSON.parse(files.sarif!) as { runs: Array<{ results: Array<{ suppressions?: Array<{ justification: string }> }> }> };
  assert.ok(sarif.runs[0]!.results.some((r) => r.suppressions?.[0]?.justification === 'policy rule 1: our macros and sources'));
});

test('rules naming the exact sha256 of each critical release file allow them: exit 0, each finding names its rule', async () => {
  const before = await sampleReport('tampered');
  const allow = before.findings
    .filter((f) => f.severity === 'critical')
    .map((f) => ({ paths: [f.path], sha256: f.evidence.release!.sha256!, reason: `reviewed ${f.path}` }));
  // The high configure (not what its planted inputs now generate) needs no sha256.
  allow.push({ paths: ['configure'], category: 'not-reproduced', reason: 'reviewed configure' } as unknown as (typeof allow)[number]);
  const policy = writeJson('pinned.json', { allow });
  const { code, report, text } = await textAndJson([...tampered, '--policy', policy]);
  assert.is(code, 0);
  assert.is(report.verdict, 'pass');
  assert.is(report.severities.critical, 0);
  const allowed = report.findings.filter((f) => f.severity === 'critical');
  assert.equal(
    allowed.map((f) => [f.path, f.allowed]),
    [
      ['m4/nls.m4', { rule: 1, reason: 'reviewed m4/nls.m4', sha256: allowed[0]!.evidence.release!.sha256 }],
      ['src/hello.c', { rule: 2, reason: 'reviewed src/hello.c', sha256: allowed[1]!.evidence.release!.sha256 }],
    ],
  );
  assert.equal(report.policy, { file: policy, rules: 3, allowed: 3, stale: [], refused: [] });
  assert.match(text, /^PASS {2}0 critical/m);
  assert.match(text, /rule 1: "reviewed m4\/nls\.m4": m4\/nls\.m4 \(critical\)/);
});

test('a baseline hides the findings it has; a file whose content changed since counts again', async () => {
  const accepted = await sampleReport('tampered');
  const whole = writeJson('accepted.json', accepted);
  const same = await jsonReport([...tampered, '--baseline', whole]);
  assert.is(same.code, 0);
  assert.is(same.report.verdict, 'pass');
  assert.ok(same.report.findings.every((f) => f.known === true));
  assert.equal(same.report.baseline, { file: whole, known: accepted.findings.length });

  // The accepted report saw other content at src/hello.c: this release's file is new to it.
  const older = structuredClone(accepted);
  older.findings.find((f) => f.path === 'src/hello.c')!.evidence.release!.sha256 = 'e'.repeat(64);
  const changed = await textAndJson([...tampered, '--baseline', writeJson('older.json', older)]);
  assert.is(changed.code, 1);
  assert.equal(
    changed.report.findings.filter((f) => !f.known).map((f) => f.path),
    ['src/hello.c'],
  );
  assert.is(changed.report.severities.critical, 1);
  assert.match(changed.text, /^FAIL {2}1 critical/m);
  assert.match(changed.text.replace(/\n\s+/g, ' '), /KNOWN FROM BASELINE \(\d+\): .*1 m4-lookalike/);
});

/** One line on stderr naming the file, exit 2. */
async function badInput(flag: '--policy' | '--baseline', name: string, content: string | undefined, pattern: RegExp) {
  const file = content === undefined ? join(scratch, name) : writeJson(name, content);
  const r = await runCuckooHere([...tampered, flag, file]);
  assert.is(r.code, 2, `${name}: ${r.stderr}`);
  assert.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^cuckoo: ${flag.slice(2)} ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  assert.match(lines[0]!, pattern);
}

test('bad policy and baseline files: one line naming the file (and the rule), exit 2', async () => {
  const one = (rule: object) => JSON.stringify({ allow: [rule] });
  await badInput('--policy', 'malformed.json', '{"allow": [', /not valid JSON/);
  await badInput('--policy', 'missing.json', undefined, /cannot read it \(ENOENT\)/);
  await badInput('--policy', 'no-reason.json', one({ paths: ['m4/*'] }), /rule 1: "reason" must say why/);
  await badInput('--policy', 'no-selector.json', one({ reason: 'all of it' }), /rule 1: no selector/);
  await badInput('--policy', 'unknown-key.json', one({ path: 'm4/*', reason: 'typo' }), /rule 1: unknown key "path"/);
  await badInput('--policy', 'unknown-change.json', one({ change: 'added', reason: 'x' }), /rule 1: unknown change "added"/);
  await badInput('--policy', 'unknown-category.json', one({ category: 'fine', reason: 'x' }), /rule 1: unknown category "fine"/);
  await badInput('--policy', 'bad-glob.json', one({ paths: ['src/{a,b'], reason: 'x' }), /rule 1: bad glob "src\/\{a,b"/);
  await badInput('--policy', 'top-key.json', '{"allow": [], "deny": []}', /unknown key "deny"/);
  await badInput('--baseline', 'not-json.json', 'PASS', /not valid JSON/);
  await badInput('--baseline', 'summary.json', '{"schema": "cuckoo.batch-summary/v1", "entries": []}', /not a cuckoo\.report\/v1 report/);
});

test('verify --help documents --policy and --baseline with an example', async () => {
  const r = await cuckooHelp(['verify']);
  assert.match(r.stdout, /--policy +a JSON policy file/);
  assert.match(r.stdout, /--baseline +an accepted earlier JSON report/);
  assert.match(r.stdout, /cuckoo verify foo-2\.1\.tar\.gz --repo \.\.\/foo --policy foo\.policy\.json --baseline foo-2\.0\.json/);
  assert.match(r.stdout, /cuckoo\.json in the\s+current folder is the policy \(--no-policy: none\); never one the release or the\s+tag carries, nor one inside the repository/);
});

test.run();
