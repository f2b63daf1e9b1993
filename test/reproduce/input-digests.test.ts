/**
 * The key of a kept reproduction is the sha256 of each input's bytes. Where a
 * file's sha256 is known without its bytes (the release's hashed as it
 * streamed, the tag's as git read them ahead), a run whose results are kept
 * reads no input; one that runs reads them, and keeps nothing if they are not
 * the bytes the digest said.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReproducer, type ReproduceFile } from '../../src/reproduce/reproducer.js';
import { findSandbox } from '../../src/reproduce/sandbox.js';
import { readRelease } from '../helpers/archives.js';
import { root } from '../helpers/cli.js';
import { generatorsReady } from '../helpers/sandbox-tools.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-input-digests-'));
let ready = false;

test.before(async () => {
  ready = await generatorsReady(cacheDir, 'input digest');
});
test.after(() => rmSync(cacheDir, { recursive: true, force: true }));

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const kept = () => readdirSync(join(cacheDir, 'reproduce')).filter((n) => n.endsWith('.run.gz')).sort();

/** The sample release's files; each read of one is noted in `reads`; with `digests`, each tells its sha256, `lie` a wrong one. */
async function sample(reads: string[], digests: boolean, lie?: string): Promise<Map<string, ReproduceFile>> {
  const { entries } = await readRelease(join(root, 'samples/hello-1.0.tar.gz'), { keepContent: () => true });
  const files = new Map<string, ReproduceFile>();
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const path = e.path.slice('hello-1.0/'.length);
    const bytes = e.content!;
    files.set(path, {
      path,
      inTag: false,
      executable: (e.mode & 0o111) !== 0,
      content: async () => (reads.push(path), bytes),
      ...(digests ? { sha256: async () => sha256(path === lie ? 'other bytes' : bytes) } : {}),
    });
  }
  return files;
}

const reproducer = (files: Map<string, ReproduceFile>) => createReproducer({ files, cacheDir, sandbox: () => findSandbox('bwrap') });
const m4 = (reads: string[]) => reads.filter((p) => p.startsWith('m4/')).sort();

test('kept results are found by the inputs\' digests without reading them, under the key their bytes gave', async () => {
  if (!ready) return;
  const fromBytes: string[] = [];
  const first = await reproducer(await sample(fromBytes, false)).outcome('configure');
  assert.ok(first && 'cached' in first && !first.cached, `the first run runs: ${JSON.stringify(first)}`);
  assert.ok(m4(fromBytes).length >= 10, `the macros are inputs, read to key the run: ${m4(fromBytes).join(' ')}`);
  assert.is(kept().length, 1);

  const fromDigests: string[] = [];
  const again = reproducer(await sample(fromDigests, true));
  const outcome = await again.outcome('configure');
  assert.ok(outcome && 'cached' in outcome && outcome.cached, 'the results kept by the run from bytes');
  assert.equal(m4(fromDigests), [], 'no macro read');
  assert.is(kept().length, 1);
});

test('a digest that is not of the bytes read keeps nothing: the run is not kept under a key its inputs did not give', async () => {
  if (!ready) return;
  const before = kept();
  const reads: string[] = [];
  const lying = reproducer(await sample(reads, true, 'm4/po.m4'));
  const outcome = await lying.outcome('configure');
  assert.ok(outcome && 'cached' in outcome && !outcome.cached, 'the lie made another key: the generators ran');
  assert.ok(reads.includes('m4/po.m4'), 'read to lay it out');
  assert.equal(kept(), before);
  assert.ok(lying.summary()?.notes.some((n) => n.includes("m4/po.m4's bytes are not those its digest was taken of")), JSON.stringify(lying.summary()?.notes));
});

test.run();
