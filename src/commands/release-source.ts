/**
 * Where the release comes from: a local path, or a URL downloaded (or reused)
 * through cuckoo's cache; and the checks on the file as a whole that the user
 * asked for (--sha256, --checksums, --signature with --keyring).
 */
import { basename } from 'node:path';
import { CuckooError, withContext } from '../errors.js';
import type { Limits } from '../limits.js';
import type { TagOids } from '../git/oid-index.js';
import { openRelease } from '../release/open.js';
import type { ObjectFormat, OpenedRelease, ReleaseEntry } from '../release/entry.js';
import { parseSha256, checksumFromFile } from '../release/checksums.js';
import type { Progress } from '../release/download.js';
import type { GrowingSource } from '../release/entry.js';
import { checkUrl, httpDefaults, isUrl, type HttpOptions } from '../release/http-get.js';
import { fetchRemoteRelease } from '../release/remote-release.js';
import type { ContentSpill } from '../release/spill.js';
import { checkSignature, findSignature, type SignatureCheck } from '../release/signature.js';

export interface ReleaseSourceOptions {
  cacheDir: string;
  /** Network settings for downloads (https only unless allowHttp). */
  http?: HttpOptions;
  /** --sha256 HEX */
  sha256?: string;
  /** --checksums FILE|URL */
  checksums?: string;
  /** --signature FILE|URL|auto */
  signature?: string;
  /** --keyring FILE: armoured public keys the signatures must come from. */
  keyring?: string;
  /** Download progress, for a progress bar. */
  onProgress?: (p: Progress) => void;
}

export interface ReleaseSource {
  path: string;
  url?: string;
  fromCache: boolean;
  growing?: GrowingSource;
  /** Ends the use of the file; `keep` false drops a download the check could not read. */
  settle(keep?: boolean): Promise<void>;
}

/** The file name of a path or URL (without query), for tag inference and checksum files. */
export function releaseName(release: string): string {
  if (!isUrl(release)) return basename(release);
  try {
    return decodeURIComponent(basename(new URL(release).pathname));
  } catch {
    return basename(release);
  }
}

