import { m4CodeHash, parseSerial } from '../m4.js';
import { hashFile } from './hash.js';
import type { KnownFile } from './types.js';
import { versionHashOf } from './version-neutral.js';

/**
 * What an index record says of a file's bytes, in the order the index writes
 * it: an m4 macro's serial and code hash, the version-neutral hash under its
 * tool's version, and its hashes. scripts/build-knowledge.mjs and
 * scripts/build-variants.mjs describe every file with it.
 */
export function knownFacts(name: string, bytes: Buffer, origin: KnownFile['origin']): Omit<KnownFile, 'name' | 'path' | 'origin' | 'variant'> {
  const text = bytes.toString('latin1');
  const m4 = name.endsWith('.m4');
  const serial = m4 ? parseSerial(text) : undefined;
  return {
    ...(serial !== undefined ? { serial } : {}),
    ...(m4 ? { codeHash: m4CodeHash(text) } : {}),
    ...versionHashOf(name, text, origin),
    ...hashFile(bytes),
  };
}
