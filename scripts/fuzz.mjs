#!/usr/bin/env node
// Feeds mutated samples to the compiled library's verify() and stops at the
// first error that is not a CuckooError, or a run past the timeout.
// Usage: node scripts/fuzz.mjs [--seed S] [--iterations N] [--timeout MS] [--verbose]
// Build first (npx tsc -p tsconfig.json); the mutations live in test/helpers/fuzz.ts.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fuzz } from '../dist/test/helpers/fuzz.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    iterations: { type: 'string', default: '500' },
    timeout: { type: 'string', default: '10000' },
    verbose: { type: 'boolean', default: false },
  },
});
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 32);
const iterations = Number(values.iterations);
const timeoutMs = Number(values.timeout);
if (!Number.isInteger(seed) || !Number.isInteger(iterations) || !(timeoutMs > 0)) {
  console.error('fuzz: --seed and --iterations take integers, --timeout milliseconds');
  process.exit(2);
}
console.log(`fuzz: seed ${seed}, ${iterations} iterations`);
const started = Date.now();
const failure = await fuzz({
  seed,
  iterations,
  timeoutMs,
  samplesDir: fileURLToPath(new URL('../samples/', import.meta.url)),
  onIteration: (i, mutant, outcome) => {
    if (values.verbose) console.log(`${i} ${mutant.sample} ${mutant.mutation}: ${outcome}`);
    else if ((i + 1) % 100 === 0) console.log(`  ${i + 1} done`);
  },
});
if (failure) {
  console.error(`fuzz: crash at seed ${failure.seed} iteration ${failure.iteration}: ${failure.sample}, ${failure.mutation}`);
  console.error(`  ${failure.problem}`);
  console.error(`  mutant kept at ${failure.file}`);
  process.exit(1);
}
console.log(`fuzz: no crash in ${iterations} iterations (${((Date.now() - started) / 1000).toFixed(1)} s)`);
// A timed-out verify() could leave work behind; nothing else should keep us.
process.exit(0);
