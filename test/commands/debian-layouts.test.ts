/**
 * --from-debian on unpacked packages laid out as `apt-get source` and
 * `gbp` leave them: the .orig tarball beside the package (or in gbp's
 * ../tarballs) is the release, checked against the tag of its upstream
 * version, from the command line to the summary.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromDebian } from '../../src/commands/from-debian.js';
import { dehsUpstreamUrl, uscanRunner } from '../../src/commands/uscan.js';
import type { BatchSummary } from '../../src/report/batch-summary.js';
import { buildTar, compress } from '../helpers/archives.js';
import { runCuckooHere } from '../helpers/cli.js';
import { detachSign, makeKey, stopAgents } from '../helpers/gpg.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';

const upstreamFiles = { README: 'xz\n', 'src/xz.c': 'int main(void) { return 0; }\n', 'configure.ac': 'AC_INIT([xz], [5.4.1])\n' };

/** A tarball of `files` under `top/`, as upstream's release would be. */
async function release(top: string, files: Record<string, string>, codec: 'gzip' | 'xz'): Promise<Buffer> {
  return compress(buildTar([{ path: `${top}/`, type: 'directory' }, ...Object.entries(files).map(([path, content]) => ({ path: `${top}/${path}`, content }))]), codec);
}

function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

test.after(async () => {
  await stopAgents();
  await removeTempDirs();
});

test('apt-get source layout: the .orig beside the package and its .asc, the repository from debian/upstream/metadata, the tag from the watch file\'s v?; gbp layout: ../tarballs, --repo-map and gbp.conf\'s upstream-vcs-tag; the rest say what to add where', async () => {
  const work = await tempDir('cuckoo-debian-layouts-');
  const xz = await makeRepo({ files: upstreamFiles, tags: ['v5.4.0'], commits: [{ files: { 'src/xz.c': 'int main(void) { return 1; }\n' }, tags: [{ name: 'v5.4.1', annotated: true }] }] });
  const xzFiles = { ...upstreamFiles, 'src/xz.c': 'int main(void) { return 1; }\n' };
  const key = await makeKey('Upstream Signer');

  // apt-get source xz-utils: xz-utils-5.4.1/ beside xz-utils_5.4.1.orig.tar.xz, its .asc, the .dsc and the debian tarball.
  const apt = join(work, 'apt');
  const orig = await release('xz-5.4.1', xzFiles, 'xz');
  write(apt, {
    'xz-utils_5.4.1.orig.tar.xz': orig,
    'xz-utils_5.4.1.orig.tar.xz.asc': await detachSign(key, orig),
    'xz-utils_5.4.1-1.dsc': 'Format: 3.0 (quilt)\nSource: xz-utils\n',
    'xz-utils_5.4.1-1.debian.tar.xz': 'not read',
    ...Object.fromEntries(Object.entries(xzFiles).map(([p, c]) => [`xz-utils-5.4.1/${p}`, c])),
    'xz-utils-5.4.1/debian/changelog': 'xz-utils (5.4.1-1) unstable; urgency=medium\n',
    'xz-utils-5.4.1/debian/watch': 'version=4\nopts="pgpsigurlmangle=s/$/.sig/" \\\n  https://github.com/tukaani-project/xz/tags .*/v?(\\d\\S*)\\.tar\\.gz\n',
    // A file:// URL goes the way of any remote: ls-remote for the tags, a fetch into the cache.
    'xz-utils-5.4.1/debian/upstream/metadata': `Name: XZ Utils\nRepository: file://${xz.gitDir}\n`,
    'xz-utils-5.4.1/debian/upstream/signing-key.asc': readFileSync(key.keyring),
  });

  // gbp: the packaging repository hello/ (upstream files and debian/), the tarball in ../tarballs.
  const hello = await makeRepo({
    files: { 'hello.c': 'int x;\n' },
    tags: ['v1.2'],
    commits: [{ files: { 'hello.c': 'int x = 1;\n' }, tags: ['release-1.2'] }],
  });
  const gbp = join(work, 'gbp');
  write(gbp, {
    'tarballs/hello_1.2.orig.tar.gz': await release('hello-1.2', { 'hello.c': 'int x = 1;\n' }, 'gzip'),
    'hello/hello.c': 'int x = 1;\n',
    'hello/debian/changelog': 'hello (1.2-3) unstable; urgency=medium\n',
    'hello/debian/gbp.conf': '[DEFAULT]\npristine-tar = True\nupstream-vcs-tag = release-%(version)s\n',
    'hello/debian/watch': 'version=4\nhttps://example.org/hello/ hello-(\\d[\\d.]*)\\.tar\\.gz\n',
    'repos.yaml': `hello: ${await hello.bundle()}\nnotag: ${hello.dir}\n`,
  });
  // Not complete: no repository anywhere; a tag nobody spells; no .orig and a watch pattern that gives no URL.
  write(work, {
    'norepo-1.0/debian/changelog': 'norepo (1.0-1) unstable; urgency=medium\n',
    'norepo_1.0.orig.tar.gz': await release('norepo-1.0', { a: 'a\n' }, 'gzip'),
    'notag-7.0/debian/changelog': 'notag (7.0-1) unstable; urgency=medium\n',
    'notag_7.0.orig.tar.gz': await release('notag-7.0', { a: 'a\n' }, 'gzip'),
    'noorig-2.0/debian/changelog': 'noorig (2.0-1) unstable; urgency=medium\n',
    'noorig-2.0/debian/watch': 'version=4\nhttps://example.org/v([\\d.]+)/noorig-([\\d.]+)\\.tar\\.xz\n',
    'noorig-2.0/debian/upstream/metadata': `Repository: ${hello.dir}\n`,
  });

  const out = join(work, 'out');
  const dirs = [join(apt, 'xz-utils-5.4.1'), join(gbp, 'hello'), join(work, 'norepo-1.0'), join(work, 'notag-7.0'), join(work, 'noorig-2.0')];
  const r = await runCuckooHere(['batch', '--from-debian', ...dirs, '--repo-map', join(gbp, 'repos.yaml'), '--no-uscan', '--out', out, '--no-host-knowledge', '--no-reproduce'], { cwd: work });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.includes('cannot make an entry'));
  assert.equal(lines.length, 3, r.stderr);
  assert.match(lines[0]!, /norepo-1\.0: cannot make an entry: missing the repository: add "Repository: URL" to debian\/upstream\/metadata, or "norepo: URL" to a --repo-map file$/);
  assert.match(lines[1]!, /notag-7\.0: cannot make an entry: missing the tag of 7\.0 in .* \(tried v7\.0, 7\.0, notag-7\.0, .*nearest: .*\): add "upstream-vcs-tag = TAG%\(version\)s" to debian\/gbp\.conf, or "notag: \{repo: .*, tag: TAG%\(version\)s\}" to a --repo-map file$/);
  assert.match(lines[2]!, /noorig-2\.0: cannot make an entry: missing the release: put noorig_2\.0\.orig\.tar\.\* beside the package \(apt-get source --download-only noorig, or uscan --download-current-version; debian\/watch lacks a concrete URL/);

  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as BatchSummary;
  assert.equal(summary.entries.map((e) => [e.name, e.status, e.ref]), [['xz-utils-5.4.1', 'pass', 'v5.4.1'], ['hello-1.2', 'pass', 'release-1.2']]);
  const report = JSON.parse(readFileSync(join(out, 'xz-utils-5.4.1.json'), 'utf8')) as { release: { source: string; signature?: { status: string; inKeyring: boolean; source: string } }; tag: { commit: string } };
  assert.match(report.release.source, /xz-utils_5\.4\.1\.orig\.tar\.xz$/);
  assert.is(report.tag.commit, xz.commits[1]);
  // The .asc beside the .orig, checked against debian/upstream/signing-key.asc.
  assert.equal([report.release.signature?.status, report.release.signature?.inKeyring], ['good', true]);
  assert.match(report.release.signature!.source, /xz-utils_5\.4\.1\.orig\.tar\.xz\.asc$/);

  // The same as a manifest: paths relative to it, the watch URL kept as a record.
  const manifest = join(work, 'debian.yaml');
  const w = await runCuckooHere(['batch', '--from-debian', dirs[0]!, dirs[1]!, '--repo-map', join(gbp, 'repos.yaml'), '--no-uscan', '--write-manifest', manifest], { cwd: work });
  assert.is(w.code, 0, w.stderr);
  const yaml = readFileSync(manifest, 'utf8');
  assert.match(yaml, /- name: xz-utils-5\.4\.1\n {2}release: apt\/xz-utils_5\.4\.1\.orig\.tar\.xz\n {2}repo: file:\/\/.*\n {2}tag: v5\.4\.1\n {2}signature: apt\/xz-utils_5\.4\.1\.orig\.tar\.xz\.asc\n {2}keyring: apt\/xz-utils-5\.4\.1\/debian\/upstream\/signing-key\.asc\n/);
  assert.match(yaml, /- name: hello-1\.2\n {2}release: gbp\/tarballs\/hello_1\.2\.orig\.tar\.gz\n {2}repo: .*repo\.bundle\n {2}tag: release-1\.2\n {2}upstream: https:\/\/example\.org\/hello\/hello-1\.2\.tar\.gz\n/);
});

