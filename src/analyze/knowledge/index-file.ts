import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';
import type { KnownFile } from './types.js';
import { isVariant } from './variant.js';

/** The index built by `make knowledge` (scripts/build-knowledge.mjs) and shipped with the package. */
export const shippedIndexPath: string = join(packageRoot, 'knowledge', 'index.json');

function isKnownFile(value: unknown): value is KnownFile {
  const f = value as Partial<KnownFile> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.name === 'string' &&
    typeof f.blobId === 'string' &&
    typeof f.sha256 === 'string' &&
    typeof f.origin?.package === 'string' &&
    (f.variant === undefined || isVariant(f.variant))
  );
}

/**
 * Read one index: `{"format": "cuckoo.knowledge/v1", "files": [...]}`, a bare
 * array, or JSON lines. Malformed records are skipped rather than fatal, so one
 * bad line in a user's library cannot disable the whole library.
 */
export async function readIndex(path: string): Promise<KnownFile[]> {
  // One parse per process while the file is unchanged: batch runs and library
  // users verify many releases against the same index (4 MB of JSON).
  const seen = await stat(path).then(
    (s) => `${s.size}:${s.mtimeMs}:${s.ino}`,
    () => undefined,
  );
  const kept = seen === undefined ? undefined : parsed.get(path);
  if (kept && kept.stamp === seen) return kept.files;
  const files = await parseIndex(path);
  if (seen !== undefined) parsed.set(path, { stamp: seen, files });
  return files;
}

/** The files of each index read, by path; callers only read them (the records are never changed). */
const parsed = new Map<string, { stamp: string; files: KnownFile[] }>();

async function parseIndex(path: string): Promise<KnownFile[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`reading knowledge index ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let records: unknown[] = [];
  try {
    const parsed = JSON.parse(text) as { files?: unknown[] } | unknown[];
    records = Array.isArray(parsed) ? parsed : (parsed.files ?? []);
  } catch {
    // Not one JSON document: JSON lines, one file each.
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        // skipped, see above
      }
    }
  }
  return records.filter(isKnownFile);
}
