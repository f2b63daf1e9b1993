import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { BlobReader, Fifo, readBlobs } from '../../src/git/blobs.js';
import { openRepo } from '../../src/git/repo.js';
import { makeRepo, rejects, removeTempDirs, runGit, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

/** cat-file processes started by this test process (others may run tests at the same time). */
function catFileProcesses(): number {
  const out = execFileSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m && Number(m[1]) === process.pid && /^git .*cat-file --batch$/.test(m[2]!.trim())).length;
}

async function fixture() {
  const files: Record<string, string | Buffer> = {};
  for (let i = 0; i < 300; i++) files[`f${i}`] = `content ${i}\n`.repeat(i % 17);
  files['big.bin'] = randomBytes(3 * 1024 * 1024 + 7);
  files['nl-only'] = '\n';
  const repo = await makeRepo({ files, checkout: false });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const oids = new Map<string, string>();
  for (const line of (await repo.git(['ls-tree', '-r', 'HEAD'])).split('\n')) {
    const [meta, path] = line.split('\t');
    oids.set(path!, meta!.split(' ')[2]!);
  }
  return { repo, handle, files, oids };
}

test('one process reads many blobs, answered in order, including empty and large ones', async () => {
  const { handle, files, oids } = await fixture();
  const before = catFileProcesses();
  const reader = new BlobReader(handle);
  const paths = [...Object.keys(files)].reverse();
  const results = await Promise.all(paths.map((p) => reader.read(oids.get(p)!)));
  assert.is(catFileProcesses(), before + 1, 'exactly one cat-file process');
  paths.forEach((p, i) => assert.ok(results[i]!.equals(Buffer.from(files[p]!)), p));
  // The same blob twice, after the first batch.
  assert.is((await reader.read(oids.get('f5')!)).toString(), 'content 5\n'.repeat(5));
  await reader.close();
  assert.is(catFileProcesses(), before, 'the process is gone after close');
  await rejects(reader.read(oids.get('f1')!), 'git', /closed/);
});

test('digests stream through the same process, between reads, with no copy of the blob kept', async () => {
  const { handle, files, oids } = await fixture();
  const reader = new BlobReader(handle);
  const paths = Object.keys(files);
  const sha = (b: string | Buffer, algorithm = 'sha256') => createHash(algorithm).update(b).digest('hex');
  // Reads and digests asked together, answered in order.
  const asked = paths.map((p, i) => (i % 3 === 0 ? reader.read(oids.get(p)!) : reader.digest(oids.get(p)!, i % 3 === 1 ? 'sha256' : 'sha1')));
  const results = await Promise.all(asked);
  paths.forEach((p, i) => {
    const want = Buffer.from(files[p]!);
    if (i % 3 === 0) assert.ok((results[i] as Buffer).equals(want), p);
    else assert.is(results[i], sha(want, i % 3 === 1 ? 'sha256' : 'sha1'), p);
  });
  assert.is(await reader.digest(oids.get('big.bin')!), sha(files['big.bin']!));
  assert.is(await reader.digest(oids.get('f0')!), sha(''), 'an empty blob');
  await reader.close();
});

test('thousands of reads asked at once are answered in the order asked', async () => {
  const { handle, files, oids } = await fixture();
  const reader = new BlobReader(handle);
  const paths = Object.keys(files).filter((p) => p !== 'big.bin');
  const asked = Array.from({ length: 5000 }, (_, i) => paths[(i * 7) % paths.length]!);
  const results = await Promise.all(asked.map((p, i) => (i % 2 ? reader.digest(oids.get(p)!) : reader.read(oids.get(p)!))));
  asked.forEach((p, i) => {
    const want = Buffer.from(files[p]!);
    assert.ok(i % 2 ? results[i] === createHash('sha256').update(want).digest('hex') : (results[i] as Buffer).equals(want), `${i}: ${p}`);
  });
  await reader.close();
});

test('Fifo: first in, first out across its compactions, drained at once, iterated in order', () => {
  const q = new Fifo<number>();
  assert.is(q.shift(), undefined);
  let next = 0;
  let expect = 0;
  // Uneven pushes and shifts, well past the point where taken items are dropped.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 300 + (round % 7) * 40; i++) q.push(next++);
    for (let i = 0; i < 250 + (round % 5) * 60 && q.length > 0; i++) assert.is(q.shift(), expect++);
    assert.is(q.length, next - expect);
  }
  assert.equal([...q], Array.from({ length: next - expect }, (_, i) => expect + i));
  assert.equal(q.drain(), Array.from({ length: next - expect }, (_, i) => expect + i));
  assert.is(q.length, 0);
  assert.is(q.shift(), undefined);
  q.push(-1);
  assert.equal([...q], [-1]);
});

test('a missing object rejects its read only, naming the oid', async () => {
  const { handle, oids } = await fixture();
  const reader = new BlobReader(handle);
  const missing = '0123456789abcdef0123456789abcdef01234567';
  const first = reader.read(oids.get('f3')!);
  const bad = reader.read(missing);
  const after = reader.read(oids.get('f4')!);
  assert.is((await first).toString(), 'content 3\n'.repeat(3));
  const e = await rejects(bad, 'input', new RegExp(`object ${missing} is missing`));
  assert.ok(e.hint);
  assert.is((await after).toString(), 'content 4\n'.repeat(4));
  await rejects(reader.read('HEAD'), 'input', /not a full sha1 object id/);
  await rejects(reader.read(`${oids.get('f4')}\n`), 'input', /not a full/);
  await reader.close();
});