test('uscan, when installed, gives the upstream URL for the record (its DEHS <upstream-url>); a failing uscan leaves the watch file\'s', async () => {
  assert.is(dehsUpstreamUrl('<dehs>\n<upstream-version>1.2</upstream-version>\n<upstream-url>https://example.org/a-1.2.tar.gz?x=1&amp;y=2</upstream-url>\n</dehs>\n'), 'https://example.org/a-1.2.tar.gz?x=1&y=2');
  assert.is(dehsUpstreamUrl('uscan: no watch file\n'), undefined);
  const work = await tempDir('cuckoo-uscan-');
  const bin = join(work, 'uscan');
  // A stand-in for uscan that answers as `uscan --report --dehs --download-current-version` does, from the package folder.
  writeFileSync(bin, '#!/bin/sh\n[ "$*" = "--report --dehs --download-current-version" ] && [ -f debian/changelog ] || exit 2\necho "<dehs><upstream-url>https://mirror.example.org/a-1.2.tar.gz</upstream-url></dehs>"\n');
  chmodSync(bin, 0o755);
  const repo = await makeRepo({ files: { a: 'a\n' }, tags: ['v1.2'] });
  write(work, {
    'a-1.2/debian/changelog': 'a (1.2-1) unstable; urgency=medium\n',
    'a-1.2/debian/watch': 'version=4\nhttps://example.org/a/ a-(\\d[\\d.]*)\\.tar\\.gz\n',
    'a-1.2/debian/upstream/metadata': `Repository: ${repo.dir}\n`,
    'a_1.2.orig.tar.gz': await release('a-1.2', { a: 'a\n' }, 'gzip'),
  });
  const dir = join(work, 'a-1.2');
  const withUscan = await fromDebian([dir], { uscan: uscanRunner(bin) });
  assert.is(withUscan.entries[0]?.upstream, 'https://mirror.example.org/a-1.2.tar.gz');
  const failing = await fromDebian([dir], { uscan: uscanRunner(join(work, 'no-such-uscan')) });
  assert.is(failing.entries[0]?.upstream, 'https://example.org/a/a-1.2.tar.gz');
  assert.is(failing.entries[0]?.tag, 'v1.2');
});

test.run();
