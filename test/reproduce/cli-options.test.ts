import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cuckooHelp, runCuckooHere } from '../helpers/cli.js';

const sample = ['verify', 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--no-host-knowledge'];

test('reproduction flags that cannot work together are refused before any work, naming the flag', async () => {
  for (const [args, message] of [
    [['--sandbox', 'docker'], /^cuckoo: --sandbox: unknown sandbox "docker" \(use bwrap, or none/],
    [['--gnu-mirror', 'https://mirror.example/gnu'], /^cuckoo: --gnu-mirror: only used with --fetch-tools/],
    [['--no-reproduce', '--fetch-tools'], /^cuckoo: --fetch-tools: nothing to fetch for with --no-reproduce/],
    [['--reproduce-timeout', '0'], /^cuckoo: --reproduce-timeout: /],
    [['--reproduce-memory', 'lots'], /^cuckoo: --reproduce-memory: not a size/],
  ] as const) {
    const r = await runCuckooHere([...sample, ...args]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('--help says what reproduction does and how to turn it off', async () => {
  const r = await cuckooHelp(['verify']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /Generated files, re-made in a sandbox:/);
  assert.match(r.stdout, /--no-reproduce/);
  assert.match(r.stdout, /--fetch-tools/);
  assert.match(r.stdout, /inside bubblewrap with no\s+network/);
});

test.run();
