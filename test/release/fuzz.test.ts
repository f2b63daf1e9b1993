// A short fixed-seed fuzz round: mutated samples (bit flips, truncation, byte
// runs, appended data, tar header edits; gzip, xz, bzip2 and zstd forms read
// by the system tools and the pure-JS decoders) must end in a report or a
// CuckooError, never in any other error or a hang (a run that stops using CPU
// with verify() still pending). Long runs: `make fuzz` or scripts/fuzz.mjs,
// which also re-run the generators of mutated generated files in the sandbox;
// this round fuzzes the readers and the comparison (reproduction of changed
// inputs is tested in test/reproduce).
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findOnPath } from '../../src/release/decompress.js';
import { execa } from 'execa';
import { fuzz, loadSamples, mutate, prng } from '../helpers/fuzz.js';
import { stallWatch } from '../helpers/stall.js';

const samplesDir = fileURLToPath(new URL('../../../samples/', import.meta.url));

test('the same seed gives the same mutants', async () => {
  const samples = await loadSamples(samplesDir);
  const round = (seed: number) => {
    const rand = prng(seed);
    return Array.from({ length: 20 }, (_, i) => mutate(samples[i % samples.length]!, rand));
  };
  const [a, b] = [round(42), round(42)];
  assert.equal(a.map((m) => m.mutation), b.map((m) => m.mutation));
  assert.ok(a.every((m, i) => m.bytes.equals(b[i]!.bytes)));
  assert.not.equal(round(43).map((m) => m.mutation), a.map((m) => m.mutation));
});

test('the compressed forms are built for every installed tool', async () => {
  const names = (await loadSamples(samplesDir)).map((s) => s.name);
  for (const [tool, name] of [['xz', 'hello-1.0.tar.xz'], ['bzip2', 'hello-1.0.tar.bz2'], ['zstd', 'hello-1.0.tar.zst']] as const) {
    assert.is(names.includes(name), (await findOnPath(tool)) !== undefined, name);
  }
});

test('20 mutants of the samples, every form by each decoder and every kind of mutation: a report or a CuckooError each, no crash or hang', async () => {
  // The seed is one whose first 20 mutants reach every sample form, both decoders of each
  // compressed one, and every kind of mutation: the assertion below keeps it so.
  const reached = new Set<string>();
  const kinds = new Set<string>();
  const failure = await fuzz({
    seed: 20260404,
    iterations: 20,
    samplesDir,
    reproduce: false,
    onIteration: (_i, mutant) => {
      reached.add(`${mutant.sample}${mutant.js ? ' (js)' : ''}`);
      kinds.add(/^\d+ bit flips/.test(mutant.mutation) ? 'bitflip' : mutant.mutation.split(' ')[0]!);
    },
  });
  assert.is(failure, undefined, failure && `seed ${failure.seed} iteration ${failure.iteration}: ${failure.sample}, ${failure.mutation}: ${failure.problem}`);
  const forms = (await loadSamples(samplesDir)).flatMap((s) => (s.hasJsDecoder ? [s.name, `${s.name} (js)`] : [s.name]));
  assert.equal([...reached].sort(), forms.sort());
  assert.equal([...kinds].sort(), ['append', 'bitflip', 'run', 'tar', 'truncate']);
});

test('a hang is a pending run that stops using CPU; a run whose child process works is not one', async () => {
  const idle = stallWatch(1);
  try {
    assert.is(await Promise.race([new Promise(() => {}), idle.stalled]), 'stalled');
  } finally {
    idle.stop();
  }
  const busy = stallWatch(2);
  try {
    // A fixed amount of work in a child: the watch sees its CPU, however slowly it goes.
    const work = execa('sh', ['-c', 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo done']).then((r) => r.stdout);
    assert.is(await Promise.race([work, busy.stalled]), 'done');
  } finally {
    busy.stop();
  }
});

test.run();
