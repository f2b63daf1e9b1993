/**
 * man/cuckoo.1 and the completion scripts come from the option definitions
 * --help prints: the committed page is this build's, roff renders it without
 * warnings, every flag of every command's --help is in it, and the bash
 * completion completes subcommands, flags and choices.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manPageText } from '../../src/cli/manpage-text.js';
import { cuckooHelp, root, runCuckoo, runCuckooHere } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const commands = [['verify'], ['batch'], ['batch', 'merge'], ['knowledge', 'add'], ['tools', 'list'], ['tools', 'install'], ['completion']];

test.after(() => removeTempDirs());

test('man/cuckoo.1 is the page of this build (make man rewrites it) and ships in the package', () => {
  assert.ok(readFileSync(join(root, 'man/cuckoo.1'), 'utf8') === manPageText(), 'man/cuckoo.1 is out of date: run make man');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; man?: string[] };
  assert.ok(pkg.files.includes('man'));
  assert.equal(pkg.man, ['./man/cuckoo.1']);
});

test('every flag --help shows for each command is in the man page, under that command', async () => {
  const page = manPageText();
  for (const words of commands) {
    const help = await cuckooHelp(words);
    assert.is(help.code, 0, words.join(' '));
    const flags = [...new Set([...help.stdout.matchAll(/^ {2,}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!))].filter((f) => f !== '--help' && f !== '--version');
    assert.ok(flags.length > 0 || words[0] === 'completion', words.join(' '));
    const start = page.indexOf(`.SS "cuckoo ${words.join(' ')}"`);
    assert.ok(start >= 0, `a section for cuckoo ${words.join(' ')}`);
    const next = page.indexOf('.SS "', start + 1);
    const section = page.slice(start, next < 0 ? undefined : next);
    for (const f of flags) assert.ok(section.includes(`\\fB${f.replace(/-/g, '\\-')}\\fR`), `${words.join(' ')} ${f} in the man page`);
  }
});

test('the man page renders: groff with warnings as errors, and man -l', () => {
  if (!has('groff') || !has('man')) {
    if (process.env.CI) throw new Error('the man page test needs groff and man (.ci/run installs groff-base and man-db)');
    console.log('  (groff or man not installed: rendering not checked)');
    return;
  }
  const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(root, 'man/cuckoo.1')], { encoding: 'utf8' });
  assert.equal([r.status, r.stderr], [0, '']);
  const text = execFileSync('man', ['-l', join(root, 'man/cuckoo.1')], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' } });
  assert.match(text, /cuckoo batch \[manifest\] \[options\]/);
  assert.match(text, /--from-rpm-spec FROM-RPM-SPEC/);
  assert.match(text, /cuckoo rebuild release \[options\]/);
});

test('cuckoo completion bash loads in bash and completes subcommands, flags, choices and files', async () => {
  const r = await runCuckoo(['completion', 'bash']);
  assert.is(r.code, 0, r.stderr);
  const dir = await tempDir('cuckoo-completion-');
  const script = join(dir, 'cuckoo.bash');
  writeFileSync(script, r.stdout);
  writeFileSync(join(dir, 'hello-1.0.tar.gz'), '');
  const complete = (...words: string[]) => {
    const line = words.map((w) => `'${w}'`).join(' ');
    const out = execFileSync('bash', ['--norc', '-c', `source ${script}; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _cuckoo; printf '%s\\n' "\${COMPREPLY[@]}"; complete -p cuckoo`], { cwd: dir, encoding: 'utf8' });
    return out.trim().split('\n');
  };
  assert.equal(complete('cuckoo', 'ver').slice(0, -1), ['verify']);
  assert.equal(complete('cuckoo', 'batch', 'me').slice(0, -1), ['merge']);
  assert.equal(complete('cuckoo', 'verify', 'x.tar.gz', '--fail').slice(0, -1), ['--fail-on']);
  assert.equal(complete('cuckoo', 'batch', '--from-').slice(0, -1), ['--from-debian', '--from-rpm-spec', '--from-srcinfo']);
  assert.equal(complete('cuckoo', 'batch', '--no-us').slice(0, -1), ['--no-uscan']);
  assert.equal(complete('cuckoo', 'tools', 'install', '--sandbox', '').slice(0, -1), ['bwrap', 'none']);
  assert.equal(complete('cuckoo', 'completion', '').slice(0, -1), ['bash', 'zsh', 'fish']);
  assert.equal(complete('cuckoo', 'verify', 'hel').slice(0, -1), ['hello-1.0.tar.gz']);
  assert.match(complete('cuckoo', '').at(-1)!, /^complete .*-F _cuckoo cuckoo$/);
});

test('cuckoo completion zsh and fish: scripts their shells accept (checked where the shell is installed)', async () => {
  // The scripts come from runCli as bin/cuckoo.js prints them (the bash one, above, from bin/cuckoo.js itself).
  const zsh = await runCuckooHere(['completion', 'zsh']);
  assert.match(zsh.stdout, /^#compdef cuckoo\n/);
  assert.match(zsh.stdout, /bashcompinit/);
  const fish = await runCuckooHere(['completion', 'fish']);
  assert.match(fish.stdout, /complete -c cuckoo -n '__fish_use_subcommand' -a verify -d 'compare a release archive with its tag'/);
  assert.match(fish.stdout, /complete -c cuckoo -n '__fish_seen_subcommand_from batch; and not __fish_seen_subcommand_from merge' -l from-debian -r -F/);
  const dir = await tempDir('cuckoo-completion-');
  for (const [shell, text] of [['zsh', zsh.stdout], ['fish', fish.stdout]] as const) {
    if (!has(shell)) {
      console.log(`  (${shell} not installed: its script's syntax not checked)`);
      continue;
    }
    writeFileSync(join(dir, shell), text);
    const r = spawnSync(shell, ['-n', join(dir, shell)], { encoding: 'utf8' });
    assert.equal([r.status, r.stderr], [0, ''], shell);
  }
  const bad = await runCuckooHere(['completion', 'tcsh']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /Choices: "bash", "zsh", "fish"/);
});

test.run();
