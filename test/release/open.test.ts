import { execa } from 'execa';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CuckooError } from '../../src/errors.js';
import { defaultLimits } from '../../src/limits.js';
import { findOnPath, pickDecoder, xzOptionsFor } from '../../src/release/decompress.js';
import { openRelease, probeAhead } from '../../src/release/open.js';
import { programVersion } from '../../src/reproduce/tools.js';
import { buildTar, buildZip, compress, readRelease, tempDir, writeTemp } from '../helpers/archives.js';
import { loggingRun, withStandIn } from '../helpers/stand-in.js';

async function openError(path: string): Promise<CuckooError> {
  try {
    await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
  } catch (err) {
    assert.instance(err, CuckooError);
    return err as CuckooError;
  }
  throw new assert.Assertion({ message: `expected opening ${path} to fail`, operator: 'rejects', expects: 'error', actual: 'ok' });
}

test('a missing file', async () => {
  const path = join(tempDir(), 'no-such-release.tar.gz');
  const err = await openError(path);
  assert.is(err.code, 'input');
  assert.is(err.message, `${path}: no such file`);
  assert.ok(err.hint);
});

test('a directory', async () => {
  const err = await openError(tempDir());
  assert.is(err.code, 'input');
  assert.is(err.message, `${tempDir()}: is a directory, not a release archive`);
});

test('a FIFO is refused without waiting for a writer', async () => {
  const path = join(tempDir(), 'fifo.tar');
  await execa('mkfifo', [path]);
  const err = await openError(path);
  assert.is(err.code, 'input');
  assert.is(err.message, `${path}: not a regular file`);
});

test('an unreadable file', async () => {
  if (process.getuid?.() === 0) return; // root reads anything
  const path = await writeTemp('locked.tar', buildTar([{ path: 'a', content: 'a' }]));
  await chmod(path, 0o000);
  const err = await openError(path);
  assert.is(err.code, 'input');
  assert.is(err.message, `${path}: permission denied`);
});

test('a probe started ahead (probeAhead) is what the next open of its path uses, once; a dropped one, or one for the other decoder, is not', async () => {
  const tar = buildTar([{ path: 'a', content: 'a' }]);
  const opens = async (path: string, preferJs = false) => {
    const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits, preferJs });
    for await (const entry of release.entries()) assert.is(entry.path, 'a');
  };
  // The file appears after the probe: what the probe saw (nothing) is what the open says.
  const early = join(tempDir(), 'probe-ahead-early.tar');
  probeAhead(early);
  await writeTemp('probe-ahead-early.tar', tar);
  assert.is((await openError(early)).message, `${early}: no such file`);
  // Taken once: the next open looks again.
  await opens(early);

  const dropped = join(tempDir(), 'probe-ahead-dropped.tar');
  probeAhead(dropped).drop();
  await writeTemp('probe-ahead-dropped.tar', tar);
  await opens(dropped);

  const otherDecoder = join(tempDir(), 'probe-ahead-other.tar.xz');
  probeAhead(otherDecoder, true);
  await writeTemp('probe-ahead-other.tar.xz', await compress(tar, 'xz'));
  await opens(otherDecoder, false);

  // Probed ahead, a compressed file that is not a tar opens, and its read refuses it at the first
  // block with the error an open would have given; the code and hint are the same too.
  for (const codec of ['gzip', 'xz'] as const) {
    const notTar = await writeTemp(`probe-ahead-text.tar.${codec === 'gzip' ? 'gz' : 'xz'}`, await compress(Buffer.from('release notes\n'.repeat(200)), codec));
    const atOpen = await openError(notTar);
    assert.match(atOpen.message, `${codec}-compressed text`);
    probeAhead(notTar);
    const release = await openRelease(notTar, { objectFormat: 'sha1', limits: defaultLimits });
    let atRead: CuckooError | undefined;
    try {
      for await (const entry of release.entries()) assert.unreachable(`an entry: ${entry.path}`);
    } catch (err) {
      atRead = err as CuckooError;
    }
    assert.instance(atRead, CuckooError);
    assert.equal([atRead!.code, atRead!.message, atRead!.hint], [atOpen.code, atOpen.message, atOpen.hint]);
  }
});

