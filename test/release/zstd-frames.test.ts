import { createHash, randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Xxh64, xxh64 } from '../../src/release/xxh64.js';
import { buildTar, readRelease, readReleaseError, writeTemp } from '../helpers/archives.js';

// XXH64 with seed 0, as published with xxHash (its README and doc/xxhash_spec.md test values).
test('XXH64 gives the published values', () => {
  assert.is(xxh64(Buffer.from('')), 'ef46db3751d8e999');
  assert.is(xxh64(Buffer.from('a')), 'd24ec4f1a98c6e5b');
  assert.is(xxh64(Buffer.from('abc')), '44bc2cf5ad770999');
});

/** What the system zstd stores as a frame's checksum: the low 32 bits of XXH64. */
async function zstdChecksum(data: Buffer): Promise<number> {
  const { stdout } = await execa('zstd', ['-c', '-q', '--check'], { input: data, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout).readUInt32LE(stdout.length - 4);
}

test('XXH64 agrees with the checksums zstd writes, at every length around its stripes and fed in pieces', async () => {
  const lengths = [1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 35, 36, 40, 63, 64, 65, 127, 128, 129, 1000, 65_537];
  for (const length of lengths) {
    const data = randomBytes(length);
    const expected = await zstdChecksum(data);
    assert.is(new Xxh64().update(data).low32(), expected, `length ${length} in one piece`);
    // Pieces of 1 to 40 bytes: stripes cut everywhere.
    const hash = new Xxh64();
    for (let at = 0, step = 1; at < length; at += step, step = (step % 40) + 1) hash.update(data.subarray(at, at + step));
    assert.is(hash.low32(), expected, `length ${length} in pieces`);
  }
});

const blobId = (content: Buffer) => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

/** A tar of one file of random bytes: zstd stores those in raw blocks, which decode whatever bytes they hold. */
function randomTar(bytes: number): { tar: Buffer; content: Buffer } {
  const content = randomBytes(bytes);
  return { tar: buildTar([{ path: 'pkg-1.0/data.bin', content }]), content };
}

async function zstd(data: Buffer, ...args: string[]): Promise<Buffer> {
  const { stdout } = await execa('zstd', ['-c', '-q', ...args], { input: data, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
}

const readError = (path: string, preferJs: boolean) => readReleaseError(path, { preferJs });

test('a byte changed inside a stored block fails the checksum, in the JS decoder as in zstd', async () => {
  const { tar } = randomTar(300_000);
  const bytes = await zstd(tar);
  // Random bytes stay raw: the byte is data, and only the checksum can tell.
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  for (const preferJs of [true, false]) {
    const path = await writeTemp(`flipped-raw-${preferJs}.tar.zst`, bytes);
    const err = await readError(path, preferJs);
    assert.is(err.code, 'input');
    assert.ok(err.message.startsWith(`${path}: corrupt or truncated zstd data: `), err.message);
    if (preferJs) assert.match(err.message, /frame 1 does not match its checksum \(stored [0-9a-f]{8}, content [0-9a-f]{8}\)$/);
  }
});

test('frames with and without checksums, and skippable frames before, between and after them (pzstd), decode as zstd decodes them', async () => {
  const { tar, content } = randomTar(200_000);
  const half = 100_352; // a multiple of 512, inside the file's data
  const skippable = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18]), Buffer.from([5, 0, 0, 0]), Buffer.from('skip!')]);
  const bytes = Buffer.concat([skippable, await zstd(tar.subarray(0, half), '--no-check'), skippable, await zstd(tar.subarray(half), '--check'), skippable]);
  for (const preferJs of [true, false]) {
    const path = await writeTemp(`frames-${preferJs}.tar.zst`, bytes);
    const { entries } = await readRelease(path, { preferJs });
    assert.equal(entries.map((e) => [e.path, e.blobId]), [['pkg-1.0/data.bin', blobId(content)]]);
  }
});

/**
 * One frame holding `content` in a single raw block, made by hand: the header
 * fields a test sets are the ones zstd's own frames never get wrong.
 */
function rawFrame(content: Buffer, fields: { windowLog: number; contentSize?: number; checksum?: number }): Buffer {
  const hasSize = fields.contentSize !== undefined;
  const hasChecksum = fields.checksum !== undefined;
  // Frame_Content_Size_flag 2 (4 bytes), not single segment, Content_Checksum_flag, no dictionary.
  const descriptor = (hasSize ? 2 << 6 : 0) | (hasChecksum ? 1 << 2 : 0);
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, (fields.windowLog - 10) << 3])];
  if (hasSize) {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(fields.contentSize!);
    parts.push(size);
  }
  // Last block, raw, its size.
  const header = (content.length << 3) | 1;
  parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), content);
  if (hasChecksum) {
    const sum = Buffer.alloc(4);
    sum.writeUInt32LE(fields.checksum!);
    parts.push(sum);
  }
  return Buffer.concat(parts);
}

