#!/usr/bin/env node
// `cuckoo --version` answers without loading the CLI: loading it is most of a short run's time.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { version } = await import('../dist/src/version.js');
  process.stdout.write(`${version}\n`);
} else {
  // The command line bundled into one file (scripts/bundle.mjs): far fewer modules to load.
  await import('../dist/cli/cuckoo.mjs');
}
