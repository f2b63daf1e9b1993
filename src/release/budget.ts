import { CuckooError } from '../errors.js';
import { limitFlags, type Limits } from '../limits.js';

/**
 * Counts entries and unpacked bytes against the limits while an archive
 * streams, so a decompression bomb stops at the header that crosses the line
 * rather than after it has been inflated.
 */
export class Budget {
  private entries = 0;
  private bytes = 0;

  constructor(
    private readonly source: string,
    private readonly limits: Limits,
  ) {}

  /** Call once per entry, before reading its data. */
  addEntry(size: number): void {
    this.entries++;
    if (this.entries > this.limits.maxEntries) throw tooManyEntries(this.source, this.limits);
    this.addBytes(size);
  }

  addBytes(size: number): void {
    this.bytes += size;
    if (this.bytes > this.limits.maxTotalBytes) throw tooManyBytes(this.source, this.limits);
  }
}

export function tooManyEntries(source: string, limits: Limits): CuckooError {
  return new CuckooError('limit', `${source}: more than ${limits.maxEntries} entries`, {
    hint: `raise it with ${limitFlags.maxEntries}`,
  });
}

export function tooManyBytes(source: string, limits: Limits): CuckooError {
  return new CuckooError('limit', `${source}: unpacks to more than ${limits.maxTotalBytes} bytes`, {
    hint: `raise it with ${limitFlags.maxTotalBytes}`,
  });
}
