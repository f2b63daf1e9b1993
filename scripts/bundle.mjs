#!/usr/bin/env node
// Bundles the command line (dist/src/cli/main.js, built by tsc) into
// dist/cli/: one file to load instead of some 400 modules, which is most of
// a short run's start-up. The library (dist/src) stays as tsc wrote it.
// unzipper and yaml stay outside, loaded from node_modules when first used:
// unzipper only for zips, with the promise library it brings (see
// src/release/zip-unzipper.ts; a large zip's directory is read by it in a
// worker thread, dist/src/release/zip-unzipper-worker.js, see zip-listing.ts); yaml only for manifests and maps (src/yaml.ts);
// the pure-JS decoders only where a system tool is missing (js-decoders.ts).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/cli`;
const external = new Set(['unzipper', 'yaml', 'fzstd', 'xz-decompress', 'unbzip2-stream']);

const bundle = await rollup({
  input: `${root}dist/src/cli/main.js`,
  external: (id) => id.startsWith('node:') || external.has(id),
  plugins: [nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }), commonjs({ ignoreDynamicRequires: true })],
  onwarn(warning, warn) {
    // Cycles among a dependency's own modules and `this` at a CommonJS module's top are as they were unbundled.
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
});
await rm(out, { recursive: true, force: true });
await bundle.write({ dir: out, format: 'es', entryFileNames: 'cuckoo.mjs', chunkFileNames: '[name]-[hash].mjs' });
await bundle.close();
