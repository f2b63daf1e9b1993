/**
 * Loads the bundled command line (dist/cli/cuckoo.cjs, scripts/bundle.mjs)
 * with V8's code cache made for it at build time (dist/cli/cuckoo.cache,
 * scripts/code-cache.mjs): parsing the bundle's 1.8 MB, and then compiling
 * each function as a run first calls it, cost every run about 70 ms of CPU
 * (the bundled sample's run, 0.44 → 0.37 s); read from the cache, V8 skips
 * both. The cache is only ever read here, never written by a run, so
 * nothing lands outside the package.
 *
 * V8 checks a cache against its own version, its flags and the source's
 * length, not the source's content: the cache file therefore starts with the
 * sha256 of the bundle it was made from, and of its own data, and is used
 * only when both match. A cache that does not match (another Node, a bundle
 * rebuilt without one) is passed over and the bundle compiled as usual.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/** First line of a cache file, before the two digests. */
const magic = 'cuckoo-code-cache/1';

export type CacheUse = 'used' | 'absent' | 'stale' | 'rejected';

export interface LoadedBundle {
  script: vm.Script;
  /** What became of the cache: read and used, none there, made for another bundle (or damaged), or refused by V8. */
  cache: CacheUse;
  /** Runs the bundle's top level once, as Node runs a CommonJS module; returns its exports. */
  run(): Record<string, unknown>;
  /** A cache file for this bundle: the header, then what V8 has compiled of it so far. */
  cacheBytes(): Buffer;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The V8 data of a cache file made for the bundle whose bytes are `source`, or why there is none. */
export function readCodeCache(path: string, source: Buffer): Buffer | 'absent' | 'stale' {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return 'absent';
  }
  const nl = file.indexOf(0x0a);
  const [name, sourceDigest, dataDigest] = (nl < 0 ? '' : file.subarray(0, nl).toString('latin1')).split(' ');
  const data = file.subarray(nl + 1);
  if (name !== magic || sourceDigest !== sha256(source) || dataDigest !== sha256(data)) return 'stale';
  return data;
}

export function loadBundle(bundlePath: string, cachePath?: string): LoadedBundle {
  // Hashed as bytes: a string would be encoded again first.
  const bytes = readFileSync(bundlePath);
  const source = bytes.toString('utf8');
  const read = cachePath === undefined ? 'absent' : readCodeCache(cachePath, bytes);
  const cachedData = typeof read === 'string' ? undefined : read;
  // The wrapper Node puts around a CommonJS module.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
    // The bundle has no import() (require only); should one appear, it loads as in any module.
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  // cachedDataRejected is false only where V8 read the data handed to it.
  const cache: CacheUse = typeof read === 'string' ? read : script.cachedDataRejected === false ? 'used' : 'rejected';
  return {
    script,
    cache,
    run() {
      const module = { exports: {} as Record<string, unknown> };
      (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
      return module.exports;
    },
    cacheBytes() {
      const data = script.createCachedData();
      return Buffer.concat([Buffer.from(`${magic} ${sha256(bytes)} ${sha256(data)}\n`, 'latin1'), data]);
    },
  };
}
