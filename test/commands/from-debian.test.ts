import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseManifest } from '../../src/commands/batch-manifest.js';
import { applyMangle, fromDebian, renderManifestYaml } from '../../src/commands/from-debian.js';
import { concreteUrl, parseWatch } from '../../src/commands/debian-watch.js';

const work = mkdtempSync(join(tmpdir(), 'cuckoo-debian-'));

/** An unpacked source package: debian/ files by path under the package folder. */
function pkg(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'debian', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'debian', path), text);
  }
  return dir;
}

test.after(() => rmSync(work, { recursive: true, force: true }));

test('watch lines: continuations, opts with s///, @PACKAGE@ @ANY_VERSION@ and the .orig extension give one URL', () => {
  const [line] = parseWatch('version=4\n# a comment\nopts=dversionmangle=s/\\+dfsg//,\\\n  pgpsigurlmangle=s/$/.sig/ \\\n  https://example.org/ftp/@PACKAGE@/@PACKAGE@@ANY_VERSION@@ARCHIVE_EXT@ debian\n', 'libfoo');
  assert.equal(Object.keys(line!.opts), ['dversionmangle', 'pgpsigurlmangle']);
  assert.equal(concreteUrl(line!, '1.46', '.tar.bz2'), { url: 'https://example.org/ftp/libfoo/libfoo-1.46.tar.bz2' });
  assert.ok('missing' in concreteUrl(line!, '1.46', undefined));
  const [curl] = parseWatch('version=4\nopts=pgpmode=auto \\\n  https://curl.se/download/ download/curl-([\\d\\.]+).tar.gz\n', 'curl');
  assert.equal(concreteUrl(curl!, '7.88.1', undefined), { url: 'https://curl.se/download/curl-7.88.1.tar.gz' });
  const [tags] = parseWatch('version=3\nhttps://github.com/o/jq/tags .*/jq-(\\d[\\d\\.]*)\\.tar\\.gz\n', 'jq');
  assert.equal(concreteUrl(tags!, '1.6', undefined), { url: 'https://github.com/o/jq/archive/refs/tags/jq-1.6.tar.gz' });
  const [either] = parseWatch('version=4\nhttps://github.com/o/lz4/tags .*/v?(\\d\\S*)\\.tar\\.gz\n', 'lz4');
  assert.match((concreteUrl(either!, '1.9.4', undefined) as { missing: string }).missing, /fixed tag spelling/);
  const [folder] = parseWatch('version=4\nhttps://k.org/util/v([\\d.]+)/util-@ANY_VERSION@\\.tar\\.xz\n', 'util');
  assert.match((concreteUrl(folder!, '2.38.1', undefined) as { missing: string }).missing, /more than the version as a pattern/);
  assert.is(applyMangle('s/\\+dfsg\\d*//g', '1.5.4+dfsg2'), '1.5.4');
});

test('--from-debian: complete packages become entries (keyring, signature auto, debian/cuckoo.json as policy), the others are listed with what is missing', async () => {
  const full = pkg('libfoo-1.46', {
    changelog: 'libfoo (1:1.46+dfsg-2) unstable; urgency=medium\n',
    watch: 'version=4\nopts="dversionmangle=s/\\+dfsg//,pgpsigurlmangle=s/$/.sig/" \\\n  https://example.org/ftp/@PACKAGE@/@PACKAGE@@ANY_VERSION@@ARCHIVE_EXT@\n',
    'upstream/metadata': 'Name: libfoo\nRepository: https://git.example.org/libfoo.git\n',
    'upstream/signing-key.asc': '-----BEGIN PGP PUBLIC KEY BLOCK-----\n',
    'cuckoo.json': '{"allow": []}\n',
  });
  writeFileSync(join(work, 'libfoo_1.46+dfsg.orig.tar.bz2'), '');
  const github = pkg('jq-1.6', {
    changelog: 'jq (1.6-2.1) unstable; urgency=medium\n',
    watch: 'version=3\nhttps://github.com/stedolan/jq/tags .*/jq-(\\d[\\d\\.]*)\\.tar\\.gz\n',
  });
  const lacking = pkg('bar-2.0', {
    changelog: 'bar (2.0-1) unstable; urgency=medium\n',
    watch: 'version=4\nhttps://example.org/bar/v([\\d.]+)/bar-@ANY_VERSION@\\.tar\\.xz\n',
  });
  const empty = pkg('nothing', { 'source/format': '3.0 (quilt)\n' });
  const result = await fromDebian([full, github, lacking, empty]);
  assert.equal(result.entries, [
    { name: 'libfoo-1.46', release: 'https://example.org/ftp/libfoo/libfoo-1.46.tar.bz2', repo: 'https://git.example.org/libfoo.git', signature: 'auto', keyring: join(full, 'debian/upstream/signing-key.asc'), policy: join(full, 'debian/cuckoo.json') },
    { name: 'jq-1.6', release: 'https://github.com/stedolan/jq/archive/refs/tags/jq-1.6.tar.gz', repo: 'https://github.com/stedolan/jq' },
  ]);
  assert.equal(result.incomplete.map((i) => i.dir), [lacking, empty]);
  assert.match(result.incomplete[0]!.missing.join('; '), /concrete URL.*; the repository \(Repository: in debian\/upstream\/metadata\)/);
  assert.match(result.incomplete[1]!.missing.join('; '), /debian\/changelog.*debian\/watch/);
  // The written manifest reads back as the same entries, keyring relative to it.
  const yaml = renderManifestYaml(result, work);
  assert.match(yaml, /# bar-2\.0: not listed, missing/);
  assert.match(yaml, /keyring: libfoo-1\.46\/debian\/upstream\/signing-key\.asc/);
  assert.match(yaml, /policy: libfoo-1\.46\/debian\/cuckoo\.json/);
  const m = parseManifest(yaml, 'debian.yaml', work);
  assert.equal(m.entries.map((e) => [e.name, e.keyring, e.policy]), [['libfoo-1.46', join(full, 'debian/upstream/signing-key.asc'), join(full, 'debian/cuckoo.json')], ['jq-1.6', undefined, undefined]]);
});

test.run();
