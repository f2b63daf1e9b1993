import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { categoryInfo } from '../../src/report/finding.js';
import { severities } from '../../src/report/severity.js';
import { root, runCuckooHere } from '../helpers/cli.js';

const schema = JSON.parse(readFileSync(join(root, 'schema/cuckoo.report.v1.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

async function report(args: string[]) {
  const r = await runCuckooHere([...args, '--format', 'json']);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { findings: Array<{ path: string }>; counts: Record<string, number> };
}

for (const [name, args] of [
  ['clean tarball', ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle']],
  ['tampered tarball', ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle']],
  ['zip', ['verify', 'samples/hello-1.0.zip', '--repo', 'samples/hello.bundle', '--tag', 'v1.0']],
] as const) {
  test(`the ${name} report validates against cuckoo.report.v1.json, each path once`, async () => {
    const r = await report([...args]);
    const ok = validate(r);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    const paths = r.findings.map((f) => f.path);
    assert.is(new Set(paths).size, paths.length, 'a path appears in more than one finding');
    const c = r.counts;
    assert.is(paths.length, c.onlyInRelease! + c.onlyInTag! + c.modified! + c.exportIgnored! + c.irregular!);
  });
}

test('the schema ships in the package and resolves as cuckoo/schema/cuckoo.report.v1.json', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, string> };
  assert.ok(pkg.files.includes('schema'));
  // Self-reference through the package's own exports map, as a dependant would import it.
  const resolved = createRequire(join(root, 'package.json')).resolve('cuckoo/schema/cuckoo.report.v1.json');
  assert.is(resolved, join(root, 'schema/cuckoo.report.v1.json'));
  assert.is((schema as { title: string }).title, 'cuckoo.report/v1');
});

test('the schema names every category and severity a finding can have', () => {
  const defs = schema as { $defs: Record<string, { properties?: Record<string, { enum?: string[] }>; enum?: string[] }> };
  const finding = defs.$defs.finding!.properties!;
  assert.equal([...finding.category!.enum!].sort(), Object.keys(categoryInfo).sort());
  assert.equal(defs.$defs.severity!.enum, [...severities]);
});

test('a report with the findings reproduction writes validates: a recipe re-run, a bootstrap script, a tag file of unknown size', async () => {
  const r = (await report(['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle'])) as unknown as { findings: Array<Record<string, unknown>> };
  const base = r.findings[0]!;
  const evidence = base.evidence as Record<string, unknown>;
  r.findings = [
    {
      ...base,
      category: 'recipe-output',
      evidence: { ...evidence, reproduced: { generator: './bootstrap', tool: 'tag', version: 'v1.0', command: './bootstrap', normalisations: [], seconds: 1, cached: false, untrustedInputs: [] } },
    },
    { ...base, id: 'CK000000000001', path: 'b', category: 'not-shipped', change: 'only-in-tag', evidence: { tag: { type: 'file', mode: '100644', size: -1, blobId: 'ab' } } },
  ];
  assert.ok(validate(r), JSON.stringify(validate.errors, null, 2));
  // Still refused: a size below -1, a category no rule writes.
  r.findings[1] = { ...r.findings[1]!, evidence: { tag: { type: 'file', mode: '100644', size: -2, blobId: 'ab' } } };
  assert.not.ok(validate(r));
  r.findings = [{ ...base, category: 'made-up' }];
  assert.not.ok(validate(r));
});

test('the schema rejects a report that breaks the contract', () => {
  assert.not.ok(validate({ schema: 'cuckoo.report/v1', verdict: 'maybe' }));
});

test.run();
