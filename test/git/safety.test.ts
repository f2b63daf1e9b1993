/**
 * A hostile repository: hooks, fsmonitor, filters, textconv, gpg, pager and
 * credential helpers configured to leave a marker file. After every operation
 * of src/git the marker folder must be empty. The same programs are also set in
 * the global config, which reaches cuckoo's own cache and scratch repositories.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertForArchive, readArchiveAttributes } from '../../src/git/attributes.js';
import { BlobReader } from '../../src/git/blobs.js';
import { inferTag } from '../../src/git/infer.js';
import { listTags, resolveRef } from '../../src/git/refs.js';
import { openRepo } from '../../src/git/repo.js';
import { openSubmodule, readSubmodules } from '../../src/git/submodules.js';
import { readTree } from '../../src/git/tree.js';
import { gitmodules, makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

const hookNames = [
  'reference-transaction', 'post-index-change', 'post-checkout', 'post-merge', 'post-rewrite', 'pre-auto-gc',
  'pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-push', 'push-to-checkout', 'fsmonitor-watchman',
];

async function evilScripts(markers: string) {
  const dir = await tempDir('cuckoo-evil-');
  const script = async (name: string, body = '') => {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\ntouch '${join(markers, name.replace('/', '-'))}'\n${body}`);
    await chmod(path, 0o755);
    return path;
  };
  const hooks = join(dir, 'hooks');
  await mkdir(hooks);
  for (const name of hookNames) await script(join('hooks', name));
  return {
    hooks,
    fsmonitor: await script('fsmonitor'),
    smudge: await script('smudge', 'cat\n'),
    clean: await script('clean', 'cat\n'),
    process: await script('process'),
    textconv: await script('textconv', 'cat "$1"\n'),
    gpg: await script('gpg'),
    pager: await script('pager', 'cat\n'),
    askpass: await script('askpass'),
    credential: await script('credential'),
    ssh: await script('ssh'),
  };
}

function hostileConfig(evil: Awaited<ReturnType<typeof evilScripts>>): string {
  return [
    '[core]',
    `\thooksPath = ${evil.hooks}`,
    `\tfsmonitor = ${evil.fsmonitor}`,
    `\tpager = ${evil.pager}`,
    `\taskPass = ${evil.askpass}`,
    `\tsshCommand = ${evil.ssh}`,
    `\talternateRefsCommand = ${evil.ssh}`,
    '[filter "evil"]',
    `\tsmudge = ${evil.smudge}`,
    `\tclean = ${evil.clean}`,
    `\tprocess = ${evil.process}`,
    '\trequired = true',
    '[diff "evil"]',
    `\ttextconv = ${evil.textconv}`,
    '[gpg]',
    `\tprogram = ${evil.gpg}`,
    '[log]',
    '\tshowSignature = true',
    '[credential]',
    `\thelper = ${evil.credential}`,
    '[pager]',
    `\tlog = ${evil.pager}`,
    '',
  ].join('\n');
}

/** Rewrites HEAD's commit with a (fake) gpgsig header, so %G? and showSignature would call gpg. */
async function signHead(repo: Awaited<ReturnType<typeof makeRepo>>): Promise<string> {
  const body = await repo.git(['cat-file', 'commit', 'HEAD']);
  const sig = 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----';
  const signed = body.replace(/^(committer [^\n]*)\n/m, `$1\n${sig}\n`);
  const oid = await repo.git(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: `${signed}\n` });
  await repo.git(['update-ref', 'refs/heads/main', oid]);
  return oid;
}

