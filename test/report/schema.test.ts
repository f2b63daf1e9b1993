import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
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

test('the schema rejects a report that breaks the contract', () => {
  assert.not.ok(validate({ schema: 'cuckoo.report/v1', verdict: 'maybe' }));
});

test.run();
