import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The yaml package, loaded on first use: manifests, repository maps and
 * Debian metadata need it, and it is the largest module a plain `verify`
 * would otherwise load at start-up (it stays out of the CLI bundle).
 */
export function yaml(): typeof Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
