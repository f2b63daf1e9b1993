import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import { CuckooError } from '../../src/errors.js';
import type { ReleaseEntry } from '../../src/release/entry.js';
import { ContentSpill } from '../../src/release/spill.js';

/**
 * Kept release bytes past the budget go to one file in the cache folder's
 * tmp, removed from its folder while open, and are read back on each use
 * (release/spill.ts).
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-spill-'));

test.after(() => rmSync(cacheDir, { recursive: true, force: true }));

const fileEntry = (path: string, content: Buffer): ReleaseEntry => ({ index: 0, path, type: 'file', mode: 0o644, size: content.length, content });
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

test('within the budget the bytes stay where they are; past it they are written out and read back, each time anew', () => {
  const spill = new ContentSpill(cacheDir, 100);
  const a = fileEntry('a', bytes(60, 1));
  const small = a.content;
  spill.keep(a);
  assert.is(a.content, small, 'held in memory: the same buffer');
  assert.is(spill.held, 60);
  const b = fileEntry('b', bytes(50, 2));
  const c = fileEntry('c', bytes(70, 3));
  const d = fileEntry('d', bytes(40, 4));
  for (const e of [b, c, d]) spill.keep(e);
  assert.is(spill.held, 100, 'd still fitted');
  assert.is(d.content, d.content, 'd is held');
  assert.is(spill.spilledFiles, 2);
  assert.is(spill.spilled, 120);
  assert.ok(b.content!.equals(bytes(50, 2)));
  assert.ok(c.content!.equals(bytes(70, 3)), 'read back from its own offset');
  assert.is.not(c.content, c.content, 'a fresh copy each time: none is held');
  assert.equal(Object.keys(c).sort(), ['content', 'index', 'mode', 'path', 'size', 'type'], 'content is still an own, enumerable property');
  spill.close();
});

test('bytes let go (the tag turned out to have the file) no longer count against the budget', () => {
  const spill = new ContentSpill(cacheDir, 100);
  const early = fileEntry('early', bytes(80, 1));
  spill.keep(early);
  const out = fileEntry('out', bytes(30, 2));
  spill.keep(out);
  assert.is(spill.spilledFiles, 1, 'past the budget');
  spill.letGo(out);
  spill.letGo(early);
  delete early.content;
  spill.letGo(early);
  assert.is(spill.held, 0, 'a spilled file, or one let go twice, refunds nothing more');
  const later = fileEntry('later', bytes(90, 3));
  const held = later.content;
  spill.keep(later);
  assert.is(later.content, held, 'the room is there again');
  spill.close();
});

test('the spill file has no name while the run holds it, and nothing is left after', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cuckoo-spill-dir-'));
  try {
    const spill = new ContentSpill(dir, 0);
    const e = fileEntry('x', bytes(1000, 5));
    spill.keep(e);
    assert.ok(existsSync(join(dir, 'tmp')), 'made in the cache folder');
    assert.equal(readdirSync(join(dir, 'tmp')), [], 'removed from its folder once opened');
    assert.ok(e.content!.equals(bytes(1000, 5)));
    spill.close();
    spill.close();
    assert.equal(readdirSync(join(dir, 'tmp')), []);
    assert.throws(() => e.content, /asked for after the run ended/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bytes set or deleted on a spilled entry are the caller\'s own', () => {
  const spill = new ContentSpill(cacheDir, 0);
  const e = fileEntry('x', bytes(10, 6));
  spill.keep(e);
  const mine = Buffer.from('mine');
  e.content = mine;
  assert.is(e.content, mine);
  const f = fileEntry('y', bytes(10, 7));
  spill.keep(f);
  delete f.content;
  assert.is(f.content, undefined);
  spill.close();
  assert.is(e.content, mine, 'no longer read from the spill file');
});

test('a cache folder that cannot be written is an input error naming it', () => {
  const notADir = join(cacheDir, 'plain-file');
  writeFileSync(notADir, 'x');
  const spill = new ContentSpill(notADir, 0);
  try {
    spill.keep(fileEntry('x', bytes(10, 8)));
    assert.unreachable('kept without a cache folder');
  } catch (err) {
    assert.instance(err, CuckooError);
    assert.is((err as CuckooError).code, 'input');
    assert.match((err as Error).message, `writing in the cache folder ${join(notADir, 'tmp')}`);
  }
  spill.close();
});

test('verify with every kept file written out gives the report it gives with all of them in memory, diffs included', async () => {
  // Whatever appears in the cache's tmp during the runs, even for a moment.
  const tmp = join(cacheDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  let seen: string[] = [];
  const watcher = watch(tmp, (_event, name) => name && seen.push(String(name)));
  try {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
    for (const sample of ['tampered', 'planted']) {
      const options = { release: join(root, `samples/${sample}/hello-1.0.tar.gz`), repo: join(root, 'samples/hello.bundle'), cacheDir, hostKnowledge: false, reproduce: false, allDiffs: true };
      const held = await verify(options);
      await settle();
      assert.equal(seen.filter((n) => n.startsWith('spill-')), [], `${sample}: a small release is held in memory whole`);
      const spilled = await verify({ ...options, contentBudget: 0 });
      await settle();
      assert.is(new Set(seen.filter((n) => n.startsWith('spill-'))).size, 1, `${sample}: with no budget, the kept files went to one spill file`);
      seen = [];
      // The tampered sample's findings carry diffs of kept bytes; the planted
      // sample's compiled catalog is explained by parsing its bytes.
      const fromBytes = sample === 'tampered' ? held.findings.filter((f) => f.evidence.diff !== undefined) : held.findings.filter((f) => f.path === 'po/de.gmo' && f.category === 'gettext-catalog');
      assert.ok(fromBytes.length > 0, `${sample}: findings read from the kept bytes`);
      assert.equal(spilled.findings, held.findings, sample);
      assert.equal(spilled.counts, held.counts, sample);
      assert.is(spilled.verdict, held.verdict, sample);
    }
  } finally {
    watcher.close();
  }
  assert.equal(readdirSync(tmp).filter((n) => n.startsWith('spill-')), [], 'no spill file left');
});

test.run();
