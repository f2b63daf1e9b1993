import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checksumFromFile, findChecksum, parseSha256 } from '../../src/release/checksums.js';
import { writeTemp } from '../helpers/archives.js';

const a = 'a'.repeat(64);
const b = 'B'.repeat(64);

test('GNU text and binary mode lines, ./ prefixes and the BSD format are read', () => {
  const text = `${'0'.repeat(64)}  other-1.0.tar.gz\n${a} *./foo-1.0.tar.xz\nSHA256 (bar-2.0.zip) = ${b}\n`;
  assert.is(findChecksum(text, 'foo-1.0.tar.xz'), a);
  assert.is(findChecksum(text, 'bar-2.0.zip'), b.toLowerCase());
  assert.is(findChecksum(text, 'foo-1.0.tar.gz'), undefined);
});

test('--sha256 must be 64 hex digits', () => {
  assert.is(parseSha256(b), b.toLowerCase());
  assert.throws(() => parseSha256('abc'), /not a sha256/);
});

test('a checksums file that does not list the release is an input error naming both', async () => {
  const file = await writeTemp('SHA256SUMS', `${a}  foo-1.0.tar.xz\n`);
  assert.is(await checksumFromFile(file, 'foo-1.0.tar.xz', {}), a);
  try {
    await checksumFromFile(file, 'foo-1.1.tar.xz', {});
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /SHA256SUMS: no sha256 listed for foo-1\.1\.tar\.xz/);
  }
});

test.run();
