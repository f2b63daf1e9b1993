import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { applyPolicy } from '../../src/policy/apply.js';
import { applyBaseline, parseBaseline } from '../../src/policy/baseline.js';
import { parsePolicy } from '../../src/policy/policy.js';
import type { Finding } from '../../src/report/finding.js';
import { sampleReport } from '../helpers/reports.js';

function policyError(doc: unknown): CuckooError {
  try {
    parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), 'p.json');
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.is((err as CuckooError).code, 'usage');
    assert.not.match((err as CuckooError).message, /\n/);
    return err as CuckooError;
  }
  throw new Error(`expected a policy error for ${JSON.stringify(doc)}`);
}

const rule = (extra: object) => ({ allow: [{ reason: 'why', ...extra }] });

test('policy: every malformed rule is a one-line usage error naming the file and the rule', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['{"allow": [', /^policy p\.json: not valid JSON/],
    [[], /^policy p\.json: expected an object with an "allow" list/],
    [{ allow: [], rules: [] }, /^policy p\.json: unknown key "rules"/],
    [{ allow: {} }, /"allow" must be a list/],
    [{ allow: [{ paths: ['a'] }] }, /^policy p\.json: rule 1: "reason" must say why/],
    [{ allow: [{ paths: ['a'], reason: '  ' }] }, /rule 1: "reason"/],
    [{ allow: [{ paths: ['a'], reason: 'ok' }, { reason: 'everything' }] }, /^policy p\.json: rule 2: no selector/],
    [rule({ paths: ['a'], severity: 'low' }), /rule 1: unknown key "severity"/],
    [rule({ change: 'added' }), /rule 1: unknown change "added"/],
    [rule({ change: 'integrity' }), /rule 1: checksum, signature, moved-tag, hidden-data, unrelated-release, hash-collision and submodule-unavailable findings cannot be allowed/],
    [rule({ category: 'harmless' }), /rule 1: unknown category "harmless"/],
    [rule({ category: 'bad-signature' }), /rule 1: checksum, signature, moved-tag, hidden-data, unrelated-release, hash-collision and submodule-unavailable findings cannot be allowed/],
    [rule({ category: 'hidden-data' }), /rule 1: checksum, signature, moved-tag, hidden-data, unrelated-release, hash-collision and submodule-unavailable findings cannot be allowed/],
    [rule({ paths: ['m4/[ab.m4'] }), /rule 1: bad glob "m4\/\[ab\.m4"/],
    [rule({ paths: ['../etc/*'] }), /rule 1: bad glob "\.\.\/etc\/\*": paths are relative/],
    [rule({ paths: [] }), /rule 1: "paths" must be a non-empty list/],
    [rule({ paths: 'm4/*' }), /rule 1: "paths" must be a non-empty list/],
    [rule({ sha256: 'abc' }), /rule 1: "sha256" must be 64 hex digits/],
    [{ allow: ['m4/*'] }, /rule 1: expected an object/],
  ];
  for (const [doc, pattern] of cases) assert.match(policyError(doc).message, pattern);
});

test('policy: rules keep their number, reason and selectors; sha256 is compared in lower case', () => {
  const p = parsePolicy(JSON.stringify({ allow: [{ paths: ['po/*.gmo'], category: 'gettext-catalog', reason: 'catalogs' }, { sha256: 'AB'.repeat(32), reason: 'pinned' }] }), 'p.json');
  assert.equal(
    p.rules.map((r) => [r.rule, r.reason, r.category, r.sha256]),
    [
      [1, 'catalogs', 'gettext-catalog', undefined],
      [2, 'pinned', undefined, 'ab'.repeat(32)],
    ],
  );
  assert.ok(p.rules[0]!.matchesPath('po/de.gmo'));
  assert.not.ok(p.rules[0]!.matchesPath('po/sub/de.gmo'));
  assert.ok(p.rules[1]!.matchesPath('anything'));
});

const critical = (findings: Finding[]) => findings.filter((f) => f.severity === 'critical');