test('no hook, fsmonitor, filter, textconv, gpg, pager or helper of a hostile repository ever runs', async () => {
  const markers = await tempDir('cuckoo-markers-');
  const evil = await evilScripts(markers);
  const lib = await makeRepo({ files: { 'lib.c': 'lib\n' } });
  const repo = await makeRepo({
    files: {
      '.gitattributes': '* filter=evil diff=evil\nv.txt export-subst\nident.c ident eol=crlf\n',
      '.gitmodules': gitmodules([{ name: 'lib', path: 'lib', url: `file://${lib.dir}` }]),
      'v.txt': 'sig $Format:%G? %GS$ commit $Format:%H$\n',
      'ident.c': '$Id$\n',
      lib: { gitlink: lib.commits[0]! },
    },
    checkout: false,
  });
  const commit = await signHead(repo);
  await repo.git(['tag', '-a', '-m', 'release', 'v1.0', commit]);
  const { appendFile } = await import('node:fs/promises');
  await appendFile(join(repo.gitDir, 'config'), hostileConfig(evil));
  await mkdir(join(repo.gitDir, 'hooks'), { recursive: true });
  for (const name of hookNames) {
    await writeFile(join(repo.gitDir, 'hooks', name), `#!/bin/sh\ntouch '${join(markers, `local-${name}`)}'\n`);
    await chmod(join(repo.gitDir, 'hooks', name), 0o755);
  }
  await mkdir(join(repo.gitDir, 'info'), { recursive: true });
  await writeFile(join(repo.gitDir, 'info', 'attributes'), '* filter=evil\n');
  const bundle = await repo.bundle();

  // The same programs in the global config reach cuckoo's own repositories.
  const globalConfig = join(await tempDir(), 'gitconfig');
  await writeFile(globalConfig, hostileConfig(evil));
  const saved = process.env.GIT_CONFIG_GLOBAL;
  process.env.GIT_CONFIG_GLOBAL = globalConfig;
  try {
    const cacheDir = await tempDir();
    for (const spec of [repo.dir, bundle]) {
      const handle = await openRepo(spec, { cacheDir });
      assert.ok((await listTags(handle)).length === 1);
      const ref = await resolveRef(handle, { tag: 'v1.0' });
      assert.is(ref.commit, commit);
      assert.is((await inferTag(handle, 'x-1.0.tar.gz')).commit, commit);
      assert.is((await resolveRef(handle, { commit: commit.slice(0, 8) })).commit, commit);
      const tree = await readTree(handle, commit);
      const attrs = await readArchiveAttributes(handle, commit, tree, cacheDir);
      assert.is(attrs.get('v.txt')?.filter, 'evil', 'the filter attribute is seen, not run');
      const reader = new BlobReader(handle);
      for (const e of tree) {
        if (e.type !== 'file') continue;
        const content = await reader.read(e.oid);
        const out = await convertForArchive(content, attrs.get(e.path)!, { repo: handle, commit, oid: e.oid });
        if (e.path === 'v.txt') assert.match(out.toString(), new RegExp(`^sig [A-Z] .*commit ${commit}\n$`));
      }
      await reader.close();
      const subs = await readSubmodules(handle, commit, tree);
      await openSubmodule(subs[0]!, { cacheDir });
    }
  } finally {
    if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    else process.env.GIT_CONFIG_GLOBAL = saved;
  }
  assert.equal(await readdir(markers), [], 'no marker file was created');
});

test('replace refs cannot change what a commit holds', async () => {
  const repo = await makeRepo({ files: { a: 'real\n' }, commits: [{ files: { a: 'fake\n' } }] });
  const [real, fake] = repo.commits as [string, string];
  await repo.git(['replace', real, fake]);
  assert.is(await repo.git(['show', `${real}:a`]), 'fake', 'git itself honours the replacement');
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const tree = await readTree(handle, real);
  assert.is(tree[0]!.oid, await repo.hashObject('real\n'));
});

