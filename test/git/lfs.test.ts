import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLfsPointer } from '../../src/git/lfs.js';

const oid = '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393';
const pointer = (body: string) => Buffer.from(body, 'utf8');

test('a pointer as git-lfs writes it', () => {
  assert.equal(parseLfsPointer(pointer(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 12345\n`)), { oid, size: 12345 });
  assert.equal(parseLfsPointer(pointer(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 0\n`)), { oid, size: 0 });
});

test('older version URLs and extensions are accepted', () => {
  assert.equal(parseLfsPointer(pointer(`version https://hawser.github.com/spec/v1\noid sha256:${oid}\nsize 1\n`)), { oid, size: 1 });
  const ext = `version https://git-lfs.github.com/spec/v1\next-0-foo sha256:${oid}\next-1-bar sha256:${oid}\noid sha256:${oid}\nsize 9\n`;
  assert.equal(parseLfsPointer(pointer(ext)), { oid, size: 9 });
});

test('anything else is not a pointer', () => {
  const good = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 12345\n`;
  const bad = [
    '',
    'hello\n',
    good.slice(0, -1), // no final newline
    good.replace('\n', '\r\n'), // CRLF
    good.replace('size 12345', 'size -1'),
    good.replace('size 12345', 'size 012'),
    good.replace('size 12345', 'size 1e3'),
    good.replace('size 12345', 'size 99999999999999999999'),
    good.replace(oid, oid.toUpperCase()),
    good.replace(oid, oid.slice(1)),
    good.replace('sha256:', 'sha1:'),
    good.replace('spec/v1', 'spec/v2'),
    `oid sha256:${oid}\nversion https://git-lfs.github.com/spec/v1\nsize 1\n`, // version not first
    `version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:${oid}\n`, // not sorted
    `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\n`, // no size
    `version https://git-lfs.github.com/spec/v1\nsize 1\n`, // no oid
    `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\noid sha256:${oid}\nsize 1\n`, // duplicate
    `version https://git-lfs.github.com/spec/v1\nnote hi\noid sha256:${oid}\nsize 1\n`, // unknown key
    `version https://git-lfs.github.com/spec/v1\noid  sha256:${oid}\nsize 1\n`, // two spaces
    good + 'x'.repeat(1024), // too long
  ];
  for (const b of bad) assert.is(parseLfsPointer(pointer(b)), undefined, JSON.stringify(b.slice(0, 120)));
});

test('pointers must be under 1024 bytes', () => {
  const make = (total: number) => {
    const head = 'version https://git-lfs.github.com/spec/v1\n';
    const tail = `oid sha256:${oid}\nsize 1\n`;
    const extFixed = `ext-0- sha256:${oid}\n`.length;
    return Buffer.from(`${head}ext-0-${'a'.repeat(total - head.length - tail.length - extFixed)} sha256:${oid}\n${tail}`);
  };
  assert.is(make(1023).length, 1023);
  assert.equal(parseLfsPointer(make(1023)), { oid, size: 1 });
  assert.is(parseLfsPointer(make(1024)), undefined);
});

test.run();
