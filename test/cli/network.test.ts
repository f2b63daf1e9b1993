import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cuckooHelp, root, runCuckooHere } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/http.js';

const release = readFileSync(join(root, 'samples/hello-1.0.tar.gz'));
const sha256 = createHash('sha256').update(release).digest('hex');
let server: TestServer;
/** Answers whatever it is sent with a line of plain text and closes its side: a port that does not speak TLS. */
let plainText: Server;
const bundle = 'samples/hello.bundle';

test.before(async () => {
  server = await startServer({
    '/hello-1.0.tar.gz': { body: release },
    '/SHA256SUMS': { body: `${'1'.repeat(64)}  hello-1.0.tar.gz\n` },
    '/down/hello-1.0.tar.gz': { status: 500 },
    '/page/hello-1.0.tar.gz': { body: '<!DOCTYPE html><html>moved</html>' },
    '/hello-1.0.tar.gz.asc': { body: '-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n' },
  });
  // Unlike an HTTP server's error reply, the graceful close never races the client's reading with a reset.
  plainText = createTcpServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  });
  await new Promise<void>((resolve) => plainText.listen(0, '127.0.0.1', resolve));
});

test.after(async () => {
  await server.close();
  await new Promise((resolve) => plainText.close(resolve));
});

/** One line on stderr naming what failed, no stack trace, the documented exit code. */
async function oneLineError(args: string[], code: number, pattern: RegExp) {
  const r = await runCuckooHere(args);
  assert.is(r.code, code, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.not.match(r.stderr, /\n\s+at /);
}

test('a release URL verifies; no progress output when stderr is not a terminal', async () => {
  const r = await runCuckooHere(['verify', `${server.url}/hello-1.0.tar.gz`, '--allow-http', '--repo', bundle, '--sha256', sha256]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /downloaded from http:\/\/127\.0\.0\.1/);
  assert.match(r.stdout, /sha256 matches --sha256/);
});

test('a checksum mismatch fails the report (exit 1), it is not a crash', async () => {
  const r = await runCuckooHere(['verify', `${server.url}/hello-1.0.tar.gz`, '--allow-http', '--repo', bundle, '--checksums', `${server.url}/SHA256SUMS`]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /DOES NOT MATCH/);
  assert.match(r.stdout, /hello-1\.0\.tar\.gz\s+integrity check · Checksum mismatch/);
});

test('bad arguments exit 2 with one line', async () => {
  await oneLineError(['verify', `${server.url}/hello-1.0.tar.gz`, '--repo', bundle], 2, /plain http is not allowed.*--allow-http/);
  await oneLineError(['verify', `${server.url}/hello-1.0.tar.gz`, '--allow-http', '--repo', bundle, '--sha256', 'abc'], 2, /--sha256: "abc" is not a sha256/);
  await oneLineError(['verify', 'ftp://example.org/hello-1.0.tar.gz', '--repo', bundle], 2, /unsupported URL scheme/);
  // An error page is named by its URL, not by the cache file it was read from.
  await oneLineError(['verify', `${server.url}/page/hello-1.0.tar.gz`, '--allow-http', '--repo', bundle], 2, /^cuckoo: http:\/\/127\.0\.0\.1:\d+\/page\/hello-1\.0\.tar\.gz: not a release archive \(found HTML document\)/);
  // The signature beside the archive, taken for it: its name gives no tag (hello 1.0.tar.gz.asc), and the download is what to fix.
  await oneLineError(['verify', `${server.url}/hello-1.0.tar.gz.asc`, '--allow-http', '--repo', bundle], 2, /^cuckoo: http:\/\/127\.0\.0\.1:\d+\/hello-1\.0\.tar\.gz\.asc: not a release archive \(found OpenPGP signature\) \(a detached signature: pass the archive it signs/);
});

test('network failures exit 3 with one line saying what to check', async () => {
  await oneLineError(['verify', `${server.url}/missing/hello-1.0.tar.gz`, '--allow-http', '--repo', bundle], 3, /HTTP 404 \(not found\).*check the URL/);
  // A name that gives no version: the missing download, not the tag, is the error.
  await oneLineError(['verify', `${server.url}/missing/hello.tar.gz`, '--allow-http', '--repo', bundle], 3, /hello\.tar\.gz: HTTP 404 \(not found\)/);
  await oneLineError(['verify', `${server.url}/down/hello-1.0.tar.gz`, '--allow-http', '--retries', '0', '--repo', bundle], 3, /HTTP 500/);
  await oneLineError(['verify', `https://127.0.0.1:${(plainText.address() as AddressInfo).port}/hello-1.0.tar.gz`, '--repo', bundle], 3, /TLS failure: the server did not answer with TLS/);
  await oneLineError(['verify', `${server.url}/hello-1.0.tar.gz`, '--allow-http', '--repo', 'http://127.0.0.1:1/hello.git'], 3, /git ls-remote http:\/\/127\.0\.0\.1:1\/hello\.git: .*check the URL/);
  await oneLineError(['verify', 'https://host.invalid/hello-1.0.tar.gz', '--retries', '0', '--repo', bundle], 3, /host\.invalid/);
});

test('--help teaches the download, checksum and signature options', async () => {
  const r = await cuckooHelp(['verify']);
  for (const option of ['--sha256', '--checksums', '--signature', '--keyring', '--allow-http', 'Downloads, checksums and signatures:', 'https://github.com/tukaani-project/xz']) {
    assert.ok(r.stdout.includes(option), option);
  }
});

test.run();
