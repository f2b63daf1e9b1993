/**
 * What hashing the machine's own tool files (host.ts) found, kept in cuckoo's
 * cache: a file whose size, modification time and inode are unchanged since
 * is not read again. Installing or upgrading a package changes all three for
 * the files it writes. A cache that cannot be read or written costs only the
 * hashing, never the run.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KnownFile } from './types.js';

/** The facts of a host file that do not depend on where it was found. */
export type HostFacts = Pick<KnownFile, 'serial' | 'codeHash' | 'blobId' | 'blobId256' | 'sha256' | 'size'>;

interface Entry extends HostFacts {
  mtimeMs: number;
  ino: number;
}

const format = 'cuckoo.host-hashes/v1';

export class HostCache {
  private readonly file: string | undefined;
  private readonly entries: Map<string, Entry>;
  private changed = false;

  constructor(cacheDir: string | undefined) {
    this.file = cacheDir === undefined ? undefined : join(cacheDir, 'knowledge', 'host-hashes.json');
    this.entries = new Map();
    if (!this.file) return;
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { format?: string; files?: Record<string, Entry> };
      if (data.format === format && data.files) for (const [path, e] of Object.entries(data.files)) this.entries.set(path, e);
    } catch {
      // none yet, or unreadable: hash everything
    }
  }

  /** The facts of `path`, from the cache while the file is unchanged, else from `compute` on its bytes. */
  facts(path: string, compute: (bytes: Buffer) => HostFacts): HostFacts | undefined {
    let info;
    try {
      info = statSync(path);
    } catch {
      return undefined; // removed or unreadable since it was listed
    }
    const cached = this.entries.get(path);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs && cached.ino === info.ino) {
      const { mtimeMs: _m, ino: _i, ...facts } = cached;
      return facts;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return undefined;
    }
    const facts = compute(bytes);
    // A file that changed while it was read is not remembered.
    if (bytes.length === info.size) {
      this.entries.set(path, { ...facts, mtimeMs: info.mtimeMs, ino: info.ino });
      this.changed = true;
    }
    return facts;
  }

  /** Writes the cache when something new was hashed (atomically: a reader sees the old file or the new). */
  save(): void {
    if (!this.file || !this.changed) return;
    this.changed = false;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ format, files: Object.fromEntries(this.entries) }));
      renameSync(temp, this.file);
    } catch {
      // a read-only cache only costs the hashing next time
    }
  }
}
