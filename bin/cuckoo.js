#!/usr/bin/env node
import { fileURLToPath } from 'node:url';

// `cuckoo --version` answers without loading the CLI: loading it is most of a short run's time.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { version } = await import('../dist/src/version.js');
  process.stdout.write(`${version}\n`);
} else {
  // The command line bundled into one file (scripts/bundle.mjs): far fewer modules to load,
  // compiled from the code cache made with it (src/cli/load-bundle.ts).
  const { loadBundle } = await import('../dist/src/cli/load-bundle.js');
  const cli = new URL('../dist/cli/', import.meta.url);
  loadBundle(fileURLToPath(new URL('cuckoo.cjs', cli)), fileURLToPath(new URL('cuckoo.cache', cli))).run();
}