test('destroy rejects waiting reads and kills the process; readBlobs cleans up', async () => {
  const { handle, oids } = await fixture();
  const before = catFileProcesses();
  const reader = new BlobReader(handle);
  const pending = reader.read(oids.get('big.bin')!);
  const destroyed = reader.destroy();
  await rejects(pending, 'git', /stopped/);
  await destroyed;
  assert.is(catFileProcesses(), before);
  const got = await readBlobs(handle, [oids.get('f2')!, oids.get('nl-only')!]);
  assert.equal(got.map((b) => b.toString()), ['content 2\n'.repeat(2), '\n']);
  await rejects(readBlobs(handle, ['f'.repeat(40)]), 'input', /missing/);
  assert.is(catFileProcesses(), before, 'no process left running');
});

test('a reader started before its first read runs one process, idle until then, which the reads then use', async () => {
  const { handle, oids } = await fixture();
  const before = catFileProcesses();
  const reader = new BlobReader(handle);
  reader.start();
  reader.start();
  assert.is(catFileProcesses(), before + 1, 'started once');
  assert.is((await reader.read(oids.get('f2')!)).toString(), 'content 2\n'.repeat(2));
  assert.is(catFileProcesses(), before + 1, 'the same process answered');
  await reader.close();
  assert.is(catFileProcesses(), before);
  // Closed, it starts nothing.
  reader.start();
  assert.is(catFileProcesses(), before);
  // Started and never read from, it does not keep Node running.
  const script = `
    import { BlobReader } from ${JSON.stringify(new URL('../../src/git/blobs.js', import.meta.url).href)};
    new BlobReader(${JSON.stringify(handle)}).start();
  `;
  const { execa } = await import('execa');
  const result = await execa(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, reject: false });
  assert.is(result.timedOut, false, 'node exited on its own');
});

test('a read asked in the tick the reader closes is still answered', async () => {
  const { handle, oids } = await fixture();
  const reader = new BlobReader(handle);
  const first = reader.read(oids.get('f3')!);
  await first;
  // The process runs; the next request and the close come in one tick.
  const late = reader.read(oids.get('f4')!);
  const late2 = reader.digest(oids.get('f5')!);
  await reader.close();
  assert.is((await late).toString(), 'content 4\n'.repeat(4));
  assert.is(await late2, createHash('sha256').update('content 5\n'.repeat(5)).digest('hex'));
});

test('a closing reader keeps Node running until its process has exited, even once every read is answered', async () => {
  // In its own process: here the test runner's own handles would keep Node running whatever the reader does.
  const { handle, oids } = await fixture();
  const script = `
    import { BlobReader } from ${JSON.stringify(new URL('../../src/git/blobs.js', import.meta.url).href)};
    for (let i = 0; i < 20; i++) {
      const reader = new BlobReader(${JSON.stringify(handle)});
      await reader.read(${JSON.stringify(oids.get('f3'))});
      const late = reader.read(${JSON.stringify(oids.get('f4'))});
      await reader.close();
      if ((await late).length !== 40) throw new Error('a short read');
    }
    process.stdout.write('closed 20 times');
  `;
  const { execa } = await import('execa');
  const result = await execa(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000, reject: false });
  assert.is(result.stderr, '');
  assert.is(result.exitCode, 0);
  assert.is(result.stdout, 'closed 20 times');
});

test('a partial clone: git dies on a blob it cannot fetch, and the reads behind it go to a new process', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`f${i}`] = `content ${i}\n`.repeat(i + 1);
  const origin = await makeRepo({ files, checkout: false });
  await origin.git(['config', 'uploadpack.allowFilter', 'true']);
  const dir = await tempDir();
  await origin.git(['clone', '--quiet', '--bare', '--no-local', '--filter=blob:none', `file://${origin.dir}`, `${dir}/partial.git`]);
  const oids = new Map<string, string>();
  for (const line of (await origin.git(['ls-tree', '-r', 'HEAD'])).split('\n')) {
    const [meta, path] = line.split('\t');
    oids.set(path!, meta!.split(' ')[2]!);
  }
  // Some blobs fetched into the clone, then its promisor remote gone: the others cannot be had.
  const have = ['f1', 'f2', 'f3', 'f30', 'f31'];
  await runGit(dir, ['--git-dir', `${dir}/partial.git`, 'fetch', '--quiet', 'origin', ...have.map((p) => oids.get(p)!)]);
  await runGit(dir, ['--git-dir', `${dir}/partial.git`, 'remote', 'set-url', 'origin', `file://${dir}/gone.git`]);
  const handle = await openRepo(`${dir}/partial.git`, { cacheDir: await tempDir() });
  const reader = new BlobReader(handle);
  // Asked in one tick: the process dies at f10; f30 and f31 go to a second one, which dies at f11.
  const asked = ['f1', 'f2', 'f10', 'f30', 'f11', 'f31', 'f3'].map((p) => ({ p, read: reader.read(oids.get(p)!).then((b) => b.toString(), (e: Error) => e) }));
  for (const { p, read } of asked) {
    const got = await read;
    if (have.includes(p)) assert.is(got, files[p], p);
    else assert.match(String(got), new RegExp(`object ${oids.get(p)} is missing`), p);
  }
  await reader.close();
});

test('an idle reader someone forgot to close does not keep Node running', async () => {
  const { handle, oids } = await fixture();
  const script = `
    import { BlobReader } from ${JSON.stringify(new URL('../../src/git/blobs.js', import.meta.url).href)};
    const reader = new BlobReader(${JSON.stringify(handle)});
    const content = await reader.read(${JSON.stringify(oids.get('f2'))});
    process.stdout.write(content);
  `;
  const { execa } = await import('execa');
  const result = await execa(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, reject: false });
  assert.is(result.timedOut, false, 'node exited on its own');
  assert.is(result.stdout, 'content 2\ncontent 2');
});

test.run();
