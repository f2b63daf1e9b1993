/**
 * Expected checksums of the release: --sha256 HEX, or the line naming the
 * release in a SHA256SUMS-style file (--checksums FILE|URL). Both the GNU
 * format (`<hex>  name`, `<hex> *name` for binary mode) and the BSD one
 * (`SHA256 (name) = <hex>`) are read.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CuckooError } from '../errors.js';
import { fetchSmall } from './small-file.js';
import { isUrl, type HttpOptions } from './http-get.js';

export interface ChecksumCheck {
  /** Where the expected value came from: `--sha256` or the checksums file. */
  source: string;
  expected: string;
  actual: string;
  matches: boolean;
}

export function parseSha256(hex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new CuckooError('usage', `--sha256: ${JSON.stringify(hex)} is not a sha256 (64 hex digits)`, { hint: 'copy the value from the project\'s release page or SHA256SUMS' });
  return hex.toLowerCase();
}

/** The sha256 a checksums file lists for `name`; undefined when it lists no such file. */
export function findChecksum(text: string, name: string): string | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const gnu = /^([0-9a-fA-F]{64}) [ *]?(.+)$/.exec(line);
    const bsd = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/.exec(line);
    const [hex, file] = gnu ? [gnu[1]!, gnu[2]!] : bsd ? [bsd[2]!, bsd[1]!] : [];
    if (hex && file && basename(file.replace(/^\.\//, '')) === name) return hex.toLowerCase();
  }
  return undefined;
}

/** The expected sha256 for the release named `name` from --checksums. */
export async function checksumFromFile(spec: string, name: string, http: HttpOptions): Promise<string> {
  let text: string;
  if (isUrl(spec)) text = (await fetchSmall(spec, http)).toString('utf8');
  else {
    try {
      text = await readFile(spec, 'utf8');
    } catch (err) {
      throw new CuckooError('input', `--checksums ${spec}: cannot read the file`, { hint: 'check the path of the checksums file', cause: err });
    }
  }
  const found = findChecksum(text, name);
  if (!found) throw new CuckooError('input', `--checksums ${spec}: no sha256 listed for ${name}`, { hint: 'check that this is the checksums file of this release (SHA256SUMS format)' });
  return found;
}
