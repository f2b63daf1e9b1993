import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseManifest } from '../../src/commands/batch-manifest.js';
import { applyMangle, fromDebian, renderManifestYaml } from '../../src/commands/from-debian.js';
import { concreteUrl, parseWatch } from '../../src/commands/debian-watch.js';
import type { BatchSummary } from '../../src/report/batch-summary.js';
import { buildTar, compress } from '../helpers/archives.js';
import { runCuckooHere } from '../helpers/cli.js';
import { startServer } from '../helpers/http.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

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

test.after(async () => {
  await removeTempDirs();
  rmSync(work, { recursive: true, force: true });
});

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
  const tags: Record<string, string[]> = { 'https://git.example.org/libfoo.git': ['v1.45', 'v1.46'], 'https://github.com/stedolan/jq': ['jq-1.5', 'jq-1.6'] };
  const listTags = async (repo: string) => (tags[repo] ?? []).map((name, i) => ({ name, refName: `refs/tags/${name}`, object: String(i).repeat(40), commit: String(i).repeat(40), annotated: false }));
  const result = await fromDebian([full, github, lacking, empty], { listTags, uscan: false });
  // The .orig tarball beside libfoo is the release; the watch URL is its record.
  assert.equal(result.entries, [
    { name: 'libfoo-1.46', release: join(work, 'libfoo_1.46+dfsg.orig.tar.bz2'), repo: 'https://git.example.org/libfoo.git', tag: 'v1.46', upstream: 'https://example.org/ftp/libfoo/libfoo-1.46.tar.bz2', signature: 'auto', keyring: join(full, 'debian/upstream/signing-key.asc'), policy: join(full, 'debian/cuckoo.json'), policyFound: 'from-debian' },
    { name: 'jq-1.6', release: 'https://github.com/stedolan/jq/archive/refs/tags/jq-1.6.tar.gz', repo: 'https://github.com/stedolan/jq', tag: 'jq-1.6' },
  ]);
  assert.equal(result.incomplete.map((i) => i.dir), [lacking, empty]);
  assert.match(result.incomplete[0]!.missing.join('; '), /^the release: put bar_2\.0\.orig\.tar\.\* beside the package \(apt-get source --download-only bar, .*more than the version as a pattern.*; the repository: add "Repository: URL" to debian\/upstream\/metadata, or "bar: URL" to a --repo-map file$/);
  assert.match(result.incomplete[1]!.missing.join('; '), /^debian\/changelog: a first entry/);
  // The written manifest reads back as the same entries, keyring relative to it.
  const yaml = renderManifestYaml(result, work);
  assert.match(yaml, /# bar-2\.0: not listed, missing/);
  assert.match(yaml, /keyring: libfoo-1\.46\/debian\/upstream\/signing-key\.asc/);
  assert.match(yaml, /release: libfoo_1\.46\+dfsg\.orig\.tar\.bz2\n/);
  assert.match(yaml, /upstream: https:\/\/example\.org\/ftp\/libfoo\/libfoo-1\.46\.tar\.bz2\n/);
  assert.match(yaml, /policy: libfoo-1\.46\/debian\/cuckoo\.json\n\s*policyFound: from-debian\n/);
  const m = parseManifest(yaml, 'debian.yaml', work);
  assert.equal(m.entries.map((e) => [e.name, e.release, e.tag, e.keyring, e.policy, e.policyFound]), [['libfoo-1.46', join(work, 'libfoo_1.46+dfsg.orig.tar.bz2'), 'v1.46', join(full, 'debian/upstream/signing-key.asc'), join(full, 'debian/cuckoo.json'), 'from-debian'], ['jq-1.6', 'https://github.com/stedolan/jq/archive/refs/tags/jq-1.6.tar.gz', 'jq-1.6', undefined, undefined, undefined]]);
});

test('the tag as uscan sees it: the watch pattern matches the tag and its uversionmangle gives the version (json-c-0.16-20220414 is 0.16); dversionmangle=auto', async () => {
  const jsonc = pkg('json-c-0.16', {
    changelog: 'json-c (0.16-2) unstable; urgency=medium\n',
    watch: 'version=4\nopts=uversionmangle=s/(\\d+\\.\\d+(\\.\\d+)?)-\\d+/$1/,\\\ndversionmangle=s/\\+dfsg$//,repacksuffix=+dfsg \\\nhttps://github.com/json-c/json-c/tags .*/json-c-(\\d.*)\\.(?:tgz|tbz2|txz|tar\\.(?:gz|bz2|xz))\n',
    'upstream/metadata': 'Repository: https://github.com/json-c/json-c.git\n',
  });
  writeFileSync(join(work, 'json-c_0.16.orig.tar.gz'), '');
  const xml = pkg('libxml2-2.9.14+dfsg', {
    changelog: 'libxml2 (2.9.14+dfsg-1.3~deb12u6) bookworm; urgency=high\n',
    watch: 'version=4\nopts="repacksuffix=+dfsg,dversionmangle=auto" https://download.gnome.org/sources/libxml2/cache.json libxml2/([\\d.]+)/libxml2-([\\d.]+)\\.tar\\.xz\n',
    'upstream/metadata': 'Repository: https://gitlab.gnome.org/GNOME/libxml2.git\n',
  });
  writeFileSync(join(work, 'libxml2_2.9.14+dfsg.orig.tar.xz'), '');
  const tags: Record<string, string[]> = {
    'https://github.com/json-c/json-c.git': ['json-c-0.15-20200726', 'json-c-0.16-20220414', 'json-c-0.16-nodoc'],
    'https://gitlab.gnome.org/GNOME/libxml2.git': ['v2.9.13', 'v2.9.14'],
  };
  const listTags = async (repo: string) => (tags[repo] ?? []).map((name, i) => ({ name, refName: `refs/tags/${name}`, object: String(i).repeat(40), commit: String(i).repeat(40), annotated: false }));
  const result = await fromDebian([jsonc, xml], { listTags, uscan: false });
  assert.equal(result.incomplete, []);
  assert.equal(result.entries.map((e) => [e.name, e.tag]), [['json-c-0.16', 'json-c-0.16-20220414'], ['libxml2-2.9.14', 'v2.9.14']]);
});

