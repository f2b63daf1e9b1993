import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { defaultLimits } from '../../src/limits.js';
import { openRelease } from '../../src/release/open.js';
import { buildTar, compress, readRelease, readReleaseError, writeTemp, type Codec } from '../helpers/archives.js';
import { stallWatch } from '../helpers/stall.js';

// Any rejection or error event that escapes the reader fails the last test
// (which removes these listeners again, so later suites crash as usual).
const escaped: unknown[] = [];
const record = (err: unknown) => escaped.push(err);
test.before(() => {
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
});

const codecs: Codec[] = ['gzip', 'xz', 'bzip2', 'zstd'];
const extension: Record<Codec, string> = { gzip: 'gz', xz: 'xz', bzip2: 'bz2', zstd: 'zst' };
const systemLabel: Record<Codec, string> = { gzip: 'zlib', xz: 'xz (system)', bzip2: 'bzip2 (system)', zstd: 'zstd (system)' };
const jsLabel: Record<Codec, string> = { gzip: 'zlib', xz: 'xz-decompress (js)', bzip2: 'unbzip2-stream (js)', zstd: 'fzstd (js)' };

function blob(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Text that compresses, but not to nothing: enough to span many chunks and blocks. */
function prose(bytes: number, seed = 1): Buffer {
  const words = ['release', 'tarball', 'tag', 'cuckoo', 'nest', 'egg', 'autoconf', 'm4', 'configure', 'build'];
  let x = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const word = `${words[x % words.length]}${x % 97} `;
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

// 1 MB: two bzip2 blocks (900 kB each at -9), several xz chunks and zstd blocks, many gzip blocks.
const big = prose(1_000_000);
const small = Buffer.from('small file\n');
const tar = buildTar([
  { path: 'pkg-1.0', type: 'directory' },
  { path: 'pkg-1.0/big.txt', content: big },
  { path: 'pkg-1.0/small.txt', content: small },
  { path: 'pkg-1.0/link', type: 'symlink', target: 'small.txt' },
]);

function assertEntries(entries: Array<{ path: string; blobId?: string }>): void {
  assert.equal(
    entries.map((e) => [e.path, e.blobId]),
    [
      ['pkg-1.0', undefined],
      ['pkg-1.0/big.txt', blob(big)],
      ['pkg-1.0/small.txt', blob(small)],
      ['pkg-1.0/link', blob(Buffer.from('small.txt'))],
    ],
  );
}

const expectError = (path: string, preferJs: boolean) => readReleaseError(path, { preferJs });

/** Decompressor processes that are children of this process. */
function childDecoders(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && ['xz', 'zstd', 'bzip2'].includes(comm)) found.push(`${comm} ${pid}`);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

for (const codec of codecs) {
  for (const preferJs of [false, true]) {
    if (codec === 'gzip' && preferJs) continue;
    const label = preferJs ? jsLabel[codec] : systemLabel[codec];

    test(`tar.${extension[codec]} with ${label}: entries, blob ids, archive sha256`, async () => {
      const bytes = await compress(tar, codec);
      const path = await writeTemp(`pkg-${codec}-${preferJs}.tar.${extension[codec]}`, bytes);
      const { release, entries } = await readRelease(path, { preferJs });
      assert.is(release.archive, 'tar');
      assert.is(release.compression, codec);
      assert.is(release.formatName, `tar.${extension[codec]}`);
      assert.is(release.decoder, label);
      assertEntries(entries);
      assert.is(await release.sha256(), createHash('sha256').update(bytes).digest('hex'));
    });

    test(`truncated .${extension[codec]} with ${label}: one input error naming the file and format`, async () => {
      const bytes = await compress(tar, codec);
      const path = await writeTemp(`cut-${codec}-${preferJs}.tar.${extension[codec]}`, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const err = await expectError(path, preferJs);
      assert.is(err.code, 'input');
      assert.ok(err.message.startsWith(`${path}: corrupt or truncated ${codec} data: `), err.message);
      assert.not.match(err.message, /\n/);
      assert.equal(childDecoders(), []);
    });
  }
}

for (const codec of codecs) {
  for (const preferJs of [false, true]) {
    if (codec === 'gzip' && preferJs) continue;
    test(`corrupt .${extension[codec]} (${preferJs ? 'js' : 'system'}): input error`, async () => {
      const bytes = Buffer.from(await compress(tar, codec));
      for (let i = 0; i < 16; i++) bytes[Math.floor(bytes.length / 2) + i * 31]! ^= 0x55;
      const path = await writeTemp(`corrupt-${codec}-${preferJs}.tar.${extension[codec]}`, bytes);
      const err = await expectError(path, preferJs);
      assert.is(err.code, 'input');
      assert.ok(err.message.startsWith(`${path}: corrupt or truncated ${codec} data: `) || /corrupt tar archive/.test(err.message), err.message);
    });
  }
}

test('system tool messages are passed on', async () => {
  const bytes = await compress(tar, 'xz');
  const path = await writeTemp('cut-message.tar.xz', bytes.subarray(0, bytes.length - 100));
  const err = await expectError(path, false);
  assert.is(err.message, `${path}: corrupt or truncated xz data: xz: (stdin): Unexpected end of input`);
});

test('concatenated gzip members, xz and bzip2 streams and zstd frames are read as one, by both decoders', async () => {
  const half = Math.floor(tar.length / 2);
  for (const codec of codecs) {
    const bytes = Buffer.concat([await compress(tar.subarray(0, half), codec), await compress(tar.subarray(half), codec)]);
    for (const preferJs of [false, true]) {
      const path = await writeTemp(`multi-${codec}-${preferJs}.tar.${extension[codec]}`, bytes);
      assertEntries((await readRelease(path, { preferJs })).entries);
    }
  }
});

test('data after the compressed stream: system tools and JS decoders agree on what they accept', async () => {
  // Zero padding after gzip members and xz streams is allowed by their formats
  // (gzip ignores it, xz calls it stream padding); anything else is refused,
  // even where the tool only warns (bzip2's "trailing garbage ignored").
  const accepts: Record<Codec, boolean> = { gzip: true, xz: true, bzip2: false, zstd: false };
  for (const codec of codecs) {
    const compressed = await compress(tar, codec);
    for (const [what, tail] of [['zeros', Buffer.alloc(1024)], ['garbage', Buffer.from('GARBAGE!')]] as const) {
      for (const preferJs of [false, true]) {
        const path = await writeTemp(`tail-${what}-${codec}-${preferJs}.tar.${extension[codec]}`, Buffer.concat([compressed, tail]));
        if (what === 'zeros' && accepts[codec]) {
          assertEntries((await readRelease(path, { preferJs })).entries);
          continue;
        }
        const err = await expectError(path, preferJs);
        assert.is(err.code, 'input', `${codec} ${what} ${preferJs}`);
        assert.ok(err.message.startsWith(`${path}: corrupt or truncated ${codec} data: `), err.message);
        assert.is(err.message.split(path).length, 2);
      }
    }
  }
});

test('compressed data that is not a tar is refused at open, saying what it is', async () => {
  const pdf = Buffer.from('%PDF-1.7\n' + 'x'.repeat(2000));
  for (const codec of codecs) {
    for (const preferJs of [false, true]) {
      const path = await writeTemp(`doc-${codec}-${preferJs}.tar.${extension[codec]}`, await compress(pdf, codec));
      try {
        await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits, preferJs });
        assert.unreachable('should not open');
      } catch (err) {
        assert.instance(err, CuckooError);
        assert.is((err as CuckooError).code, 'input');
        assert.is((err as CuckooError).message, `${path}: not a release archive (found ${codec}-compressed PDF document)`);
        assert.match((err as CuckooError).hint!, /tar\.gz/);
      }
    }
  }
  const text = await writeTemp('short.txt.gz', await compress(Buffer.from('hello\n'), 'gzip'));
  try {
    await openRelease(text, { objectFormat: 'sha1', limits: defaultLimits });
    assert.unreachable('should not open');
  } catch (err) {
    assert.is((err as CuckooError).message, `${text}: not a release archive (found gzip-compressed text)`);
  }
});

test('stopping early kills the decoder and leaves nothing running', async () => {
  const huge = buildTar([
    { path: 'first', content: 'x' },
    { path: 'bulk', content: prose(3_000_000, 7) },
  ]);
  for (const codec of ['xz', 'zstd', 'bzip2'] as const) {
    const path = await writeTemp(`huge.tar.${extension[codec]}`, await compress(huge, codec));
    const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
    const seen: string[] = [];
    for await (const entry of release.entries()) {
      seen.push(entry.path);
      assert.equal(childDecoders().length, 1, `${codec} is running while we read`);
      break;
    }
    assert.equal(seen, ['first']);
    assert.equal(childDecoders(), [], `no ${codec} left after stopping`);
    // The checksum then comes from a separate read of the file.
    assert.is(await release.sha256(), createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
});

test('stopping early with the JS xz decoder frees it for the next archive', async () => {
  const path = await writeTemp('js-stop.tar.xz', await compress(tar, 'xz'));
  const first = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits, preferJs: true });
  for await (const _ of first.entries()) break;
  // xz-decompress lets one stream run at a time; a leaked one would make this hang.
  const watch = stallWatch(10);
  try {
    const second = await Promise.race([readRelease(path, { preferJs: true }), watch.stalled]);
    assert.ok(second !== 'stalled', 'second read hung: no CPU used for 10 s');
    assertEntries((second as Awaited<ReturnType<typeof readRelease>>).entries);
  } finally {
    watch.stop();
  }
});

test('an error thrown by the consumer mid-archive tears the pipeline down', async () => {
  const path = await writeTemp('consumer-throws.tar.zst', await compress(tar, 'zstd'));
  const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
  try {
    for await (const entry of release.entries()) {
      if (entry.path.endsWith('big.txt')) throw new Error('consumer gave up');
    }
  } catch (err) {
    assert.is((err as Error).message, 'consumer gave up');
  }
  assert.equal(childDecoders(), []);
});

test('an iterator that is never read starts nothing, and sha256() still answers', async () => {
  const bytes = await compress(tar, 'xz');
  const path = await writeTemp('never-read.tar.xz', bytes);
  const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
  release.entries();
  assert.equal(childDecoders(), []);
  assert.is(await release.sha256(), createHash('sha256').update(bytes).digest('hex'));
});

test('SHA-256-checked xz: the system xz reads it; the built-in decoder refuses it as a tool limit, not as corrupt data', async () => {
  const { execa } = await import('execa');
  const { stdout } = await execa('xz', ['-c', '--check=sha256'], { input: tar, encoding: 'buffer' });
  const path = await writeTemp('sha256-check.tar.xz', Buffer.from(stdout));
  assertEntries((await readRelease(path)).entries);
  try {
    await readRelease(path, { preferJs: true });
    assert.unreachable('expected a tool error');
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.is((err as CuckooError).code, 'tool');
    assert.match((err as CuckooError).message, 'SHA-256 checks');
    assert.match((err as CuckooError).hint ?? '', 'xz-utils');
  }
});

test('entries() can be iterated only once', async () => {
  const path = await writeTemp('once.tar.gz', await compress(tar, 'gzip'));
  const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
  for await (const _ of release.entries());
  assert.throws(() => release.entries(), /only once/);
});

test('no unhandled rejection or error event escaped', async () => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
  assert.equal(childDecoders(), []);
  assert.equal(escaped, []);
});

test.run();