test('a partial clone never fetches a missing object on its own', async () => {
  const origin = await makeRepo({ files: { big: 'lazy\n', small: 's\n' } });
  await origin.git(['config', 'uploadpack.allowFilter', 'true']);
  const clone = join(await tempDir(), 'partial');
  const { execa } = await import('execa');
  await execa('git', ['clone', '--quiet', '--bare', '--filter=blob:none', `file://${origin.dir}`, clone], {
    env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  const handle = await openRepo(clone, { cacheDir: await tempDir() });
  const oid = await origin.hashObject('lazy\n');
  const reader = new BlobReader(handle);
  // Reads behind the missing one are still answered.
  const smallOid = await origin.hashObject('s\n');
  const lazy = rejects(reader.read(oid), 'input', new RegExp(`object ${oid} is missing`));
  const small = rejects(reader.read(smallOid), 'input', new RegExp(`object ${smallOid} is missing`));
  await Promise.all([lazy, small]);
  const tree = await readTree(handle, origin.commits[0]!);
  assert.equal(tree.map((e) => [e.path, e.size]), [['big', -1], ['small', -1]], 'the tree is there, sizes unknown');
  await rejects(reader.read(oid), 'input', /is missing/);
  await reader.close();
});

test('config the repository includes (include.path, includeIf) and promisor remotes over ext:: or ssh run nothing', async () => {
  const markers = await tempDir('cuckoo-markers-');
  const evil = await evilScripts(markers);
  const included = join(await tempDir(), 'evil.cfg');
  await writeFile(included, hostileConfig(evil));
  const origin = await makeRepo({ files: { big: 'lazy\n', '.gitattributes': '* filter=evil diff=evil\n' }, tags: ['v1.0'] });
  await origin.git(['config', 'uploadpack.allowFilter', 'true']);
  const { execa } = await import('execa');
  const { appendFile } = await import('node:fs/promises');
  for (const url of [`ext::sh -c touch% ${join(markers, 'ext')}`, 'ssh://cuckoo.invalid/repo.git']) {
    const clone = join(await tempDir(), 'partial.git');
    const env = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    await execa('git', ['clone', '--quiet', '--bare', '--filter=blob:none', `file://${origin.dir}`, clone], { env });
    // The missing blobs would come from this remote, through ext:: or the included core.sshCommand.
    await execa('git', ['--git-dir', clone, 'config', 'remote.origin.url', url], { env });
    await appendFile(join(clone, 'config'), `[include]\n\tpath = ${included}\n[includeIf "gitdir:/"]\n\tpath = ${included}\n`);
    const handle = await openRepo(clone, { cacheDir: await tempDir() });
    const ref = await resolveRef(handle, { tag: 'v1.0' });
    const tree = await readTree(handle, ref.commit);
    assert.equal(tree.map((e) => e.path), ['.gitattributes', 'big']);
    const reader = new BlobReader(handle);
    await rejects(reader.read(await origin.hashObject('lazy\n')), 'input', /is missing/);
    await reader.close();
  }
  assert.equal(await readdir(markers), [], 'no marker file was created');
});

test('symlinks and gitlinks in the tag are data: a link is its target string, never followed; a symlinked .gitmodules is ignored', async () => {
  const outside = join(await tempDir(), 'secret');
  await writeFile(outside, 'secret\n');
  const modules = join(await tempDir(), 'gitmodules');
  await writeFile(modules, gitmodules([{ name: 'evil', path: 'lib', url: 'ext::sh -c touch% /tmp/cuckoo-never' }]));
  const lib = await makeRepo({ files: { 'lib.c': 'lib\n' } });
  const repo = await makeRepo({ files: { seed: 'x\n' }, checkout: false });
  // Written with git mktree: `git add` itself refuses a symlinked .gitmodules.
  const link = (target: string) => repo.git(['hash-object', '-w', '--stdin'], { input: target });
  const entries = [`120000 blob ${await link(modules)}\t.gitmodules`, `160000 commit ${lib.commits[0]!}\tlib`, `120000 blob ${await link(outside)}\tsecret`];
  const commit = await repo.git(['commit-tree', '-m', 'links', await repo.git(['mktree'], { input: `${entries.join('\n')}\n` })]);
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const tree = await readTree(handle, commit);
  assert.equal(tree.map((e) => [e.path, e.type]), [['.gitmodules', 'symlink'], ['lib', 'submodule'], ['secret', 'symlink']]);
  assert.is(tree.find((e) => e.path === 'lib')!.oid, lib.commits[0]);
  const reader = new BlobReader(handle);
  assert.is((await reader.read(tree.find((e) => e.path === 'secret')!.oid)).toString(), outside, 'the target, not the file it names');
  await reader.close();
  const subs = await readSubmodules(handle, commit, tree);
  assert.equal(subs.map((s) => [s.path, s.url ?? null]), [['lib', null]], 'the gitlink is known, the symlinked .gitmodules is not read');
});

test.run();
