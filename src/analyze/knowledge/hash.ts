import { createHash } from 'node:crypto';
import type { KnownFile } from './types.js';

/** The hashes a known file is found by: git blob ids in both object formats and the plain sha256. */
export function hashFile(bytes: Buffer): Pick<KnownFile, 'blobId' | 'blobId256' | 'sha256' | 'size'> {
  const blob = (algo: string) => createHash(algo).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  return {
    blobId: blob('sha1'),
    blobId256: blob('sha256'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  };
}
