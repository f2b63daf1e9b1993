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