test('a debian/cuckoo.json that the release also ships (same bytes) is refused for that entry; the packagers\' own one, or one a manifest names, is used', async () => {
  const policy = '{"allow": [{"paths": ["configure"], "reason": "upstream says it is fine"}]}\n';
  const repo = await makeRepo({ files: { README: 'hi\n', 'src/a.c': 'int a;\n' }, tags: ['v1.0'] });
  // The release carries a debian/ folder with the very policy the package would use, and a file the tag lacks.
  const release = await compress(buildTar([
    { path: 'foo-1.0/', type: 'directory' },
    { path: 'foo-1.0/README', content: 'hi\n' },
    { path: 'foo-1.0/src/a.c', content: 'int a;\n' },
    { path: 'foo-1.0/configure', content: '#!/bin/sh\necho planted\n' },
    { path: 'foo-1.0/debian/cuckoo.json', content: policy },
  ]), 'gzip');
  const server = await startServer({ '/dl/foo-1.0.tar.gz': { body: release } });
  try {
    const debianFiles = (name: string, cuckooJson: string) => pkg(name, {
      changelog: 'foo (1.0-1) unstable; urgency=medium\n',
      watch: `version=4\n${server.url}/dl/ foo-([\\d\\.]+).tar.gz\n`,
      'upstream/metadata': `Repository: ${repo.dir}\n`,
      'cuckoo.json': cuckooJson,
    });
    const shipped = debianFiles('shipped/foo-1.0', policy);
    const own = debianFiles('own/foo-1.0', policy.replace('upstream says', 'the packagers checked'));
    const out = join(work, 'out');
    const r = await runCuckooHere(['batch', '--from-debian', shipped, '--no-uscan', '--out', out, '--allow-http', '--no-host-knowledge', '--jobs', '1']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as BatchSummary;
    assert.is(r.code, 3, r.stdout + r.stderr);
    const [entry] = summary.entries;
    assert.is(entry!.status, 'error');
    assert.is(entry!.error!.code, 'usage');
    assert.match(entry!.error!.message, /debian\/cuckoo\.json \(the package's debian\/cuckoo\.json, found by --from-debian\) has the same bytes as foo-1\.0\/debian\/cuckoo\.json in the release$/);
    assert.match(entry!.error!.hint!, /a release must not choose its own policy/);
    assert.match(r.stdout, /Could not be checked:\n {2}foo-1\.0: .*found by --from-debian\) has the same bytes/);

    // The packagers' own policy (other bytes) is used: the planted configure is allowed by it.
    const ownOut = join(work, 'own-out');
    await runCuckooHere(['batch', '--from-debian', own, '--no-uscan', '--out', ownOut, '--allow-http', '--no-host-knowledge']);
    const ownEntry = (JSON.parse(readFileSync(join(ownOut, 'summary.json'), 'utf8')) as BatchSummary).entries[0]!;
    assert.not.equal(ownEntry.status, 'error', JSON.stringify(ownEntry.error));
    const ownReport = JSON.parse(readFileSync(join(ownOut, 'foo-1.0.json'), 'utf8')) as { notes: string[]; findings: Array<{ path: string; allowed?: unknown }> };
    assert.ok(ownReport.findings.find((f) => f.path === 'configure')?.allowed, 'the packagers\' policy applied');
    assert.match(ownReport.notes.join('\n'), /policy: .*found by --from-debian/);

    // A manifest written by hand that names the shipped file as policy: trusted, as before.
    const manifest = join(work, 'by-hand.yaml');
    writeFileSync(manifest, `- name: foo-1.0\n  release: ${server.url}/dl/foo-1.0.tar.gz\n  repo: ${repo.dir}\n  policy: ${join(shipped, 'debian/cuckoo.json')}\n`);
    const handOut = join(work, 'hand-out');
    await runCuckooHere(['batch', manifest, '--out', handOut, '--allow-http', '--no-host-knowledge']);
    const handEntry = (JSON.parse(readFileSync(join(handOut, 'summary.json'), 'utf8')) as BatchSummary).entries[0]!;
    assert.not.equal(handEntry.status, 'error', JSON.stringify(handEntry.error));
  } finally {
    await server.close();
  }
});

test('a manifest\'s policyFound must be "from-debian" and come with a policy', () => {
  const bad = (extra: string) => {
    try {
      parseManifest(`- release: a-1.0.tar\n  repo: a.git\n${extra}`, 'm.yaml', work);
    } catch (err) {
      return (err as Error).message;
    }
    return 'parsed';
  };
  assert.match(bad('  policy: p.json\n  policyFound: yes-please\n'), /"policyFound" must be "from-debian"/);
  assert.match(bad('  policyFound: from-debian\n'), /"policyFound" without "policy"/);
  assert.is(bad('  policy: p.json\n  policyFound: from-debian\n'), 'parsed');
});

test.run();
