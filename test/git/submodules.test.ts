import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { access, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fetchAttempts } from '../../src/git/fetch.js';
import { openRepo } from '../../src/git/repo.js';
import { gitText } from '../../src/git/run.js';
import { openSubmodule, readSubmodules } from '../../src/git/submodules.js';
import { readTree } from '../../src/git/tree.js';
import { gitmodules, makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

async function fixture() {
  const lib = await makeRepo({ files: { 'lib.c': 'v1\n' }, commits: [{ files: { 'lib.c': 'v2\n' } }] });
  const [old, tip] = lib.commits as [string, string];
  const missing = 'ab'.repeat(20);
  const super_ = await makeRepo({
    files: {
      '.gitmodules': gitmodules([
        { name: 'the.lib', path: 'libs/a', url: `file://${lib.dir}` },
        { name: 'tip', path: 'libs/tip', url: lib.dir },
        { name: 'rel', path: 'rel', url: '../rel.git' },
        { name: 'gone', path: 'gone', url: `file://${lib.dir}` },
        { name: 'unused', path: 'not/a/gitlink', url: 'https://example.invalid/x.git' },
      ]),
      'libs/a': { gitlink: old },
      'libs/tip': { gitlink: tip },
      'rel': { gitlink: tip },
      'gone': { gitlink: missing },
      'no-entry': { gitlink: tip },
      'main.c': 'int main;\n',
    },
  });
  // The work tree's .gitmodules is not the tag's and must not be read.
  await writeFile(join(super_.dir, '.gitmodules'), gitmodules([{ name: 'evil', path: 'libs/a', url: 'file:///evil' }]));
  const handle = await openRepo(super_.dir, { cacheDir: await tempDir() });
  const commit = super_.commits[0]!;
  const subs = await readSubmodules(handle, commit, await readTree(handle, commit));
  return { lib, old, tip, missing, subs, byName: new Map(subs.map((s) => [s.name, s])) };
}

test('readSubmodules joins gitlinks with the tag\'s .gitmodules', async () => {
  const { lib, old, tip, missing, subs } = await fixture();
  assert.equal(
    subs.sort((a, b) => a.path.localeCompare(b.path)),
    [
      { name: 'gone', path: 'gone', commit: missing, url: `file://${lib.dir}` },
      { name: 'the.lib', path: 'libs/a', commit: old, url: `file://${lib.dir}` },
      { name: 'tip', path: 'libs/tip', commit: tip, url: lib.dir },
      { name: 'no-entry', path: 'no-entry', commit: tip },
      { name: 'rel', path: 'rel', commit: tip, url: '../rel.git' },
    ],
  );
});

test('readSubmodules: no gitlinks, no work; a .gitmodules git cannot parse gives no URLs', async () => {
  const plain = await makeRepo({ files: { a: 'a\n' } });
  const h = await openRepo(plain.dir, { cacheDir: await tempDir() });
  assert.equal(await readSubmodules(h, plain.commits[0]!, await readTree(h, plain.commits[0]!)), []);
  const broken = await makeRepo({ files: { '.gitmodules': '[submodule "x"\n\tpath = x\n', x: { gitlink: plain.commits[0]! } } });
  const hb = await openRepo(broken.dir, { cacheDir: await tempDir() });
  assert.equal(await readSubmodules(hb, broken.commits[0]!, await readTree(hb, broken.commits[0]!)), [{ name: 'x', path: 'x', commit: plain.commits[0] }]);
});

test('openSubmodule: a local path opens directly', async () => {
  const { lib, byName, tip } = await fixture();
  const cacheDir = await tempDir();
  const repo = await openSubmodule(byName.get('tip')!, { cacheDir });
  assert.equal(repo, { source: lib.dir, gitDir: lib.gitDir, objectFormat: 'sha1', kind: 'local', objectsDir: `${lib.gitDir}/objects` });
  const overridden = await openSubmodule(byName.get('no-entry')!, { cacheDir, override: lib.dir });
  assert.is(overridden.gitDir, lib.gitDir);
  assert.is(await gitText(overridden, ['rev-parse', `${tip}^{commit}`]), tip);
  assert.equal(await readdir(cacheDir).catch(() => []), [], 'nothing cached for a local path');
});

test('openSubmodule: a file:// URL is fetched into the cache once, even a commit that is not a branch tip', async () => {
  const { lib, byName, old } = await fixture();
  const cacheDir = await tempDir();
  const repo = await openSubmodule(byName.get('the.lib')!, { cacheDir });
  assert.is(repo.kind, 'remote');
  assert.match(repo.gitDir, new RegExp(`^${cacheDir}/repos/url-[0-9a-f]{32}\\.git$`));
  assert.is(await gitText(repo, ['rev-parse', `${old}^{tree}`]), await lib.git(['rev-parse', `${old}^{tree}`]));
  // Reused: it opens even when the source is gone.
  await rm(lib.dir, { recursive: true, force: true });
  const again = await openSubmodule(byName.get('the.lib')!, { cacheDir });
  assert.is(again.gitDir, repo.gitDir);
  assert.equal((await readdir(join(cacheDir, 'repos'))).length, 1, 'no temporary folder left');
});

test('openSubmodule: falls back to a full fetch when the server refuses a fetch by id', async () => {
  const { byName, old } = await fixture();
  // Protocol v0 refuses unadvertised ids unless uploadpack.allowReachableSHA1InWant is set.
  const globalConfig = join(await tempDir(), 'gitconfig');
  await writeFile(globalConfig, '[protocol]\n\tversion = 0\n');
  const saved = process.env.GIT_CONFIG_GLOBAL;
  process.env.GIT_CONFIG_GLOBAL = globalConfig;
  try {
    const before = fetchAttempts.count;
    const repo = await openSubmodule(byName.get('the.lib')!, { cacheDir: await tempDir() });
    assert.is(fetchAttempts.count - before, 2, 'by id, then in full');
    assert.is(await gitText(repo, ['rev-parse', `${old}^{commit}`]), old);
    assert.ok((await gitText(repo, ['for-each-ref', '--format=%(refname)'])).includes('refs/cuckoo/heads/main'), 'the full fetch ran');
  } finally {
    if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    else process.env.GIT_CONFIG_GLOBAL = saved;
  }
});

test('openSubmodule: a remote that cannot be reached, or is no repository, is tried once, not again in full', async () => {
  const { byName } = await fixture();
  const cacheDir = await tempDir();
  // A port nothing listens on: the connection is refused at once.
  const closed = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  for (const [url, said] of [
    [`git://127.0.0.1:${closed}/lib.git`, /unable to connect/],
    [`http://127.0.0.1:${closed}/lib.git`, /Failed to connect/],
    ['file:///nonexistent/lib.git', /does not appear to be a git repository/],
  ] as const) {
    const before = fetchAttempts.count;
    const err = await rejects(openSubmodule(byName.get('tip')!, { cacheDir, override: url }), 'network', new RegExp(`fetching ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(err.message, said);
    assert.is(fetchAttempts.count - before, 1, url);
  }
});

test('openSubmodule: what cannot be found says what to pass', async () => {
  const { byName, missing } = await fixture();
  const cacheDir = await tempDir();
  const gone = await rejects(openSubmodule(byName.get('gone')!, { cacheDir }), 'input', new RegExp(`submodule gone \\(gone\\): commit ${missing} is not in file://`));
  assert.match(gone.hint!, /--submodule gone=PATH\|URL/);
  const noUrl = await rejects(openSubmodule(byName.get('no-entry')!, { cacheDir }), 'input', /no-entry \(no-entry\) has no URL/);
  assert.match(noUrl.hint!, /--submodule no-entry=/);
  await rejects(openSubmodule(byName.get('rel')!, { cacheDir }), 'input', /relative URL \.\.\/rel\.git/);
  // Against a remote superproject, a relative URL is resolved as git does.
  await rejects(openSubmodule(byName.get('rel')!, { cacheDir, superRemote: 'file:///nonexistent/app' }), 'network', /fetching file:\/\/\/nonexistent\/rel\.git/);
  await rejects(openSubmodule(byName.get('tip')!, { cacheDir, override: '/nonexistent/repo' }), 'input', /not a git repository/);
  await rejects(openSubmodule(byName.get('tip')!, { cacheDir, override: 'file:///nonexistent/repo' }), 'network', /fetching file:\/\/\/nonexistent\/repo/);
  const marker = join(await tempDir(), 'pwned');
  await rejects(openSubmodule(byName.get('tip')!, { cacheDir, override: `ext::sh -c touch% ${marker}` }), 'input', /ext::.*not allowed/);
  assert.is(await access(marker).then(() => true, () => false), false, 'the ext:: command never ran');
});

test.run();
