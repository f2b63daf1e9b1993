import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progressBar } from '../../src/cli/progress.js';
import { Download } from '../../src/release/download.js';
import { startServer, type TestServer } from '../helpers/http.js';

const dir = mkdtempSync(join(tmpdir(), 'cuckoo-download-'));
const body = Buffer.alloc(100_000, 7);
let server: TestServer;

test.before(async () => {
  server = await startServer({ '/slow': { slow: body, delayMs: 400 }, '/fast': { body } });
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the stream gives the first bytes before the download has finished', async () => {
  const download = new Download(`${server.url}/slow`, join(dir, 'slow'), { allowHttp: true, maxBytes: 1e9 });
  let finished = false;
  void download.done.then(() => (finished = true));
  const chunks: Buffer[] = [];
  let finishedAtFirst: boolean | undefined;
  for await (const chunk of download.stream()) {
    finishedAtFirst ??= finished;
    chunks.push(chunk as Buffer);
  }
  assert.is(finishedAtFirst, false);
  assert.ok(Buffer.concat(chunks).equals(body));
  assert.is((await download.done).size, body.length);
});

test('the size limit stops a download and removes the partial file', async () => {
  const path = join(dir, 'big');
  const download = new Download(`${server.url}/fast`, path, { allowHttp: true, maxBytes: 1000 });
  try {
    await download.done;
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /limit of 1000|more than 1000/);
  }
  const { existsSync } = await import('node:fs');
  assert.is(existsSync(path), false);
});

test('the progress bar shows bytes, rate and time left', () => {
  let out = '';
  const bar = progressBar({ write: (s: string) => (out += s) });
  bar.update({ url: 'x', received: 1024 * 1024, total: 4 * 1024 * 1024 });
  assert.match(out, /downloading \[#+ +\] 1\.0 MiB \/ 4\.0 MiB at .*\/s, .* left/);
  bar.done();
  assert.match(out, /\r\x1b\[2K$/);
});

test.run();
