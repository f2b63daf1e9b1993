import { CuckooError } from '../errors.js';
import type { Compression } from './entry.js';

export type Codec = Exclude<Compression, 'none'>;

/** The one error for a decoder that rejected its input, whichever decoder it was. */
export function corruptData(source: string, codec: Codec, detail: string, cause?: unknown): CuckooError {
  return new CuckooError('input', `${source}: corrupt or truncated ${codec} data: ${detail}`, {
    hint: 'the download may be incomplete or damaged; fetch it again and compare its checksum with the published one',
    cause,
  });
}

const mib = (n: number) => `${Math.ceil(n / (1024 * 1024))} MiB`;

/**
 * A zstd frame whose window is past the limit `zstd -d` keeps without
 * --memory (128 MiB): not damage, but more memory than a release should ask
 * of the machine that checks it, and nothing cuckoo decodes (with either decoder).
 */
export function windowTooLarge(source: string, frame: string, window: number, limit: number): CuckooError {
  return new CuckooError('input', `${source}: zstd data cuckoo does not decode: ${frame} asks for a ${mib(window)} window, more than the ${mib(limit)} zstd decodes without --memory`, {
    hint: 'zstd -d refuses it too unless given --memory or --long=31; an archive compressed without --long stays within the limit',
  });
}
