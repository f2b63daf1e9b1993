import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { BlobHasher, digestBuffer, fillSha256, gitBlobId, HashScratch, sha256Hex, WHOLE_HASH_LIMIT } from '../../src/release/hash.js';
import { tempDir } from '../helpers/archives.js';

const samples: Buffer[] = [
  Buffer.alloc(0),
  Buffer.from('hello\n'),
  Buffer.from('no newline at end'),
  Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]),
  Buffer.from('ünïcødé\r\n'.repeat(1000)),
  Buffer.alloc(300_000, 0x61),
];

async function hashObject(buf: Buffer, gitDir?: string): Promise<string> {
  const args = gitDir === undefined ? ['hash-object', '--stdin'] : ['--git-dir', gitDir, 'hash-object', '--stdin'];
  const { stdout } = await execa('git', args, { input: buf });
  return stdout.trim();
}

test('gitBlobId (sha1) equals git hash-object', async () => {
  for (const buf of samples) assert.is(gitBlobId(buf, 'sha1'), await hashObject(buf), `${buf.length} bytes`);
});

test('gitBlobId (sha256) equals git hash-object in a sha256 repository', async () => {
  // git 2.39 has no --object-format for hash-object; a sha256 repository sets it.
  const gitDir = `${tempDir()}/sha256-repo.git`;
  await execa('git', ['init', '--bare', '--quiet', '--object-format=sha256', gitDir]);
  for (const buf of samples) {
    const id = await hashObject(buf, gitDir);
    assert.is(id.length, 64);
    assert.is(gitBlobId(buf, 'sha256'), id, `${buf.length} bytes`);
  }
});

test('a symlink is hashed as its target string', async () => {
  // What `git ls-tree` shows for a symlink is the blob of the target path.
  assert.is(gitBlobId(Buffer.from('../lib/x.so', 'utf8'), 'sha1'), await hashObject(Buffer.from('../lib/x.so')));
});

test('BlobHasher fed in chunks gives the same ids as gitBlobId and sha256', () => {
  for (const buf of samples) {
    for (const format of ['sha1', 'sha256'] as const) {
      const hasher = new BlobHasher(buf.length, { format });
      for (let i = 0; i < buf.length; i += 7777) hasher.update(buf.subarray(i, i + 7777));
      const digest = hasher.digest();
      assert.is(digest.blobId, gitBlobId(buf, format));
      assert.is(digest.sha256, createHash('sha256').update(buf).digest('hex'));
      assert.is(digest.sha256, sha256Hex(buf));
      assert.is(digest.length, buf.length);
      assert.is(digest.content, undefined, 'nothing kept without keepUpTo');
    }
  }
});

test('BlobHasher keeps the bytes only when the declared size fits', () => {
  const buf = Buffer.from('0123456789');
  const kept = new BlobHasher(10, { format: 'sha1', keepUpTo: 10 });
  kept.update(buf.subarray(0, 4));
  kept.update(buf.subarray(4));
  assert.equal(kept.digest().content, buf);

  const tooBig = new BlobHasher(10, { format: 'sha1', keepUpTo: 9 });
  tooBig.update(buf);
  const digest = tooBig.digest();
  assert.is(digest.content, undefined);
  assert.is(digest.blobId, gitBlobId(buf, 'sha1'), 'still hashed in full');
});

test('BlobHasher reports a length that differs from the declared size', () => {
  const hasher = new BlobHasher(5, { format: 'sha1', keepUpTo: 100 });
  hasher.update(Buffer.from('abc'));
  const digest = hasher.digest();
  assert.is(digest.length, 3);
  assert.is(digest.content, undefined, 'a short file is not handed out as complete');
});

test('with a scratch buffer, files are hashed whole: same ids, same kept bytes, up to the limit and past it', () => {
  const scratch = new HashScratch();
  const sizes = [...samples, Buffer.alloc(WHOLE_HASH_LIMIT, 0x62), Buffer.alloc(WHOLE_HASH_LIMIT + 1, 0x63)];
  for (const buf of sizes) {
    for (const format of ['sha1', 'sha256'] as const) {
      const hasher = new BlobHasher(buf.length, { format, keepUpTo: buf.length, scratch });
      for (let i = 0; i < buf.length; i += 65536) hasher.update(buf.subarray(i, i + 65536));
      const digest = hasher.digest();
      assert.is(digest.blobId, gitBlobId(buf, format), `${buf.length} bytes`);
      assert.is(digest.sha256, sha256Hex(buf));
      assert.ok(digest.content?.equals(buf), 'kept');
      const whole = digestBuffer(buf, { format, scratch });
      assert.equal([whole.blobId, whole.sha256], [digest.blobId, digest.sha256]);
    }
  }
});

test('with a scratch buffer, more bytes than declared are hashed as they stream, and a short file is not kept', () => {
  const scratch = new HashScratch();
  const buf = Buffer.from('0123456789');
  const over = new BlobHasher(6, { format: 'sha1', keepUpTo: 100, scratch });
  over.update(buf.subarray(0, 4));
  over.update(buf.subarray(4));
  const streamed = new BlobHasher(6, { format: 'sha1', keepUpTo: 100 });
  streamed.update(buf);
  const [a, b] = [over.digest(), streamed.digest()];
  assert.equal([a.blobId, a.sha256, a.length, a.content], [b.blobId, b.sha256, 10, undefined]);

  const short = new BlobHasher(5, { format: 'sha1', keepUpTo: 100, scratch });
  short.update(Buffer.from('abc'));
  assert.is(short.digest().content, undefined);
});

test('a kept file read from the scratch buffer after the next file began is an error, not other bytes', () => {
  const scratch = new HashScratch();
  const first = new BlobHasher(3, { format: 'sha1', keepUpTo: 100, scratch });
  first.update(Buffer.from('one'));
  const digest = first.digest();
  new BlobHasher(3, { format: 'sha1', keepUpTo: 100, scratch }).update(Buffer.from('two'));
  assert.throws(() => digest.content, /after the next file/);
});

test('a blob id the settings accept leaves the sha256 out of a file hashed whole, and fillSha256 gives it back from git', async () => {
  const buf = Buffer.from('known to the tag\n');
  const id = gitBlobId(buf, 'sha1');
  const hasher = new BlobHasher(buf.length, { format: 'sha1', scratch: new HashScratch(), skipSha256: (oid) => oid === id });
  hasher.update(buf);
  const digest = hasher.digest();
  assert.is(digest.blobId, id);
  assert.is(digest.sha256, undefined);
  const other = digestBuffer(Buffer.from('not known'), { format: 'sha1', scratch: new HashScratch(), skipSha256: (oid) => oid === id });
  assert.is(other.sha256, sha256Hex(Buffer.from('not known')));

  const entry: ReleaseEntry = { path: 'p/a', type: 'file', mode: 0o644, size: buf.length, blobId: id, index: 0 };
  const asked: string[] = [];
  await fillSha256([entry], async (oid) => {
    asked.push(oid);
    return buf;
  });
  assert.equal([entry.sha256, asked], [sha256Hex(buf), [id]]);
});

test.run();
