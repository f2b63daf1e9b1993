import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hashFile } from '../../src/analyze/knowledge/hash.js';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { describeOrigin } from '../../src/analyze/knowledge/origin.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { context, installSh, known, makeFixture, nls6, releaseFile } from './knowledge-fixture.js';

test('the loader reads an index and the host folders, by hash and by name', async () => {
  const fx = makeFixture();
  try {
    const lib = await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [fx.hostDir, join(fx.dir, 'missing')] });
    const h = hashFile(Buffer.from(nls6));
    // Found by sha1 blob id, sha256 blob id and sha256, in the index and on the host.
    for (const id of [h.blobId, h.blobId256!, h.sha256]) assert.equal(lib.byHash(id).map((f) => f.origin.package).sort(), ['gettext', `host:${fx.hostDir}`]);
    const nls = lib.byName('nls.m4');
    assert.equal(nls.map((f) => f.serial), [6, 6]);
    // Host files are indexed only when of interest, subfolders included.
    assert.is(lib.byName('README').length, 0);
    assert.is(lib.byName('ltmain.sh')[0]?.path, join(fx.hostDir, 'sub', 'ltmain.sh'));
    // Genuine bytes: from the host copy, also for the indexed file with the same content.
    assert.is((await lib.content(nls[0]!))?.toString(), nls6);
    assert.is((await lib.content(nls[1]!))?.toString(), nls6);
    assert.is(await lib.content(lib.byName('install-sh')[0]!), undefined);
    assert.equal(lib.byHash('0'.repeat(40)), []);
  } finally {
    fx.cleanup();
  }
});

test('the loader reads JSON lines and reports an unreadable index with its path', async () => {
  const fx = makeFixture();
  try {
    const lines = join(fx.dir, 'user.jsonl');
    writeFileSync(lines, `${JSON.stringify(known('missing', 'x', { package: 'automake', version: '1.17' }))}\nnot json\n{"name":"broken"}\n`);
    const lib = await loadKnowledge({ indexPaths: [lines], hostDirs: [] });
    assert.is(lib.byName('missing').length, 1);
    assert.is(lib.byName('broken').length, 0);
    try {
      await loadKnowledge({ indexPaths: [join(fx.dir, 'nope.json')], hostDirs: [] });
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.match((err as Error).message, 'reading knowledge index');
      assert.match((err as Error).message, 'nope.json');
    }
  } finally {
    fx.cleanup();
  }
});

test('host files are hashed once: later runs take the cache while size, time and inode are unchanged', async () => {
  const fx = makeFixture();
  try {
    const cacheDir = join(fx.dir, 'cache');
    const load = async () => {
      const lib = await loadKnowledge({ indexPaths: [], hostDirs: [fx.hostDir], cacheDir });
      return lib.byName('nls.m4').map((f) => f.serial);
    };
    // Whole seconds: a time set again later is then the same to the nanosecond.
    const nls = join(fx.hostDir, 'nls.m4');
    const atime = new Date(1_700_000_000_000);
    const mtime = new Date(1_700_000_000_000);
    utimesSync(nls, atime, mtime);
    assert.equal(await load(), [6]);
    const cacheFile = join(cacheDir, 'knowledge', 'host-hashes.json');
    assert.ok(existsSync(cacheFile));
    assert.match(readFileSync(cacheFile, 'utf8'), '"serial":6');
    // Same size, time and inode, other bytes: the cache answers (the file is not read again).
    const text = readFileSync(nls, 'utf8');
    const edited = text.replace('serial 6', 'serial 7');
    assert.is(edited.length, text.length);
    writeFileSync(nls, edited);
    utimesSync(nls, atime, mtime);
    assert.equal(await load(), [6]);
    // A new modification time (an upgrade): hashed again.
    utimesSync(nls, atime, new Date(mtime.getTime() + 5000));
    assert.equal(await load(), [7]);
    // No cache folder, no cache: hashed every time.
    const lib = await loadKnowledge({ indexPaths: [], hostDirs: [fx.hostDir] });
    assert.equal(lib.byName('nls.m4').map((f) => f.serial), [7]);
    // An unreadable cache costs only the hashing.
    writeFileSync(cacheFile, 'not json');
    assert.equal(await load(), [7]);
  } finally {
    fx.cleanup();
  }
});

