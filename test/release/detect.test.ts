import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeData, detectFormat, looksLikeTar } from '../../src/release/detect.js';
import { buildTar, compress, tarHeader } from '../helpers/archives.js';

test('compression magic bytes are recognised, whatever follows', async () => {
  const tar = buildTar([{ path: 'a', content: 'a' }]);
  for (const codec of ['gzip', 'xz', 'bzip2', 'zstd'] as const) {
    assert.equal(detectFormat(await compress(tar, codec)), { kind: 'compressed', compression: codec }, codec);
  }
});

test('zip: a local file header, or an empty archive (end record only)', () => {
  assert.equal(detectFormat(Buffer.from('PK\x03\x04rest', 'latin1')), { kind: 'zip' });
  assert.equal(detectFormat(Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)])), { kind: 'zip' });
});

test('tar: ustar and GNU magic, v7 by checksum, an empty archive', () => {
  assert.equal(detectFormat(buildTar([{ path: 'a', content: 'x' }])), { kind: 'tar' });
  assert.equal(detectFormat(buildTar([{ path: 'a', content: 'x' }], { format: 'gnu' })), { kind: 'tar' });
  assert.equal(detectFormat(buildTar([{ path: 'a', content: 'x' }], { format: 'v7' })), { kind: 'tar' });
  assert.equal(detectFormat(Buffer.alloc(10240)), { kind: 'tar' });
  // A v7 header with a wrong checksum is just data.
  const bad = tarHeader({ name: 'a', format: 'v7', checksumDelta: 3 });
  assert.is(looksLikeTar(bad), false);
  assert.equal(detectFormat(bad).kind, 'unknown');
});

test('the name plays no part: only bytes are looked at', () => {
  // detectFormat has no name argument at all; a tar is a tar in any buffer.
  assert.is(detectFormat.length, 1);
});

test('what other data looks like, for the error message', () => {
  const cases: Array<[Buffer, string]> = [
    [Buffer.alloc(0), 'empty file'],
    [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), 'PDF document'],
    [Buffer.from('<!DOCTYPE html>\n<html><head><title>404 Not Found</title>'), 'HTML document'],
    [Buffer.from('\n  <html lang="en">'), 'HTML document'],
    [Buffer.from('{"message": "Not Found"}'), 'JSON or other text'],
    [Buffer.from('just some words\n'), 'text'],
    [Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), 'ELF executable'],
    [Buffer.from('LZIP\x01', 'latin1'), 'lzip-compressed data'],
    [Buffer.from('# v2 git bundle\n'), 'git bundle'],
    [Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05]), 'unknown data 00 01 02 03'],
  ];
  for (const [bytes, expected] of cases) {
    assert.is(describeData(bytes), expected);
    const detected = detectFormat(bytes);
    assert.equal(detected, { kind: 'unknown', description: expected });
  }
});

test('bzip2 needs its block-size digit; "BZh" text is not bzip2', () => {
  assert.equal(detectFormat(Buffer.from('BZh91AY&SY')), { kind: 'compressed', compression: 'bzip2' });
  assert.equal(detectFormat(Buffer.from('BZhello')), { kind: 'unknown', description: 'text' });
});

test.run();