export async function openReleaseSource(release: string, options: ReleaseSourceOptions & { release?: string }): Promise<ReleaseSource> {
  const expected = options.sha256 !== undefined ? parseSha256(options.sha256) : undefined;
  if (!isUrl(release)) return { path: release, fromCache: false, settle: async () => {} };
  const http = { ...httpDefaults, ...options.http };
  // Before the cache: a URL the user may not use is refused even when a copy is cached.
  checkUrl(release, http.allowHttp);
  const remote = await fetchRemoteRelease(release, {
    ...http,
    cacheDir: options.cacheDir,
    ...(expected ? { expectedSha256: expected } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return {
    path: remote.path,
    url: release,
    fromCache: remote.fromCache,
    ...(remote.growing ? { growing: remote.growing } : {}),
    settle: (keep) => remote.settle(keep),
  };
}

/** Errors about a downloaded release name its URL, not the cache file it is read from. */
export function namedByUrl(err: unknown, source: ReleaseSource): unknown {
  if (!source.url || !(err instanceof CuckooError) || !err.message.includes(source.path)) return err;
  return new CuckooError(err.code, err.message.split(source.path).join(source.url), { ...(err.hint !== undefined ? { hint: err.hint } : {}), cause: err });
}

/** The sha256 the user expects, and where it came from; undefined when none was given. */
export async function expectedChecksum(options: ReleaseSourceOptions, name: string): Promise<{ source: string; expected: string } | undefined> {
  if (options.sha256 !== undefined) return { source: '--sha256', expected: parseSha256(options.sha256) };
  if (options.checksums !== undefined) return { source: options.checksums, expected: await checksumFromFile(options.checksums, name, { ...httpDefaults, ...options.http }) };
  return undefined;
}

/** The release signature check (none without --signature), or a note when `auto` finds no signature. */
export async function checkReleaseSignature(path: string, options: ReleaseSourceOptions & { release: string }): Promise<{ check?: SignatureCheck; notes: string[] }> {
  if (options.signature === undefined) return { notes: [] };
  const found = await findSignature(options.signature, options.release, { ...httpDefaults, ...options.http });
  if (!found) return { notes: ['no signature was found next to the release (tried .asc, .sig and .sign): nothing was verified'] };
  return { check: await checkSignature(path, found, options.keyring, options.cacheDir), notes: [] };
}

/** Bytes of files kept while the tag's tree is being listed, before the read waits for it. */
const earlyBytes = 32 * 1024 * 1024;

/**
 * Every entry of the release, in one streaming pass. Only the bytes of files
 * the tag cannot give back (their blob is not among `tagOids`) are kept, and
 * only their sha256 is sure to be set: call fillSha256 for the entries that
 * turn out to matter.
 */
export async function readReleaseEntries(
  label: string,
  source: ReleaseSource,
  options: {
    objectFormat: ObjectFormat;
    tagOids: TagOids;
    /** Settles when the tag's tree is in tagOids; until then every file's bytes are kept, up to earlyBytes. */
    listed?: Promise<unknown>;
    /** Bytes kept before `listed` settles, past which the read waits for it (default 32 MiB). */
    earlyBytes?: number;
    limits: Limits;
    preferJs: boolean;
    confirmSha1?: boolean;
    signal?: AbortSignal;
    /** Where kept bytes go past its budget (see spill.ts); all are held in memory without one. */
    spill?: ContentSpill;
    /** Told the blob id of each file as it is read (the SHA-1 confirmation reads the tag's side of a match ahead). */
    onBlob?: (oid: string) => void;
  },
): Promise<{ release: OpenedRelease; entries: ReleaseEntry[] }> {
  // Read before the tag's tree is listed, a file's bytes are kept (the tag may
  // have it or not); past earlyBytes of them the read waits for the listing.
  let listed = options.listed === undefined;
  options.listed?.then(
    () => (listed = true),
    () => (listed = true),
  );
  let early = 0;
  let settled = listed;
  const release = await openRelease(source.path, {
    ...(source.growing ? { growing: source.growing } : {}),
    objectFormat: options.objectFormat,
    limits: options.limits,
    preferJs: options.preferJs,
    keepContent: (entry) => entry.blobId === undefined || !options.tagOids.has(entry.blobId),
    // Files the tag has (nearly all) need no second digest (see fillSha256),
    // unless a SHA-1 match is to be confirmed (see sha1-confirm.ts).
    skipSha256: (blobId) => !options.confirmSha1 && options.tagOids.stored(blobId),
  });
  const entries: ReleaseEntry[] = [];
  try {
    for await (const entry of release.entries()) {
      // Leaving the loop stops the decoder: the caller has failed already.
      if (options.signal?.aborted) throw options.signal.reason;
      // A file the tag has too holds the tag's string of its blob id, not a copy of its own.
      if (entry.blobId !== undefined) {
        entry.blobId = options.tagOids.intern(entry.blobId);
        options.onBlob?.(entry.blobId);
      }
      entries.push(entry);
      const kept = entry.content?.length ?? 0;
      options.spill?.keep(entry);
      if (!listed) {
        early += kept;
        if (early > (options.earlyBytes ?? earlyBytes)) await options.listed!.catch(() => {});
      }
      // Once listed, the bytes of the files read before that which the tag has go.
      if (listed && !settled) {
        settled = true;
        settleTagIds(entries, options.tagOids, options.spill);
      }
    }
  } catch (err) {
    throw withContext(`reading ${label}`, err);
  }
  return { release, entries };
}

/**
 * Entries read while the tag side was still completing (see startTagSide):
 * blob ids it learned since (a submodule's, an archive conversion's) are
 * interned and their bytes let go, as if known from the start.
 */
export function settleTagIds(entries: readonly ReleaseEntry[], tagOids: TagOids, spill?: ContentSpill): void {
  for (const entry of entries) {
    if (entry.blobId === undefined) continue;
    entry.blobId = tagOids.intern(entry.blobId);
    if (!tagOids.has(entry.blobId)) continue;
    spill?.letGo(entry);
    delete entry.content;
    delete entry.contentTooLarge;
  }
}
