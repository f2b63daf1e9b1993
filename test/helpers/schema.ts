import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as assert from 'uvu/assert';
import { root } from './cli.js';

const schema = JSON.parse(readFileSync(join(root, 'schema/cuckoo.report.v1.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

/** Fails the test unless `report` (as its JSON would be) matches cuckoo.report.v1.json. */
export function assertValidReport(report: unknown): void {
  const json: unknown = JSON.parse(JSON.stringify(report));
  assert.ok(validate(json), JSON.stringify(validate.errors, null, 2));
}
