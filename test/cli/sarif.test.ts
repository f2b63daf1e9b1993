import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { renderSarif } from '../../src/cli/render/sarif.js';
import { categoryInfo } from '../../src/report/finding.js';
import { hostileName, hostileReport, hugeReport, sampleReport } from '../helpers/reports.js';

// The official SARIF 2.1.0 schema (rtm.5, the text OASIS published as 2.1.0), as
// Microsoft's SARIF SDK ships it. It is draft-04; one of its patterns is not
// valid with the unicode flag, hence unicodeRegExp: false.
const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { title: string };
// Both are CommonJS with a default export; under NodeNext it sits on .default.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function sarif(report: Parameters<typeof renderSarif>[0], verbose = false): Log {
  return JSON.parse(renderSarif(report, { exitCode: 1, verbose })) as Log;
}

test('the schema is the official SARIF 2.1.0 one', () => {
  assert.match(schema.title, /SARIF\) Version 2\.1\.0/);
  assert.not.ok(validate({ version: '2.1.0', runs: [{ tool: {} }] }), 'a run without a driver is rejected');
});

for (const [name, get] of [
  ['clean', () => sampleReport('clean')],
  ['tampered', () => sampleReport('tampered')],
  ['hostile', () => hostileReport()],
] as const) {
  for (const verbose of [false, true]) {
    test(`the ${name} report${verbose ? ' (verbose)' : ''} is valid SARIF 2.1.0`, async () => {
      const log = sarif(await get(), verbose);
      assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    });
  }
}

test('a run can carry its automationDetails id (what batch gives each entry), and stays valid SARIF 2.1.0', async () => {
  const log = JSON.parse(renderSarif(await sampleReport('tampered'), { exitCode: 1, verbose: false, automationId: 'cuckoo/hello-1.0/' })) as Log;
  assert.equal(log.runs[0]!.automationDetails, { id: 'cuckoo/hello-1.0/' });
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  assert.is(sarif(await sampleReport('tampered')).runs[0]!.automationDetails, undefined, 'verify leaves it to the uploader');
});

test('one rule per category, with help text from the category table', async () => {
  const rules = sarif(await sampleReport('tampered')).runs[0]!.tool.driver.rules!;
  assert.equal(rules.map((r) => r.id), Object.keys(categoryInfo));
  const m4 = rules.find((r) => r.id === 'm4-lookalike')!;
  assert.is(m4.shortDescription!.text, categoryInfo['m4-lookalike'].title);
  assert.match(m4.help!.text, /CVE-2024-3094/);
});

test('results: located at the release path, levels from severity, explained ones left out', async () => {
  const report = await sampleReport('tampered');
  const run = sarif(report).runs[0]!;
  const results = run.results!;
  assert.equal(results.map((r) => r.ruleId).sort(), ['m4-lookalike', 'not-reproduced', 'unexplained']);
  for (const r of results) {
    assert.is(r.level, 'error');
    assert.is(r.kind, 'fail');
    assert.is(run.tool.driver.rules![r.ruleIndex!]!.id, r.ruleId);
    assert.is(r.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId, 'RELEASEROOT');
  }
  const m4 = results.find((r) => r.ruleId === 'm4-lookalike')!;
  assert.is(m4.locations![0]!.physicalLocation!.artifactLocation!.uri, 'm4/nls.m4');
  assert.is(m4.locations![0]!.physicalLocation!.region!.startLine, 32, 'starts at the first line that raised a signal');
  assert.ok(run.originalUriBaseIds!.RELEASEROOT!.description!.text!.includes(report.release.sha256));
  assert.is(run.invocations![0]!.exitCode, 1);
  assert.is((run.properties as { explainedOmitted: number }).explainedOmitted, 35);
  // With --verbose the explained findings are there, as passes.
  const all = sarif(report, true).runs[0]!.results!;
  assert.is(all.length, report.findings.length);
  const explained = all.filter((r) => r.kind === 'pass');
  assert.is(explained.length, 35);
  assert.ok(explained.every((r) => r.level === 'none'));
  const tagOnly = all.find((r) => r.ruleId === 'not-shipped')!;
  assert.is(tagOnly.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId, 'TAGROOT');
});

test('levels: critical and high are errors, medium warnings, explained ones passes', async () => {
  const report = await hugeReport(2);
  report.findings[0]!.severity = 'high';
  const log = sarif(report, true);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const levels = new Map<string, Set<string>>();
  for (const r of log.runs[0]!.results!) {
    const severity = (r.properties as { severity: string }).severity;
    levels.set(severity, (levels.get(severity) ?? new Set()).add(`${r.kind}/${r.level}`));
  }
  assert.equal(Object.fromEntries([...levels].map(([s, l]) => [s, [...l]])), {
    high: ['fail/error'],
    critical: ['fail/error'],
    medium: ['fail/warning'],
    low: ['pass/none'],
    info: ['pass/none'],
  });
});

test('fingerprints are stable across runs and ignore line numbers', async () => {
  const fp = (log: Log) => log.runs[0]!.results!.map((r) => `${r.ruleId} ${r.partialFingerprints!['cuckooFinding/v1']}`);
  const first = await sampleReport('tampered');
  const again = await sampleReport('tampered');
  assert.equal(fp(sarif(again, true)), fp(sarif(first, true)));
  // The same finding in another release whose bad lines moved keeps its identity.
  const moved = structuredClone(first);
  for (const f of moved.findings) for (const s of f.evidence.signals ?? []) s.line += 10;
  moved.release.sha256 = '0'.repeat(64);
  assert.equal(fp(sarif(moved)), fp(sarif(first)));
  assert.is(new Set(fp(sarif(first, true))).size, first.findings.length, 'one fingerprint per finding');
});

test('hostile paths are percent-encoded URI references', async () => {
  const log = sarif(await hostileReport());
  const r = log.runs[0]!.results!.find((x) => x.message.text?.includes(hostileName))!;
  assert.is(r.locations![0]!.physicalLocation!.artifactLocation!.uri, 'm4/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.m4');
});

test('the same report renders to the same bytes', async () => {
  const report = await sampleReport('tampered');
  assert.is(renderSarif(report, { exitCode: 1, verbose: true }), renderSarif(structuredClone(report), { exitCode: 1, verbose: true }));
});

test("a result starts at the first signal line that counted, not one carried from the tag's sources", async () => {
  const report = await sampleReport('tampered');
  const m4 = report.findings.find((f) => f.path === 'm4/nls.m4')!;
  for (const s of m4.evidence.signals!) if (s.line === 32) s.fromTag = { path: 'm4/x.m4', line: 1 };
  const result = sarif(report, false).runs[0]!.results!.find((r) => r.ruleId === 'm4-lookalike')!;
  assert.ok(result.locations![0]!.physicalLocation!.region!.startLine! > 32);
});

test.run();
