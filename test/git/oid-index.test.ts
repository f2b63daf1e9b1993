import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OidIndex, tagOids } from '../../src/git/oid-index.js';
import type { TagEntry } from '../../src/git/types.js';

const entry = (path: string, oid: string): TagEntry => ({ path, type: 'file', mode: 0o100644, oid, size: 1 });

test('OidIndex gives every path of a shared blob, in tree order, and one path of the rest', () => {
  const index = new OidIndex();
  const [a, b, c, d] = [entry('COPYING', 'aa'), entry('lib/x.c', 'bb'), entry('doc/COPYING', 'aa'), entry('po/COPYING', 'aa')];
  for (const e of [a, b, c, d]) index.add(e);
  assert.equal(index.get('aa'), [a, c, d]);
  assert.equal(index.get('bb'), [b]);
  assert.is(index.get('cc'), undefined);
  assert.ok(index.has('bb'));
  assert.not.ok(index.has('cc'));
});

test('tagOids also knows the ids git archive converts blobs to, and interns only the tag\'s own', () => {
  const index = new OidIndex();
  const tagged = entry('a', ['d', 'e'].join(''));
  index.add(tagged);
  const converted = new Set(['ff']);
  const oids = tagOids(index, converted);
  assert.ok(oids.has('de'));
  assert.ok(oids.has('ff'));
  assert.not.ok(oids.stored('ff'));
  assert.not.ok(oids.has('00'));
  assert.is(oids.intern('de'), tagged.oid);
  assert.is(oids.intern('00'), '00');
  // Read live: what the tag side learns after the release read began counts from then on.
  converted.add('11');
  index.add(entry('b', '22'));
  assert.ok(oids.has('11'));
  assert.ok(oids.has('22'));
  assert.ok(oids.stored('22'));
});

test.run();
