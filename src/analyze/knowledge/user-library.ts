/**
 * The user's own known-good library (`cuckoo knowledge add`): one index file
 * in cuckoo's cache folder, read next to the shipped index. It holds names,
 * serials and hashes, never the files themselves, in the shipped index's
 * format, so `readIndex` reads both.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { m4CodeHash, parseSerial } from '../m4.js';
import { hashFile } from './hash.js';
import { versionHashOf } from './version-neutral.js';
import { readIndex, shippedIndexPath } from './index-file.js';
import type { KnownFile } from './types.js';

export const knowledgeFormat = 'cuckoo.knowledge/v1';

/** `<cacheDir>/knowledge/user-index.json`. */
export function userIndexPath(cacheDir: string): string {
  return join(cacheDir, 'knowledge', 'user-index.json');
}

/** The indexes verify reads: the shipped one, and the user's when it exists. */
export function knowledgeIndexPaths(cacheDir: string): string[] {
  const user = userIndexPath(cacheDir);
  return existsSync(user) ? [shippedIndexPath, user] : [shippedIndexPath];
}

/** A known file from its bytes: hashes, and for m4 macros the serial and code hash m4-serial compares. */
export function knownFileOf(name: string, path: string, bytes: Buffer, origin: KnownFile['origin']): KnownFile {
  const m4 = name.endsWith('.m4') ? bytes.toString('latin1') : undefined;
  const serial = m4 !== undefined ? parseSerial(m4) : undefined;
  return {
    name,
    path,
    ...(serial !== undefined ? { serial } : {}),
    ...(m4 !== undefined ? { codeHash: m4CodeHash(m4) } : {}),
    ...versionHashOf(name, bytes.toString('latin1'), origin),
    ...hashFile(bytes),
    origin,
  };
}

/** One entry per file name and content: the same bytes under the same name are one known file, whatever their origin. */
const keyOf = (f: KnownFile) => `${f.name}\0${f.blobId}`;

/** Deterministic order: name, serial, then blob id; so the file diffs well and rewrites are stable. */
function compareKnown(a: KnownFile, b: KnownFile): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.name, b.name) || (a.serial ?? -1) - (b.serial ?? -1) || cmp(a.blobId, b.blobId);
}

export interface MergeResult {
  /** Where the library lives. */
  path: string;
  /** Entries the library did not hold before. */
  added: number;
  /** Entries it holds now. */
  total: number;
}

/** The user's library, or [] when there is none yet. */
export async function readUserLibrary(cacheDir: string): Promise<KnownFile[]> {
  const path = userIndexPath(cacheDir);
  return existsSync(path) ? readIndex(path) : [];
}

/**
 * Adds `files` to the user's library. Entries already there are kept as they
 * are (the first origin recorded wins), so adding a source twice adds nothing.
 * The file is replaced by rename: a reader never sees half of it, and an
 * interrupted write leaves the old library intact.
 */
export async function mergeUserLibrary(cacheDir: string, files: readonly KnownFile[]): Promise<MergeResult> {
  const path = userIndexPath(cacheDir);
  const byKey = new Map<string, KnownFile>();
  for (const f of await readUserLibrary(cacheDir)) if (!byKey.has(keyOf(f))) byKey.set(keyOf(f), f);
  const before = byKey.size;
  for (const f of files) if (!byKey.has(keyOf(f))) byKey.set(keyOf(f), f);
  const added = byKey.size - before;
  if (added > 0 || !existsSync(path)) {
    const sorted = [...byKey.values()].sort(compareKnown);
    // One record a line, as the shipped index: readable and diffable.
    const text = `{"format":${JSON.stringify(knowledgeFormat)},"files":[\n${sorted.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${randomUUID()}`;
    try {
      await writeFile(tmp, text);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
  return { path, added, total: byKey.size };
}
