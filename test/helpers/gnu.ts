/**
 * GNU release tarballs for the tests that build a tool: real files, served
 * from 127.0.0.1, so `cuckoo tools install` is tried on the bytes its pinned
 * sha256 names without reaching the internet. They are looked for in
 * $CUCKOO_TEST_GNU_TARBALLS, else test/.cache/gnu (ignored by git), where
 * `scripts/gnu-tarball.sh autoconf 2.69 test/.cache/gnu` puts them; .ci/run
 * does so, and there a missing tarball fails the test instead of skipping it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import type { GnuRelease } from '../../src/reproduce/gnu-releases.js';
import { root } from './cli.js';

export const gnuTarballDir = process.env.CUCKOO_TEST_GNU_TARBALLS ?? join(root, 'test/.cache/gnu');

/** The tarball's bytes, or undefined (with the reason printed once) when it is not there. */
export function gnuTarball(release: GnuRelease, suite: string): Buffer | undefined {
  const path = join(gnuTarballDir, release.file);
  if (existsSync(path)) return readFileSync(path);
  if (process.env.CI !== 'true') {
    console.log(`${suite}: tests with a real GNU tarball skipped, no ${path} (scripts/gnu-tarball.sh ${release.tool} ${release.version} ${gnuTarballDir})`);
  }
  return undefined;
}

/** `test` when the tarball is there or on CI (where its absence must fail), else `test.skip`. */
export function withTarball(bytes: Buffer | undefined): typeof test {
  return bytes !== undefined || process.env.CI === 'true' ? test : (test.skip as unknown as typeof test);
}
