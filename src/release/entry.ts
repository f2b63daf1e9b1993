/** One entry of a release archive, as read in the single streaming pass. */
export type EntryType = 'file' | 'symlink' | 'hardlink' | 'directory' | 'device' | 'fifo' | 'other';

export type ObjectFormat = 'sha1' | 'sha256';

export interface ReleaseEntry {
  /**
   * The path as the archive stores it (pax `path` overrides and GNU long names
   * applied), before any top-level directory is stripped. Data, never a
   * file-system path: it may be absolute or contain `..`.
   */
  path: string;
  type: EntryType;
  /** Permission bits only (e.g. 0o755). */
  mode: number;
  /** Bytes of content (files), or of the target (symlinks); 0 otherwise. */
  size: number;
  /** Symlink or hard-link target, as stored. */
  linkTarget?: string;
  /**
   * Git blob id of the content in the repository's object format: for files the
   * bytes, for symlinks the target (as git stores symlinks). Absent for other types.
   */
  blobId?: string;
  /** sha256 of the content (files and symlinks). */
  sha256?: string;
  /** The bytes, when the caller asked to keep them and they fit the per-file memory limit. */
  content?: Buffer;
  /** True when content was wanted but the file was larger than the memory limit. */
  contentTooLarge?: boolean;
  /**
   * Why extractors may disagree about this entry (a zip member whose local
   * header, data descriptor or byte range contradicts the central directory).
   * Such an entry is reported as critical and not compared.
   */
  ambiguity?: string;
  /** 0-based position in the archive; later copies of a path win on extraction. */
  index: number;
}

export type ArchiveFormat = 'tar' | 'zip';
export type Compression = 'none' | 'gzip' | 'xz' | 'bzip2' | 'zstd';

export interface ReadOptions {
  objectFormat: ObjectFormat;
  /** Called once a file's hashes are known; return true to keep its bytes in `content`. */
  keepContent?: (entry: ReleaseEntry) => boolean;
  /** Blob ids whose sha256 may be left out (see Hashing in hash.ts): bytes git can give back. */
  skipSha256?: (blobId: string) => boolean;
  limits: import('../limits.js').Limits;
  /** Use the pure-JS decoders even when system tools exist (tests, benchmarks). */
  preferJs?: boolean;
  /** The file is still being downloaded: read it as it grows (see download.ts). */
  growing?: GrowingSource;
}

/** A file that is still being written, and how to wait for and follow it. */
export interface GrowingSource {
  /** Resolves once `bytes` are in the file or it is complete; rejects when the download failed. */
  waitFor(bytes: number): Promise<void>;
  /** Settles when the file is complete. */
  done: Promise<unknown>;
  /** The bytes from the start, as they arrive. */
  stream(): import('node:stream').Readable;
}

export interface OpenedRelease {
  /** The path that was opened, as given. */
  source: string;
  archive: ArchiveFormat;
  compression: Compression;
  /** `tar.xz`, `zip`, … for reports. */
  formatName: string;
  /** Which decoder ran: `xz (system)`, `fzstd (js)`, `zlib`, … */
  decoder: string;
  /** Entries in archive order. May be iterated once. */
  entries(): AsyncIterable<ReleaseEntry>;
  /** sha256 of the archive file's bytes; resolves after entries() has been consumed. */
  sha256(): Promise<string>;
  /**
   * The archive's comment: the zip comment, or the `comment` record of a tar's
   * pax global header. `git archive` writes the commit id in both. Known at
   * open for zip; for tar, set once entries() has been consumed.
   */
  comment?: string;
  /**
   * tar only: bytes after the end-of-archive block that are not zero padding.
   * tar ignores them, and so do the entries. Set once entries() has been consumed.
   */
  trailingGarbage?: number;
  /**
   * tar only: the name of an entry header in those bytes. Readers that skip
   * zero blocks (`tar --ignore-zeros`, tar-stream) unpack it; tar does not.
   */
  hiddenEntry?: string;
}
