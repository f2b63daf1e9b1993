/** Small companion files (checksums, signatures) fetched into memory. */
import { CuckooError } from '../errors.js';
import { httpGet, type HttpOptions } from './http-get.js';

const smallLimit = 1024 * 1024;

export interface SmallFileOptions {
  /** Most bytes (default 1 MiB). */
  limit?: number;
  /** What the file is, for the error past the limit. */
  what?: string;
  /** What to check when it is too large. */
  hint?: string;
}

export async function fetchSmall(url: string, http: HttpOptions, options: SmallFileOptions = {}): Promise<Buffer> {
  const limit = options.limit ?? smallLimit;
  const res = await httpGet(url, { ...http, maxBytes: limit });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new CuckooError('limit', `${url}: more than ${limit} bytes for ${options.what ?? 'a checksums or signature file'}`, { hint: options.hint ?? 'check the URL' });
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof CuckooError) throw err;
    throw new CuckooError('network', `${url}: download cut off`, { hint: 'the connection dropped; try again', cause: err });
  } finally {
    res.body.destroy();
  }
  if (res.total !== undefined && size !== res.total) throw new CuckooError('network', `${url}: download cut off after ${size} of ${res.total} bytes`, { hint: 'the connection dropped; try again' });
  return Buffer.concat(chunks);
}