test('origins read as the tool and its upstream version', () => {
  const o = (pkg: string, version: string) => describeOrigin(known('x', '', { package: pkg, version }));
  assert.is(o('automake', '1:1.16.5-1.3'), 'automake 1.16.5 (Debian)');
  assert.is(o('libtool', '2.4.7-7~deb12u1'), 'libtool 2.4.7 (Debian)');
  assert.is(o('gettext', '0.19.8'), 'gettext 0.19.8');
  assert.is(o('host:/usr/share/aclocal', 'installed'), 'the copy installed in /usr/share/aclocal');
});

test('known-good explains an exact copy and not a one-byte look-alike', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [] }));
    const exact = await knownGood.judge({ kind: 'only-in-release', path: 'build-aux/install-sh', release: releaseFile('build-aux/install-sh', installSh) }, ctx);
    assert.is(exact?.category, 'known-good');
    assert.is(exact?.severity, 'low');
    assert.equal(exact?.reasons, ['identical to install-sh of automake 1.16.5 (Debian)']);
    assert.equal(exact?.evidence?.matches?.map((m) => `${m.source} ${m.package} ${m.version}`), ['library automake 1:1.16.5-1.3']);
    const modified = await knownGood.judge(
      { kind: 'modified', path: 'build-aux/install-sh', release: releaseFile('build-aux/install-sh', installSh), contentDiffers: true },
      ctx,
    );
    assert.ok(modified?.reasons.some((r) => r.includes('the tag has another version')));
    // Known content under another name: explained when release-only, not when it replaces a tracked file.
    const renamed = await knownGood.judge({ kind: 'only-in-release', path: 'build-aux/inst', release: releaseFile('build-aux/inst', installSh) }, ctx);
    assert.match(renamed!.reasons[1]!, 'known under another name (install-sh)');
    assert.is(await knownGood.judge({ kind: 'modified', path: 'run.sh', release: releaseFile('run.sh', installSh), contentDiffers: true }, ctx), undefined);
    const lookalike = installSh.replace('echo install', 'echo instal1');
    assert.is(await knownGood.judge({ kind: 'only-in-release', path: 'build-aux/install-sh', release: releaseFile('build-aux/install-sh', lookalike) }, ctx), undefined);
    assert.is(await knownGood.judge({ kind: 'only-in-release', path: 'build-aux/install-sh', release: releaseFile('build-aux/install-sh', installSh) }, context(undefined)), undefined);
  } finally {
    fx.cleanup();
  }
});

test('known-good explains a tool file whose interpreter line rpm rewrote, and nothing more', async () => {
  const fx = makeFixture();
  try {
    const ctx = context(await loadKnowledge({ indexPaths: [fx.indexPath], hostDirs: [] }));
    const judge = (text: string, mode = 0o755) =>
      knownGood.judge({ kind: 'only-in-release', path: 'build-aux/install-sh', release: { ...releaseFile('build-aux/install-sh', text), mode } }, ctx);
    // The genuine install-sh says `#!/bin/sh`; a Fedora package installs it as `#!/usr/bin/sh`.
    const mangled = installSh.replace('#!/bin/sh', '#!/usr/bin/sh');
    const j = await judge(mangled);
    assert.is(j?.category, 'known-good');
    assert.is(j?.severity, 'low');
    assert.is(j!.reasons[0], 'identical to install-sh of automake 1.16.5 (Debian) apart from its first line, `#!/usr/bin/sh` for `#!/bin/sh`');
    assert.match(j!.reasons[1]!, "rpm's brp-mangle-shebangs");
    assert.equal(j!.evidence!.matches!.map((m) => m.version), ['1:1.16.5-1.3']);
    // rpm leaves files that are not executable alone; another program, or another byte, is not this.
    assert.is(await judge(mangled, 0o644), undefined);
    assert.is(await judge(installSh.replace('#!/bin/sh', '#!/usr/bin/bash')), undefined);
    assert.is(await judge(mangled.replace('echo install', 'echo instal1')), undefined);
  } finally {
    fx.cleanup();
  }
});

test.run();