test('a frame made by hand decodes when its checksum and size are right, and fails on each being wrong', async () => {
  const tar = buildTar([{ path: 'pkg-1.0/a.txt', content: 'hello\n' }]);
  const checksum = await zstdChecksum(tar);
  const good = await writeTemp('hand-good.tar.zst', rawFrame(tar, { windowLog: 17, contentSize: tar.length, checksum }));
  for (const preferJs of [true, false]) assert.is((await readRelease(good, { preferJs })).entries.length, 1);

  const wrongSum = await writeTemp('hand-sum.tar.zst', rawFrame(tar, { windowLog: 17, checksum: (checksum + 1) >>> 0 }));
  const sumErr = await readError(wrongSum, true);
  assert.match(sumErr.message, /: corrupt or truncated zstd data: frame 1 does not match its checksum/);

  const wrongSize = await writeTemp('hand-size.tar.zst', rawFrame(tar, { windowLog: 17, contentSize: tar.length + 512, checksum }));
  const sizeErr = await readError(wrongSize, true);
  assert.match(sizeErr.message, new RegExp(`frame 1 decodes to ${tar.length} bytes, its header says ${tar.length + 512}$`));
  // The system zstd refuses both as well.
  for (const path of [wrongSum, wrongSize]) assert.is((await readError(path, false)).code, 'input');
});

test('a frame that asks for a window larger than zstd allows is refused before anything is allocated for it', async () => {
  const tar = buildTar([{ path: 'pkg-1.0/a.txt', content: 'hello\n' }]);
  // 2^30 bytes: fzstd would allocate them; zstd refuses the frame without --memory.
  const path = await writeTemp('hand-window.tar.zst', rawFrame(tar, { windowLog: 30 }));
  const before = process.memoryUsage().arrayBuffers;
  const err = await readError(path, true);
  assert.is(err.code, 'input');
  assert.is(err.message, `${path}: zstd data cuckoo does not decode: frame 1 asks for a 1024 MiB window, more than the 128 MiB zstd decodes without --memory`);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  // The system zstd's refusal says the same, not that the tool is broken.
  const system = await readError(path, false);
  assert.is(system.code, 'input');
  assert.is(system.message, `${path}: zstd data cuckoo does not decode: a frame asks for a 1024 MiB window, more than the 128 MiB zstd decodes without --memory`);
});

test('a block larger than its frame allows is refused, as zstd refuses it', async () => {
  // 130 KiB raw: past the 128 KiB any block may hold, in a 1 MiB window.
  const content = buildTar([{ path: 'pkg-1.0/big.bin', content: Buffer.alloc(130 * 1024 - 1024, 1) }]);
  assert.ok(content.length > 128 * 1024);
  const large = await writeTemp('hand-block.tar.zst', rawFrame(content, { windowLog: 20 }));
  assert.match((await readError(large, true)).message, new RegExp(`: corrupt or truncated zstd data: frame 1: a block of ${content.length} bytes, more than the 131072 its frame allows$`));
  assert.is((await readError(large, false)).code, 'input');
  // And past a window smaller than that.
  const tar = buildTar([{ path: 'pkg-1.0/a.txt', content: 'hello\n' }]);
  const small = await writeTemp('hand-small-window.tar.zst', rawFrame(tar, { windowLog: 10 }));
  assert.match((await readError(small, true)).message, new RegExp(`frame 1: a block of ${tar.length} bytes, more than the 1024 its frame allows$`));
  assert.is((await readError(small, false)).code, 'input');
});

test('bytes after the last frame that are no frame are refused, naming where they start', async () => {
  const tar = buildTar([{ path: 'pkg-1.0/a.txt', content: 'hello\n' }]);
  const frame = await zstd(tar);
  const path = await writeTemp('after-frames.tar.zst', Buffer.concat([frame, Buffer.from('NOT A FRAME')]));
  const err = await readError(path, true);
  assert.match(err.message, new RegExp(`: corrupt or truncated zstd data: no zstd frame at byte ${frame.length} \\(1 frame before it\\)$`));
});

test.run();
