import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { access, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openRepo } from '../../src/git/repo.js';
import { firstLine, git, gitArgs, gitEnv, gitText } from '../../src/git/run.js';
import { readTree } from '../../src/git/tree.js';
import { makeRepo, rejects, removeTempDirs, tempDir } from '../helpers/repo.js';

test.after(removeTempDirs);

test('gitArgs: explicit git dir, safety settings before the command, argument array untouched', () => {
  const args = gitArgs({ gitDir: '/r/.git' }, ['ls-tree', '-r', '$(touch x)']);
  assert.is(args[0], '--git-dir=/r/.git');
  assert.ok(args.includes('--no-replace-objects'));
  for (const setting of ['core.hooksPath=', 'core.fsmonitor=false', 'core.attributesFile=', 'protocol.ext.allow=never', 'protocol.allow=never', 'log.showSignature=false']) {
    assert.ok(args.some((a) => a.startsWith(setting)), setting);
  }
  assert.equal(args.slice(-3), ['ls-tree', '-r', '$(touch x)']);
  assert.ok(!gitArgs(undefined, ['x']).includes('protocol.file.allow=always'));
  assert.ok(gitArgs(undefined, ['x'], { transport: 'local' }).includes('protocol.file.allow=always'));
  assert.ok(!gitArgs(undefined, ['x'], { transport: 'local' }).includes('protocol.https.allow=always'));
  assert.ok(gitArgs(undefined, ['x'], { transport: 'remote' }).includes('protocol.https.allow=always'));
});

test('gitEnv: no prompts, no lazy fetch, no repository location from the caller', () => {
  const env = gitEnv({}, { PATH: '/bin', HOME: '/h', GIT_DIR: '/elsewhere', GIT_INDEX_FILE: '/i', GIT_WORK_TREE: '/w', GIT_CONFIG_PARAMETERS: "'core.hookspath'='/evil'", GIT_SSH_COMMAND: 'ssh -i k', GIT_TRACE: '1' });
  assert.is(env.PATH, '/bin');
  assert.is(env.GIT_TERMINAL_PROMPT, '0');
  assert.is(env.GIT_ASKPASS, '');
  assert.is(env.SSH_ASKPASS, '');
  assert.is(env.GIT_NO_LAZY_FETCH, '1');
  assert.is(env.GIT_ATTR_NOSYSTEM, '1');
  assert.is(env.GIT_NO_REPLACE_OBJECTS, '1');
  for (const gone of ['GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE', 'GIT_CONFIG_PARAMETERS']) assert.is(env[gone], undefined, gone);
  assert.is(env.GIT_SSH_COMMAND, 'ssh -i k');
  assert.is(env.GIT_TRACE, '1');
});

test('a GIT_DIR in the environment (cuckoo run from a hook) does not redirect git', async () => {
  const a = await makeRepo({ files: { a: 'a\n' } });
  const b = await makeRepo({ files: { b: 'b\n' } });
  const saved = { ...process.env };
  process.env.GIT_DIR = b.gitDir;
  process.env.GIT_INDEX_FILE = join(b.gitDir, 'index');
  try {
    const handle = await openRepo(a.dir, { cacheDir: await tempDir() });
    assert.is(handle.gitDir, a.gitDir);
    assert.equal((await readTree(handle, 'HEAD')).map((e) => e.path), ['a']);
  } finally {
    delete process.env.GIT_DIR;
    delete process.env.GIT_INDEX_FILE;
    Object.assign(process.env, saved);
  }
});

test('git maps packs in bounded windows, whatever the repository configures', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' } });
  await appendFile(join(repo.gitDir, 'config'), '[core]\n\tpackedGitWindowSize = 1g\n\tpackedGitLimit = 8g\n');
  const target = { gitDir: repo.gitDir };
  // git's own reading of the settings, as every command cuckoo runs gets them.
  assert.is(await gitText(target, ['config', '--type=int', 'core.packedGitWindowSize']), String(16 * 1024 ** 2));
  assert.is(await gitText(target, ['config', '--type=int', 'core.packedGitLimit']), String(64 * 1024 ** 2));
});

test('failures name the command and the repository; arguments never reach a shell', async () => {
  const repo = await makeRepo({ files: { a: 'a\n' } });
  const handle = await openRepo(repo.dir, { cacheDir: await tempDir() });
  const marker = join(await tempDir(), 'shell-ran');
  const e = await rejects(git(handle, ['ls-tree', `$(touch ${marker})`]), 'git', new RegExp(`^git ls-tree failed in ${repo.dir}: Not a valid object name`));
  assert.is((e as { exitCode?: number }).exitCode, 128);
  assert.is(await access(marker).then(() => true, () => false), false);
  assert.is(await gitText(handle, ['rev-parse', '--verify', '--quiet', 'nope'], { okExitCodes: [1] }), '');
});

test('firstLine prefers the fatal line over warnings and hints', () => {
  assert.is(firstLine('warning: lazy fetching disabled\nfatal: could not fetch x\n'), 'could not fetch x');
  assert.is(firstLine('hint: do this\nerror: bad\n'), 'bad');
  assert.is(firstLine('\n  plain message\n'), 'plain message');
  assert.is(firstLine(''), '');
});

test('git missing from PATH is a tool error that says so', async () => {
  const saved = process.env.PATH;
  process.env.PATH = await tempDir();
  try {
    await rejects(git(undefined, ['--version']), 'tool', /git was not found/);
  } finally {
    process.env.PATH = saved;
  }
});

test.run();