test('apply: allowed findings keep their severity and name the rule; stale rules are listed; integrity findings are never allowed', async () => {
  const report = await sampleReport('tampered');
  const integrity: Finding = { id: 'CK000000000000', path: 'hello-1.0.tar.gz', change: 'integrity', category: 'checksum-mismatch', severity: 'critical', reasons: ['x'], evidence: {} };
  const policy = parsePolicy(
    JSON.stringify({
      allow: [
        { paths: ['po/*.gmo'], reason: 'catalogs' },
        { paths: ['no/such/**'], reason: 'old' },
        { paths: ['**'], change: 'only-in-tag', sha256: 'f'.repeat(64), reason: 'content-pinned below critical: matches nothing' },
        { paths: ['hello-1.0.tar.gz'], reason: 'try the checksum' },
      ],
    }),
    'p.json',
  );
  const { findings, result } = applyPolicy([integrity, ...report.findings], policy);
  const allowed = findings.filter((f) => f.allowed);
  assert.ok(allowed.length > 0);
  assert.ok(allowed.every((f) => f.path.endsWith('.gmo') && f.allowed!.rule === 1 && f.allowed!.reason === 'catalogs'));
  assert.is(findings[0]!.allowed, undefined);
  assert.is(result.allowed, allowed.length);
  assert.equal(
    result.stale.map((s) => s.rule),
    [2, 3, 4],
  );
  assert.equal(result.refused, []);
});

test('apply: a rule selecting a critical finding is refused without its exact sha256 and allows it with that sha256', async () => {
  const report = await sampleReport('tampered');
  const [nls, hello] = critical(report.findings);
  assert.is(nls!.path, 'm4/nls.m4');
  assert.is(hello!.path, 'src/hello.c');
  const sha = nls!.evidence.release!.sha256!;
  assert.match(sha, /^[0-9a-f]{64}$/);

  const glob = applyPolicy(report.findings, parsePolicy(JSON.stringify(rule({ paths: ['m4/*.m4'] })), 'p.json'));
  assert.equal(critical(glob.findings).map((f) => [f.path, f.allowed]), [['m4/nls.m4', undefined], ['src/hello.c', undefined]]);
  assert.equal(glob.result.stale, [], 'a refused rule is not stale: it met a finding');
  assert.equal(glob.result.refused.map((r) => [r.rule, r.path, r.id]), [[1, 'm4/nls.m4', nls!.id]]);
  assert.match(glob.result.refused[0]!.why, new RegExp(`names no sha256; only "sha256": "${sha}"`));
  assert.match(glob.findings.find((f) => f.path === 'm4/nls.m4')!.reasons.at(-1)!, /^policy rule 1 may not allow this critical finding/);
  // The other m4 files are not critical: the glob allows them.
  const otherMacros = glob.findings.filter((f) => /^m4\/[^/]+\.m4$/.test(f.path) && f.path !== 'm4/nls.m4');
  assert.ok(otherMacros.length > 0 && otherMacros.every((f) => f.allowed?.rule === 1));

  const wrong = applyPolicy(report.findings, parsePolicy(JSON.stringify(rule({ paths: ['m4/nls.m4'], sha256: hello!.evidence.release!.sha256 })), 'p.json'));
  assert.match(wrong.result.refused[0]!.why, /not this release file's/);

  const pinned = applyPolicy(report.findings, parsePolicy(JSON.stringify(rule({ paths: ['m4/nls.m4'], sha256: sha.toUpperCase() })), 'p.json'));
  assert.equal(pinned.findings.find((f) => f.path === 'm4/nls.m4')!.allowed, { rule: 1, reason: 'why', sha256: sha.toLowerCase() });
  assert.equal(pinned.result.refused, []);
  assert.equal(pinned.result.stale, []);
  assert.equal(pinned.findings.find((f) => f.path === 'm4/nls.m4')!.reasons, nls!.reasons);
});

test('baseline: the same path, category and content is known; changed content counts again; bad baselines are one-line errors', async () => {
  const report = await sampleReport('tampered');
  const changed = structuredClone(report);
  changed.findings.find((f) => f.path === 'm4/nls.m4')!.evidence.release!.sha256 = '0'.repeat(64);
  const { findings, result } = applyBaseline(report.findings, parseBaseline(JSON.stringify(changed), 'old.json'));
  assert.equal(
    findings.filter((f) => !f.known).map((f) => f.path),
    ['m4/nls.m4'],
  );
  assert.is(result.known, report.findings.length - 1);

  for (const [text, pattern] of [
    ['not json', /^baseline old\.json: not valid JSON/],
    ['{"schema": "cuckoo.batch-summary/v1"}', /^baseline old\.json: not a cuckoo\.report\/v1 report \(schema "cuckoo\.batch-summary\/v1"\)/],
    ['[]', /not a cuckoo\.report\/v1 report \(schema null\)/],
    ['{"schema": "cuckoo.report/v1"}', /no "findings" list/],
    ['{"schema": "cuckoo.report/v1", "findings": [{"path": "a"}]}', /finding 1 lacks a path, category or evidence/],
  ] as const) {
    try {
      parseBaseline(text, 'old.json');
      assert.unreachable(`expected an error for ${text}`);
    } catch (err) {
      assert.instance(err, CuckooError);
      assert.match((err as CuckooError).message, pattern);
    }
  }
});

test.run();
