#!/usr/bin/env node
// Bundles the command line (dist/src/cli/main.js, built by tsc) into
// dist/cli/: one file to load instead of some 400 modules, which is most of
// a short run's start-up. The library (dist/src) stays as tsc wrote it.
// yaml stays outside, loaded from node_modules when first used, only for
// manifests and maps (src/yaml.ts);
// the pure-JS decoders only where a system tool is missing (js-decoders.ts).
// unzipper's reader of the central directory is bundled into the zip chunk
// (see src/release/zip-unzipper.ts; a large zip's directory is read by it in
// a worker thread, dist/src/release/zip-unzipper-worker.js, see
// zip-listing.ts), without the two modules it loads only to extract files:
// fs-extra (half of unzipper's load time) becomes a stub that says so, and
// the promise library it brings stays in node_modules, loaded as unzipper
// itself loads it, so that zip-unzipper.ts sets the scheduler of the very
// instance the reader uses.
//
// The bundle is CommonJS (cuckoo.cjs), so that bin/cuckoo.js can compile it
// with V8's code cache, which scripts/code-cache.mjs then makes for it
// (cuckoo.cache; see src/cli/load-bundle.ts). The zip reader's unzipper half
// is a chunk of its own, required when a zip is read; what it shares with the
// rest is a third chunk, so that no chunk requires the bundle itself (the
// bundle is loaded by load-bundle.ts, a chunk requiring it would load it twice).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/cli`;
const external = new Set(['yaml', 'fzstd', 'xz-decompress', 'unbzip2-stream']);
const unzipperDir = `${root}node_modules/unzipper/`;
/** Modules unzipper's directory reader requires that the bundle replaces (see the header). */
// ES modules (the CommonJS plugin leaves virtual modules as they are); a require of one returns its default export.
const unzipperStubs = {
  'fs-extra': `const unused = () => { throw new Error("cuckoo's build of unzipper reads zips; it does not extract them"); };
export default { ensureDir: unused, createWriteStream: unused };`,
  bluebird: `import { createRequire } from 'node:module';
export default createRequire(createRequire(import.meta.url).resolve('unzipper'))('bluebird');`,
};
const unzipperOnly = {
  name: 'unzipper-directory-only',
  resolveId(source, importer) {
    if (importer?.startsWith(unzipperDir) && source in unzipperStubs) return `\0unzipper-stub:${source}`;
    // Required only on a Node whose streams cannot be destroyed (before 8).
    if (importer?.startsWith(unzipperDir) && source === 'readable-stream') return { id: source, external: true };
    return null;
  },
  load(id) {
    return id.startsWith('\0unzipper-stub:') ? unzipperStubs[id.slice('\0unzipper-stub:'.length)] : null;
  },
};
// Modules both the bundle and the unzipper chunk use (with the helpers of the CommonJS plugin).
const shared = [...['release/zip-directory.js', 'release/block-reader.js'].map((m) => `${root}dist/src/${m}`), '\0commonjsHelpers.js'];

const bundle = await rollup({
  input: `${root}dist/src/cli/main.js`,
  external: (id) => id.startsWith('node:') || external.has(id),
  plugins: [unzipperOnly, nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }), commonjs({ ignoreDynamicRequires: true, requireReturnsDefault: (id) => id.startsWith('\0unzipper-stub:') })],
  onwarn(warning, warn) {
    // Cycles among a dependency's own modules and `this` at a CommonJS module's top are as they were unbundled.
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
});
await rm(out, { recursive: true, force: true });
const { output } = await bundle.write({
  dir: out,
  format: 'cjs',
  entryFileNames: 'cuckoo.cjs',
  chunkFileNames: '[name]-[hash].cjs',
  // import() becomes require(): a script compiled with a code cache has no module loader of its own.
  dynamicImportInCjs: false,
  manualChunks: (id) => (shared.includes(id) ? 'zip-directory' : undefined),
});
await bundle.close();
for (const chunk of output) {
  if (chunk.type === 'chunk' && !chunk.isEntry && chunk.imports.includes('cuckoo.cjs')) {
    console.error(`bundle: ${chunk.fileName} requires cuckoo.cjs, which would then be loaded twice: add what they share to the shared chunk`);
    process.exit(1);
  }
}
if (/\bimport\(/.test(readFileSync(`${out}/cuckoo.cjs`, 'utf8').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''))) {
  console.error('bundle: cuckoo.cjs has an import(), which a script compiled with a code cache cannot run on Node before 20.12');
  process.exit(1);
}
// The code cache: a run on the samples, in a process of its own (V8's flags as a run starts with them).
const cached = spawnSync(process.execPath, [`${root}scripts/code-cache.mjs`], { stdio: 'inherit' });
if (cached.status !== 0) process.exit(1);
