import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../helpers/cli.js';

// The golden reports hold the samples' hashes: a sample changed by hand rather
// than by `make samples` must show up here first, with the file named.
test('the bundled samples are the ones SHA256SUMS lists', () => {
  const sums = readFileSync(join(root, 'samples/SHA256SUMS'), 'utf8').trim().split('\n');
  assert.ok(sums.length >= 4);
  for (const line of sums) {
    const [hash, name] = line.split(/\s+\*?/);
    const actual = createHash('sha256').update(readFileSync(join(root, 'samples', name!))).digest('hex');
    assert.is(actual, hash, `samples/${name}`);
  }
});

test.run();
