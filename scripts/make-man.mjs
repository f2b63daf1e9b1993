#!/usr/bin/env node
// Writes man/cuckoo.1 from the built CLI's command definitions (run after tsc;
// `make man`). With --check, exits 1 when the committed page differs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { manPageText } = await import('../dist/src/cli/manpage-text.js');
const file = fileURLToPath(new URL('../man/cuckoo.1', import.meta.url));
const text = manPageText();
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (old !== text) {
    console.error('man/cuckoo.1 is out of date: run make man');
    process.exit(1);
  }
} else {
  mkdirSync(fileURLToPath(new URL('../man/', import.meta.url)), { recursive: true });
  writeFileSync(file, text);
  console.log('wrote man/cuckoo.1');
}
