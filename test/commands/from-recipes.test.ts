/**
 * --from-rpm-spec and --from-srcinfo: a Fedora-style spec and an Arch
 * .SRCINFO for a release served on 127.0.0.1 (with its signature, and the
 * repository over git's smart HTTP) become manifest entries that verify; what
 * cannot be made concrete is listed with why.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromRpmSpecs, rpmspecRunner } from '../../src/commands/from-rpm-spec.js';
import { parseSrcInfo } from '../../src/commands/from-srcinfo.js';
import { forgeRepo, forgeTag } from '../../src/commands/forge-url.js';
import { expandMacros, Unexpandable } from '../../src/commands/rpm-macros.js';
import { parseRpmSpec, specValue } from '../../src/commands/rpm-spec.js';
import type { TagRef } from '../../src/git/types.js';
import type { BatchSummary } from '../../src/report/batch-summary.js';
import { buildTar, compress } from '../helpers/archives.js';
import { runCuckooHere } from '../helpers/cli.js';
import { detachSign, makeKey, stopAgents } from '../helpers/gpg.js';
import { startServer } from '../helpers/http.js';
import { makeRepo, removeTempDirs, runGit, tempDir } from '../helpers/repo.js';

function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const tagsOf = (names: string[]) => async (): Promise<TagRef[]> => names.map((name, i) => ({ name, refName: `refs/tags/${name}`, object: String(i).repeat(40), commit: String(i).repeat(40), annotated: false }));

test.after(async () => {
  await stopAgents();
  await removeTempDirs();
});

test('rpm macros: %{name}, %name, %{?x}, %{?x:y}, %{!?x:y}, %%; shell and Lua are never run', () => {
  const macros = new Map([['name', 'foo'], ['version', '1.2'], ['archive', '%{name}-%{version}']]);
  assert.is(expandMacros('%{archive}.tar.gz %name %{?dist}%{?version:v%{version}}%{!?dist:-nodist} 100%%', macros), 'foo-1.2.tar.gz foo v1.2-nodist 100%');
  for (const text of ['%{lua: print("x")}', '%(echo x)', '%{undefined}', '%{sub %{version} 1 1}']) {
    assert.throws(() => expandMacros(text, macros), (err: unknown) => err instanceof Unexpandable, text);
  }
});

test('a spec with the forge macros: %{forgesource} is GitHub\'s tag archive, the repository %{forgeurl}, the tag %{tag}', async () => {
  const spec = parseRpmSpec('%global forgeurl https://github.com/example/bar\nName: bar\nVersion: 1.2\n%global tag v%{version}\n%forgemeta\nURL: %{forgeurl}\nSource0: %{forgesource}\n\n%description\nSource9: ignored\n');
  assert.equal(specValue(spec, 'source0'), { value: 'https://github.com/example/bar/archive/v1.2/bar-1.2.tar.gz' });
  assert.is(spec.tags.has('source9'), false);
  assert.is(forgeRepo('https://github.com/example/bar/archive/v1.2/bar-1.2.tar.gz'), 'https://github.com/example/bar');
  assert.is(forgeRepo('https://gitlab.com/group/sub/proj/-/archive/v1/proj-v1.tar.bz2'), 'https://gitlab.com/group/sub/proj');
  assert.is(forgeRepo('https://example.org/bar'), undefined);
  assert.is(forgeTag('https://github.com/o/r/releases/download/v1.2/r-1.2.tar.xz'), 'v1.2');
  assert.is(forgeTag('https://github.com/o/r/archive/refs/tags/R_1_2.tar.gz'), 'R_1_2');
  const work = await tempDir('cuckoo-forge-');
  write(work, { 'bar.spec': '%global forgeurl https://github.com/example/bar\nName: bar\nVersion: 1.2\n%global tag v%{version}\n%forgemeta\nURL: %{forgeurl}\nSource0: %{forgesource}\n' });
  // Both v1.2 and 1.2 exist: %{tag} says which.
  const result = await fromRpmSpecs([join(work, 'bar.spec')], { listTags: tagsOf(['1.2', 'v1.2']), rpmspec: false });
  assert.equal(result.entries, [{ name: 'bar-1.2', release: 'https://github.com/example/bar/archive/v1.2/bar-1.2.tar.gz', repo: 'https://github.com/example/bar', tag: 'v1.2' }]);
});

test('rpmspec -P, when installed, expands the spec; its failure falls back to the spec as written', async () => {
  const work = await tempDir('cuckoo-rpmspec-');
  const fake = join(work, 'rpmspec');
  // A stand-in that prints the spec with %{lua:…} already evaluated, as rpmspec -P would.
  write(work, {
    'rpmspec': '#!/bin/sh\n[ "$1" = -P ] || exit 2\nsed "s/%{lua: print(\\"2.0\\")}/2.0/" "$2"\n',
    'baz.spec': 'Name: baz\nVersion: %{lua: print("2.0")}\nURL: https://github.com/example/baz\nSource0: %{url}/archive/v%{version}/baz-%{version}.tar.gz\n',
  });
  (await import('node:fs')).chmodSync(fake, 0o755);
  const spec = join(work, 'baz.spec');
  const withRpmspec = await fromRpmSpecs([spec], { listTags: tagsOf(['v2.0']), rpmspec: rpmspecRunner(fake) });
  assert.equal(withRpmspec.entries.map((e) => [e.release, e.tag]), [['https://github.com/example/baz/archive/v2.0/baz-2.0.tar.gz', 'v2.0']]);
  const without = await fromRpmSpecs([spec], { listTags: tagsOf(['v2.0']), rpmspec: rpmspecRunner(join(work, 'missing')) });
  assert.equal(without.incomplete[0]!.missing, [
    'a Version: cuckoo can expand (%{lua:…} in Version: %{lua: print("2.0")})',
    'a Source0 cuckoo can expand (%{lua:…} in Source0: %{url}/archive/v%{version}/baz-%{version}.tar.gz; rpmspec -P, from rpm, expands every macro)',
  ]);
});

test('a Fedora-style spec and an Arch .SRCINFO for a release on 127.0.0.1 become entries that verify: signature, keyring, sha256, tag; the incomplete ones say why', async () => {
  const work = await tempDir('cuckoo-recipes-');
  const files = { README: 'foo\n', 'src/foo.c': 'int foo;\n' };
  const repo = await makeRepo({ files: { ...files, 'src/foo.c': 'int old;\n' }, tags: ['v2.0.0'], commits: [{ files, tags: [{ name: 'v2.1.0', annotated: true }] }] });
  const root = join(work, 'git');
  await runGit(work, ['clone', '--quiet', '--bare', repo.gitDir, join(root, 'foo.git')]);
  await runGit(join(root, 'foo.git'), ['config', 'uploadpack.allowFilter', 'true']);
  await runGit(join(root, 'foo.git'), ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const tarball = await compress(buildTar([{ path: 'foo-2.1.0/', type: 'directory' }, ...Object.entries(files).map(([p, content]) => ({ path: `foo-2.1.0/${p}`, content }))]), 'gzip');
  const key = await makeKey('Foo Releases');
  const server = await startServer({
    '/foo/releases/foo-2.1.0.tar.gz': { body: tarball },
    '/foo/releases/foo-2.1.0.tar.gz.asc': { body: await detachSign(key, tarball) },
    '/git/': { gitRoot: root },
  });
  try {
    const site = `${server.url}/foo`;
    const gitUrl = `${server.url}/git/foo.git`;
    const sha256 = createHash('sha256').update(tarball).digest('hex');
    write(work, {
      // Fedora: the key as a Source beside the spec (%gpgverify's keyring), the repository as %{forgeurl}.
      'fedora/foo.spec': [
        `%global forgeurl ${gitUrl}`,
        'Name:           foo',
        'Version:        2.1.0',
        'Release:        1%{?dist}',
        'Summary:        Foo',
        'License:        MIT',
        `URL:            ${site}`,
        'Source0:        %{url}/releases/%{name}-%{version}.tar.gz',
        'Source1:        %{url}/releases/%{name}-%{version}.tar.gz.asc',
        `Source2:        gpgkey-${key.fingerprint}.gpg`,
        'BuildRequires:  gcc',
        '',
        '%description',
        'Foo.',
        '',
        '%prep',
        "%{gpgverify} --keyring='%{SOURCE2}' --signature='%{SOURCE1}' --data='%{SOURCE0}'",
        '%autosetup',
        '',
      ].join('\n'),
      [`fedora/gpgkey-${key.fingerprint}.gpg`]: readFileSync(key.keyring),
      // Arch: makepkg --printsrcinfo's output; the key in keys/pgp/, the repository from --repo-map.
      'arch/.SRCINFO': [
        'pkgbase = python-foo',
        '\tpkgdesc = Foo',
        '\tpkgver = 2.1.0',
        '\tpkgrel = 1',
        `\turl = ${site}`,
        '\tarch = any',
        `\tsource = foo-2.1.0.tar.gz::${site}/releases/foo-2.1.0.tar.gz`,
        `\tsource = ${site}/releases/foo-2.1.0.tar.gz.asc`,
        `\tvalidpgpkeys = ${key.fingerprint}`,
        `\tsha256sums = ${sha256}`,
        '\tsha256sums = SKIP',
        '',
        'pkgname = python-foo',
        '',
      ].join('\n'),
      [`arch/keys/pgp/${key.fingerprint}.asc`]: readFileSync(key.keyring),
      'repos.yaml': `python-foo: ${gitUrl}\n`,
      // Not complete: Lua in Source0; a Source0 that is only a file name; a package built from git; a key not kept.
      'lua.spec': 'Name: lua\nVersion: 1\nURL: https://github.com/example/lua\nSource0: %{lua: print("x")}\n',
      'local.spec': 'Name: local\nVersion: 1\nURL: https://github.com/example/local\nSource0: local-1.tar.gz\n',
      'vcs/.SRCINFO': 'pkgbase = vcs\n\tpkgver = 1.0\n\turl = https://github.com/example/vcs\n\tsource = git+https://github.com/example/vcs.git#tag=v1.0\n\tsha256sums = SKIP\n',
      'nokey/.SRCINFO': `pkgbase = nokey\n\tpkgver = 1.0\n\turl = https://github.com/example/nokey\n\tsource = https://github.com/example/nokey/releases/download/v1.0/nokey-1.0.tar.gz\n\tsource = https://github.com/example/nokey/releases/download/v1.0/nokey-1.0.tar.gz.sig\n\tvalidpgpkeys = ${key.fingerprint}\n`,
    });
    assert.equal([...parseSrcInfo(readFileSync(join(work, 'arch/.SRCINFO'), 'utf8')).base.get('sha256sums')!], [sha256, 'SKIP']);

    const out = join(work, 'out');
    const r = await runCuckooHere([
      'batch', '--from-rpm-spec', join(work, 'fedora/foo.spec'), join(work, 'lua.spec'), join(work, 'local.spec'),
      '--from-srcinfo', join(work, 'arch/.SRCINFO'), join(work, 'vcs/.SRCINFO'), join(work, 'nokey/.SRCINFO'),
      '--repo-map', join(work, 'repos.yaml'), '--no-rpmspec', '--out', out, '--allow-http', '--no-host-knowledge', '--no-reproduce',
    ]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.includes('cannot make an entry'));
    assert.equal(lines.length, 4, r.stderr);
    assert.match(lines[0]!, /lua\.spec: cannot make an entry: missing a Source0 cuckoo can expand \(%\{lua:…\} in Source0: %\{lua: print\("x"\)\}; rpmspec -P, from rpm, expands every macro\)$/);
    assert.match(lines[1]!, /local\.spec: cannot make an entry: missing the release: Source0 local-1\.tar\.gz is a file name: put it beside local\.spec \(fedpkg sources\) or write its URL$/);
    assert.match(lines[2]!, /vcs\/\.SRCINFO: cannot make an entry: missing a release archive: the package builds from git\+https:\/\/github\.com\/example\/vcs\.git, so there is no release to compare/);
    assert.match(lines[3]!, new RegExp(`nokey/\\.SRCINFO: cannot make an entry: missing the signing key: put keys/pgp/${key.fingerprint}\\.asc beside \\.SRCINFO`));

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as BatchSummary;
    assert.equal(summary.entries.map((e) => [e.name, e.status, e.ref]), [['foo-2.1.0', 'pass', 'v2.1.0'], ['python-foo-2.1.0', 'pass', 'v2.1.0']]);
    for (const name of ['foo-2.1.0', 'python-foo-2.1.0']) {
      const report = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as { release: { signature?: { status: string; inKeyring: boolean }; checksum?: { matches: boolean } }; tag: { commit: string } };
      assert.equal([report.release.signature?.status, report.release.signature?.inKeyring], ['good', true], name);
      assert.is(report.tag.commit, repo.commits[1], name);
      if (name.startsWith('python')) assert.is(report.release.checksum?.matches, true, 'sha256sums became the entry\'s sha256');
    }
  } finally {
    await server.close();
  }
});

test.run();
