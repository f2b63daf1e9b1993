import { access, readFile } from 'node:fs/promises';
import { m4CodeHash, parseSerial } from '../m4.js';
import { hashFile } from './hash.js';
import { HostCache, type HostFacts } from './host-cache.js';
import { defaultHostDirs, listHostFiles, type HostFile } from './host.js';
import { readHistory, shippedHistoryPath, type HistoryIndex } from './history-file.js';
import { readBinaryIndex } from './index-bin.js';
import { readIndex, shippedIndexPath } from './index-file.js';
import { shippedTextsPath, TextStore } from './texts-file.js';
import type { KnowledgeLookup, KnownFile } from './types.js';
import { variantBase, variantBytes } from './variant.js';

export interface LoadKnowledgeOptions {
  /** Index files to read; default the shipped index alone. Pass `[shippedIndexPath, …]` to add a user's library. */
  indexPaths?: string[];
  /** Folders of installed tool files to read; default `defaultHostDirs()`. `[]` reads none. */
  hostDirs?: string[];
  /** cuckoo's cache folder, where the host files' hashes are kept between runs (host-cache.ts); none: hashed every run. */
  cacheDir?: string;
  /** m4 history files (history-file.ts); default the shipped one when the shipped index is read. */
  historyPaths?: string[];
  /** Genuine texts (texts-file.ts) for diffs; default the shipped ones when the shipped index is read. */
  textsPaths?: string[];
}

/** Host copies are origin `host:<dir>`: their version is whatever is installed. */
export const hostPackagePrefix = 'host:';

/** Records read from a JSON index or hashed from host folders, filed by name and hash. */
class FiledRecords {
  private readonly hashes = new Map<string, KnownFile[]>();
  private readonly names = new Map<string, KnownFile[]>();

  constructor(files: readonly KnownFile[] = []) {
    for (const file of files) this.add(file);
  }

  add(file: KnownFile): void {
    const push = (map: Map<string, KnownFile[]>, key: string) => {
      const list = map.get(key);
      if (list) list.push(file);
      else map.set(key, [file]);
    };
    push(this.names, file.name);
    push(this.hashes, file.blobId);
    if (file.blobId256) push(this.hashes, file.blobId256);
    if (file.sha256 !== file.blobId256) push(this.hashes, file.sha256);
  }

  byHash(id: string): KnownFile[] {
    return this.hashes.get(id.toLowerCase()) ?? [];
  }

  byName(name: string): KnownFile[] {
    return this.names.get(name) ?? [];
  }
}

/** An index as read: its binary form (index-bin.ts) or its JSON records. */
type IndexStore = Pick<FiledRecords, 'byHash' | 'byName'>;

class Library implements KnowledgeLookup {
  /** The indexes, in the order given, then the host copies. */
  private readonly stores: IndexStore[];
  private readonly host = new FiledRecords();
  /** Where the genuine bytes of a host file are. */
  private readonly hostPaths = new Map<KnownFile, string>();
  private pending: HostFile[] | undefined;
  /** The m4 history, read on the first m4 lookup: a release without m4 files never pays for it. */
  private historyPaths: string[];
  private history: HistoryIndex[] = [];
  private readonly texts: TextStore[];

  private readonly cacheDir: string | undefined;

  constructor(indexes: IndexStore[], host: HostFile[], historyPaths: string[], textsPaths: string[], cacheDir?: string) {
    this.stores = [...indexes, this.host];
    this.pending = host.length > 0 ? host : undefined;
    this.historyPaths = historyPaths;
    this.texts = textsPaths.map((p) => new TextStore(p));
    this.cacheDir = cacheDir;
  }

  /** The history holds m4 macros only: other names never load it. */
  private historyFor(name: string | undefined): HistoryIndex[] {
    if (name !== undefined && !name.endsWith('.m4')) return [];
    if (this.historyPaths.length > 0) {
      const paths = this.historyPaths;
      this.historyPaths = [];
      this.history = paths.map(readHistory);
    }
    return this.history;
  }

