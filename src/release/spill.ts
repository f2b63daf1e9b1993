/**
 * Where the release's kept bytes go once too many are held. A run keeps the
 * bytes of every file the tag cannot give back (generated files, files of
 * the release's own) for the analysis, which reads them one change at a
 * time after the read. Held in memory, they are the run's largest cost in
 * memory on a real release (95 MB of 550 on a large one), and a hostile
 * release of many distinct, well-compressed files would have the run hold
 * gigabytes: 100 files of 8 MiB, 164 kB as tar.xz, took 925 MB.
 *
 * Past `budget` bytes in memory, a file's bytes are written to one file in
 * the cache folder's tmp (removed from its folder as soon as it is opened
 * where the system allows, so nothing is left behind however the run ends)
 * and read back, whole, each time they are asked for. The analysis asks for
 * one file at a time; the system's page cache keeps the reads cheap.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cacheWriteError } from '../cache.js';
import type { ReleaseEntry } from './entry.js';

/** Bytes of kept files a run holds in memory before it writes the rest to the cache folder. */
export const defaultContentBudget = 16 * 1024 * 1024;

export class ContentSpill {
  /** Bytes kept in memory so far. */
  held = 0;
  /** Bytes written to the spill file, and how many files they are. */
  spilled = 0;
  spilledFiles = 0;
  private fd: number | undefined;
  /** The file's path while it still has one (where it could not be removed while open). */
  private path: string | undefined;
  private closed = false;

  constructor(
    private readonly cacheDir: string,
    readonly budget = defaultContentBudget,
  ) {}

  /**
   * Keeps `entry`'s bytes in memory while the budget allows; otherwise
   * writes them out and makes `entry.content` read them back on each use.
   */
  keep(entry: ReleaseEntry): void {
    const content = entry.content;
    if (content === undefined) return;
    if (this.held + content.length <= this.budget) {
      this.held += content.length;
      return;
    }
    const offset = this.write(content);
    const { length } = content;
    Object.defineProperty(entry, 'content', {
      enumerable: true,
      configurable: true,
      get: () => this.read(offset, length),
      // A caller that sets the bytes again holds them itself.
      set: (value: Buffer | undefined) => Object.defineProperty(entry, 'content', { value, enumerable: true, configurable: true, writable: true }),
    });
  }

  /** Before `entry`'s bytes are let go: those held in memory no longer count against the budget. */
  letGo(entry: ReleaseEntry): void {
    const held = Object.getOwnPropertyDescriptor(entry, 'content');
    if (held !== undefined && 'value' in held && Buffer.isBuffer(held.value)) this.held = Math.max(0, this.held - held.value.length);
  }

  /** Ends the spill file; bytes asked for afterwards are an error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.path !== undefined) {
      try {
        unlinkSync(this.path);
      } catch {
        // Gone already.
      }
    }
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    const dir = join(this.cacheDir, 'tmp');
    const path = join(dir, `spill-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(dir, { recursive: true });
      this.fd = openSync(path, 'wx+', 0o600);
    } catch (err) {
      throw cacheWriteError(dir, err);
    }
    try {
      unlinkSync(path);
    } catch {
      // Removed at close instead.
      this.path = path;
    }
    return this.fd;
  }

  private write(content: Buffer): number {
    if (this.closed) throw new Error('internal error: release bytes kept after the run ended');
    const fd = this.open();
    const offset = this.spilled;
    try {
      for (let done = 0; done < content.length; ) done += writeSync(fd, content, done, content.length - done, offset + done);
    } catch (err) {
      throw cacheWriteError(join(this.cacheDir, 'tmp'), err);
    }
    this.spilled += content.length;
    this.spilledFiles++;
    return offset;
  }

  private read(offset: number, length: number): Buffer {
    if (this.fd === undefined) throw new Error("internal error: a release file's bytes were asked for after the run ended");
    const buf = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new Error(`internal error: the cache's copy of a release file ended after ${done} of ${length} bytes`);
      done += n;
    }
    return buf;
  }
}
