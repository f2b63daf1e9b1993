import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import { buildTar, compress, writeTemp } from '../helpers/archives.js';
import { detachSign, makeKey, stopAgents, type TestKey } from '../helpers/gpg.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { assertValidReport } from '../helpers/schema.js';
import { makeRepo, removeTempDirs, type TestRepo } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-sig-cache-'));
const files = { README: 'hello\n', 'configure.ac': 'AC_INIT([proj],[1.2])\n' };
let repo: TestRepo;
let release: Buffer;
let server: TestServer;
let signer: TestKey;
let stranger: TestKey;
let retired: TestKey;
const http = { allowHttp: true, retries: 0 };
const run = (o: Partial<VerifyOptions>) => verify({ cacheDir, repo: repo.dir, tag: 'v1.2', release: `${server.url}/proj-1.2.tar.gz`, http, ...o });
const integrity = (r: { findings: Array<{ change: string; category: string; severity: string }> }) =>
  r.findings.filter((f) => f.change === 'integrity').map((f) => `${f.category} ${f.severity}`);

test.before(async () => {
  [signer, stranger, retired] = await Promise.all([makeKey('Release Signer'), makeKey('Someone Else'), makeKey('Old Signer', { expired: true })]);
  repo = await makeRepo({ files, tags: ['v1.2'] });
  release = await compress(buildTar([{ path: 'proj-1.2/', type: 'directory' }, ...Object.entries(files).map(([p, c]) => ({ path: `proj-1.2/${p}`, content: c }))]), 'gzip');
  server = await startServer({
    '/proj-1.2.tar.gz': { body: release },
    '/proj-1.2.tar.gz.sig': { body: await detachSign(signer, release) },
    '/forged.asc': { body: await detachSign(signer, Buffer.from('other bytes')) },
    '/stranger.asc': { body: await detachSign(stranger, release) },
    '/retired.asc': { body: await detachSign(retired, release) },
  });
});

test.after(async () => {
  await server.close();
  await stopAgents();
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('--signature auto finds .sig next to the URL; a good signature by a keyring key passes', async () => {
  const report = await run({ signature: 'auto', keyring: signer.keyring });
  assert.is(report.release.signature?.status, 'good');
  assert.is(report.release.signature?.fingerprint, signer.fingerprint);
  assert.is(report.release.signature?.inKeyring, true);
  assert.is(report.release.signature?.source, `${server.url}/proj-1.2.tar.gz.sig`);
  assert.equal(integrity(report), []);
  assert.is(report.verdict, 'pass');
});

test('a good signature by a key that has expired since is good, and says so', async () => {
  const report = await run({ signature: `${server.url}/retired.asc`, keyring: retired.keyring });
  assert.is(report.release.signature?.status, 'good');
  assert.is(report.release.signature?.fingerprint, retired.fingerprint);
  assert.is(report.release.signature?.detail, 'the key has expired since');
  assert.equal(integrity(report), []);
  assert.is(report.verdict, 'pass');
});

test('a signature over other bytes is a critical finding', async () => {
  const report = await run({ signature: `${server.url}/forged.asc`, keyring: signer.keyring });
  assert.is(report.release.signature?.status, 'bad');
  assert.equal(integrity(report), ['bad-signature critical']);
  assertValidReport(report);
  assert.is(report.verdict, 'fail');
});

test('a signature by a key outside the keyring names the key and fails', async () => {
  const report = await run({ signature: `${server.url}/stranger.asc`, keyring: signer.keyring });
  assert.is(report.release.signature?.status, 'unknown-key');
  assert.is(report.release.signature?.fingerprint, stranger.fingerprint);
  assert.is(report.release.signature?.inKeyring, false);
  assert.equal(integrity(report), ['bad-signature high']);
});

test('without a keyring the report says plainly that nothing was verified', async () => {
  const report = await run({ signature: 'auto' });
  assert.is(report.release.signature?.status, 'unverified');
  assertValidReport(report);
  assert.equal(integrity(report), []);
  assert.ok(report.notes.some((n) => /signature was NOT verified/.test(n) && n.includes(signer.fingerprint)), report.notes.join('\n'));
});

test('a local release and a local signature file', async () => {
  const path = await writeTemp('proj-1.2.tar.gz', release);
  await writeTemp('proj-1.2.tar.gz.asc', await detachSign(signer, release));
  const report = await run({ release: path, signature: 'auto', keyring: signer.keyring });
  assert.is(report.release.signature?.status, 'good');
});

test('--signature auto without a published signature is a note', async () => {
  const published = server.routes.get('/proj-1.2.tar.gz.sig')!;
  server.routes.delete('/proj-1.2.tar.gz.sig');
  const none = await run({ signature: 'auto', keyring: signer.keyring });
  server.routes.set('/proj-1.2.tar.gz.sig', published);
  assert.is(none.release.signature, undefined);
  assert.ok(none.notes.some((n) => /no signature was found/.test(n)));
});

test('temporary keyrings are removed', async () => {
  await run({ signature: 'auto', keyring: signer.keyring });
  assert.equal(readdirSync(join(cacheDir, 'tmp')), []);
});

test('signed tags are checked with git verify-tag against the keyring', async () => {
  const signed = await makeRepo({ files });
  await signed.git(['tag', '-s', '-u', signer.fingerprint, '-m', 'v1.2', 'v1.2'], { env: { GNUPGHOME: signer.home } });
  const good = await run({ repo: signed.dir, keyring: signer.keyring });
  assert.is(good.tag.signature?.status, 'good');
  assert.is(good.tag.signature?.fingerprint, signer.fingerprint);
  assertValidReport(good);
  // The same tag fetched from a remote: the tag object comes with the shallow fetch.
  const remote = await run({ repo: `file://${signed.gitDir}`, keyring: signer.keyring });
  assert.is(remote.tag.signature?.status, 'good');
  const remoteUnverified = await run({ repo: `file://${signed.gitDir}` });
  assert.is(remoteUnverified.tag.signature?.status, 'unverified');
  assert.ok(remoteUnverified.notes.some((n) => /tag signature was NOT verified/.test(n)));
  const other = await run({ repo: signed.dir, keyring: stranger.keyring });
  assert.is(other.tag.signature?.status, 'unknown-key');
  assert.equal(integrity(other), ['bad-signature high']);
  // Unsigned annotated tags of a remote say so.
  const plain = await makeRepo({ files, tags: [{ name: 'v1.2', annotated: true }] });
  const unsigned = await run({ repo: `file://${plain.gitDir}` });
  assert.is(unsigned.tag.signature?.status, 'unsigned');
});

test.run();