  /**
   * Host files are hashed on the first lookup, not at load: most runs (a
   * release without autotools files) never ask. A few hundred small files
   * read synchronously cost a few milliseconds.
   */
  private ensureHost(): void {
    const host = this.pending;
    if (!host) return;
    this.pending = undefined;
    const cache = new HostCache(this.cacheDir);
    for (const h of host) {
      const facts = cache.facts(h.path, (bytes) => hostFacts(h.name, bytes));
      if (!facts) continue; // removed or unreadable since it was listed
      const file: KnownFile = { name: h.name, path: h.path, ...facts, origin: { package: `${hostPackagePrefix}${h.dir}`, version: 'installed' } };
      this.hostPaths.set(file, h.path);
      this.host.add(file);
    }
    cache.save();
  }

  byHash(id: string, name?: string): KnownFile[] {
    this.ensureHost();
    return [...this.stores.flatMap((s) => s.byHash(id)), ...this.historyFor(name).flatMap((h) => h.byHash(id))];
  }

  byName(name: string): KnownFile[] {
    this.ensureHost();
    return [...this.stores.flatMap((s) => s.byName(name)), ...this.historyFor(name).flatMap((h) => h.byName(name))];
  }

  /**
   * A known file's genuine bytes: a host copy with its content, else the
   * shipped texts (every file of the shipped index and history), else for a
   * vendor variant its upstream file's bytes with the variant's diff applied.
   */
  async content(file: KnownFile): Promise<Buffer | undefined> {
    this.ensureHost();
    const path = this.hostPaths.get(file) ?? this.host.byHash(file.blobId).map((f) => this.hostPaths.get(f)).find((p) => p !== undefined);
    if (path) {
      try {
        return await readFile(path);
      } catch {
        // removed since it was listed: the shipped texts may still have it
      }
    }
    for (const store of this.texts) {
      const bytes = await store.text(file.name, file.blobId);
      if (bytes) return bytes;
    }
    const base = variantBase(file);
    const baseBytes = base && (await this.content(base));
    return baseBytes && variantBytes(file, baseBytes);
  }
}

/** What a host file is known by: its hashes, and an m4 macro's serial and code hash. */
function hostFacts(name: string, bytes: Buffer): HostFacts {
  const m4 = name.endsWith('.m4') ? bytes.toString('latin1') : undefined;
  const serial = m4 !== undefined ? parseSerial(m4) : undefined;
  return {
    ...(serial !== undefined ? { serial } : {}),
    ...(m4 !== undefined ? { codeHash: m4CodeHash(m4) } : {}),
    ...hashFile(bytes),
  };
}

/** The known-good library: indexed files, the m4 history, and the copies installed on this machine. */
export async function loadKnowledge(options: LoadKnowledgeOptions = {}): Promise<KnowledgeLookup> {
  const indexPaths = options.indexPaths ?? [shippedIndexPath];
  const shipped = indexPaths.includes(shippedIndexPath);
  const historyPaths = options.historyPaths ?? (shipped ? [shippedHistoryPath] : []);
  const textsPaths = options.textsPaths ?? (shipped ? [shippedTextsPath] : []);
  // Read later, when asked; a missing file is said now, as a missing index is.
  await Promise.all(
    [...historyPaths, ...textsPaths].map((p) =>
      access(p).catch((err: unknown) => {
        throw new Error(`reading knowledge ${p}: ${err instanceof Error ? err.message : String(err)}`);
      }),
    ),
  );
  // The binary form where the build scripts wrote one beside the JSON (the shipped index), else the JSON.
  const indexes = await Promise.all(indexPaths.map(async (p): Promise<IndexStore> => readBinaryIndex(p) ?? new FiledRecords(await readIndex(p))));
  const host = listHostFiles(options.hostDirs ?? defaultHostDirs());
  return new Library(indexes, host, historyPaths, textsPaths, options.cacheDir);
}
