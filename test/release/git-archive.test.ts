// Releases made by `git archive` must hash to the ids `git ls-tree` shows:
// that is what lets identical files match without reading git blobs.
import { execa } from 'execa';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ObjectFormat } from '../../src/release/entry.js';
import { compress, readRelease, tempDir, writeTemp } from '../helpers/archives.js';

interface Repo {
  dir: string;
  commit: string;
  git(args: string[]): Promise<string>;
  gitBuffer(args: string[]): Promise<Buffer>;
}

const env = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2023-11-14T22:13:20Z',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_COMMITTER_DATE: '2023-11-14T22:13:20Z',
};

async function makeRepo(name: string, objectFormat: ObjectFormat): Promise<Repo> {
  const dir = join(tempDir(), name);
  await mkdir(join(dir, 'src/deep'), { recursive: true });
  await writeFile(join(dir, 'README'), 'hello\n');
  await writeFile(join(dir, 'configure'), '#!/bin/sh\necho configured\n', { mode: 0o755 });
  await writeFile(join(dir, 'src/main.c'), 'int main(void) { return 0; }\n');
  await writeFile(join(dir, 'src/deep', `${'long-name-'.repeat(12)}.h`), '/* long path */\n');
  await writeFile(join(dir, 'src/binary.dat'), Buffer.from([0, 255, 1, 254, 0, 0, 10]));
  await symlink('../README', join(dir, 'src/README.link'));
  const run = async (args: string[]) => (await execa('git', args, { cwd: dir, env })).stdout;
  await run(['init', '--quiet', `--object-format=${objectFormat}`, '--initial-branch=main']);
  await run(['config', 'core.autocrlf', 'false']);
  await run(['add', '-A']);
  await run(['commit', '--quiet', '--no-gpg-sign', '-m', 'release 1.0']);
  await run(['tag', 'v1.0']);
  return {
    dir,
    commit: await run(['rev-parse', 'HEAD']),
    git: run,
    gitBuffer: async (args) => Buffer.from((await execa('git', args, { cwd: dir, env, encoding: 'buffer' })).stdout),
  };
}

/** path → [mode, id] from `git ls-tree -r`. */
async function lsTree(repo: Repo): Promise<Map<string, [string, string]>> {
  const out = await repo.git(['ls-tree', '-r', '-z', 'v1.0']);
  const map = new Map<string, [string, string]>();
  for (const line of out.split('\0').filter(Boolean)) {
    const [meta, path] = line.split('\t') as [string, string];
    const [mode, , id] = meta.split(' ') as [string, string, string];
    map.set(path, [mode, id]);
  }
  return map;
}

async function check(objectFormat: ObjectFormat, format: 'tar.gz' | 'zip'): Promise<void> {
  const repo = await makeRepo(`repo-${objectFormat}-${format.replace('.', '-')}`, objectFormat);
  const archive = await repo.gitBuffer(['archive', `--format=${format === 'zip' ? 'zip' : 'tar'}`, '--prefix=proj-1.0/', 'v1.0']);
  const bytes = format === 'zip' ? archive : await compress(archive, 'gzip');
  const path = await writeTemp(`proj-1.0-${objectFormat}.${format}`, bytes);
  const { release, entries } = await readRelease(path, { objectFormat });
  assert.is(release.comment, repo.commit, 'git archive records the commit id');
  const tree = await lsTree(repo);
  const files = entries.filter((e) => e.type !== 'directory');
  assert.equal(files.map((e) => e.path.replace(/^proj-1\.0\//, '')).sort(), [...tree.keys()].sort());
  for (const entry of files) {
    const [mode, id] = tree.get(entry.path.replace(/^proj-1\.0\//, ''))!;
    assert.is(entry.blobId, id, entry.path);
    assert.is(entry.blobId!.length, objectFormat === 'sha1' ? 40 : 64);
    if (mode === '120000') {
      assert.is(entry.type, 'symlink', entry.path);
      assert.is(entry.linkTarget, '../README');
    } else {
      assert.is(entry.type, 'file', entry.path);
      assert.is((entry.mode & 0o100) !== 0, mode === '100755', `${entry.path} executable bit`);
    }
  }
  assert.ok(entries.some((e) => e.type === 'directory' && e.path === 'proj-1.0'), 'the top folder');
}

test('git archive tar.gz, sha1 repository: blob ids equal ls-tree, comment is the commit', () => check('sha1', 'tar.gz'));
test('git archive zip, sha1 repository (GitHub-style source zip)', () => check('sha1', 'zip'));
test('git archive tar.gz, sha256 repository', () => check('sha256', 'tar.gz'));
test('git archive zip, sha256 repository', () => check('sha256', 'zip'));

test.run();