test('a local tar.xz of one block is decoded without threads, probed ahead or not; one of several blocks on them', async () => {
  const xz = (await findOnPath('xz'))!;
  const threaded = (await pickDecoder('xz')).label === 'xz (system)' && xzOptionsFor(await programVersion(xz)).length > 0 && availableParallelism() > 1;
  const tar = buildTar(Array.from({ length: 200 }, (_, i) => ({ path: `f${i}`, content: `file ${i}\n`.repeat(500 + i) })));
  const one = await writeTemp('layout-one.tar.xz', Buffer.from((await execa(xz, ['-T1', '-c'], { input: tar, encoding: 'buffer' })).stdout));
  const several = await writeTemp('layout-several.tar.xz', Buffer.from((await execa(xz, ['-T2', '--block-size=64KiB', '-c'], { input: tar, encoding: 'buffer' })).stdout));
  // A stand-in xz first on PATH writes down the arguments of each run.
  const threads = '--threads=2 --memlimit-mt-decompress=128MiB -dc';
  await withStandIn('xz', loggingRun(xz), async (dir) => {
    const log = join(dir, 'args');
    const decodes = async (path: string, ahead: boolean) => {
      await writeFile(log, '');
      if (ahead) probeAhead(path);
      const { entries } = await readRelease(path);
      assert.is(entries.length, 200);
      const runs = (await readFile(log, 'utf8')).split('\n').filter((line) => line.endsWith('-dc'));
      assert.ok(runs.length > 0, 'xz decoded it');
      return runs;
    };
    for (const ahead of [false, true]) {
      assert.ok((await decodes(one, ahead)).every((args) => args === '-dc'));
      assert.ok((await decodes(several, ahead)).every((args) => args === (threaded ? threads : '-dc')));
    }
  });
});

test('not an archive: the message says what was found', async () => {
  const cases: Array<[string, Buffer, string]> = [
    ['empty.tar.gz', Buffer.alloc(0), 'empty file'],
    ['doc.tar.xz', Buffer.from('%PDF-1.4\n%...'), 'PDF document'],
    ['error-page.tar.gz', Buffer.from('<!DOCTYPE html>\n<html><body>404</body></html>\n'), 'HTML document'],
    ['notes.zip', Buffer.from('release notes\n'), 'text'],
    ['random.tar', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), 'unknown data de ad be ef'],
  ];
  for (const [name, bytes, found] of cases) {
    const path = await writeTemp(name, bytes);
    const err = await openError(path);
    assert.is(err.code, 'input');
    assert.is(err.message, `${path}: not a release archive (found ${found})`);
    assert.match(err.hint!, /tar, tar\.gz, tar\.xz, tar\.bz2, tar\.zst and zip/);
  }
});

test('the name is ignored: a zip called .tar.gz and a tar.xz called .zip open as what they are', async () => {
  const zip = await readRelease(await writeTemp('really-a-zip.tar.gz', await buildZip([{ path: 'z', content: 'z' }])));
  assert.is(zip.release.formatName, 'zip');
  assert.equal(zip.entries.map((e) => e.path), ['z']);
  const xz = await readRelease(await writeTemp('really-a-tar-xz.zip', await compress(buildTar([{ path: 't', content: 't' }]), 'xz')));
  assert.is(xz.release.formatName, 'tar.xz');
  assert.equal(xz.entries.map((e) => e.path), ['t']);
});

test('sha256() before entries() reads the file on its own', async () => {
  const bytes = buildTar([{ path: 'a', content: 'a' }]);
  const path = await writeTemp('early-digest.tar', bytes);
  const release = await openRelease(path, { objectFormat: 'sha1', limits: defaultLimits });
  const { createHash } = await import('node:crypto');
  assert.is(await release.sha256(), createHash('sha256').update(bytes).digest('hex'));
});

test.run();
