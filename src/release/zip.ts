import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { CuckooError } from '../errors.js';
import { BlockReader } from './block-reader.js';
import { Budget } from './budget.js';
import type { EntryType, OpenedRelease, ReadOptions, ReleaseEntry } from './entry.js';
import { entryPath } from './entry-path.js';
import { finishFile, readerHashing, sha256File, sha256Hex } from './hash.js';
import { readDirectory, ZipFormatError, type ZipDirectory, type ZipMember } from './zip-directory.js';
import { zipListing, type Listing } from './zip-listing.js';
import { readMember } from './zip-member.js';

/** Longer symlink targets are not paths any file system takes. */
const MAX_LINK_TARGET = 64 * 1024;
/** Gaps up to this size are searched for hidden local headers. */
const GAP_SCAN_LIMIT = 64 * 1024 * 1024;
const LOCAL_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');
const damagedHint = 'the archive is damaged or incomplete; fetch it again and compare its checksum with the published one';

/**
 * Reads a zip as extractors that seek do: the central directory, as unzipper
 * reads it, says which members exist and where (cuckoo's own reading of it is
 * the check, see zip-unzipper.ts). The members are then read front to back in
 * one pass over the file, checking that extractors that stream it (local
 * headers in file order) would see the same files: a member whose local
 * header, data descriptor or byte range disagrees, or that the two readings
 * of the directory do not agree on, is marked `ambiguity` and reported, not
 * compared.
 */
export async function openZip(path: string, options: ReadOptions): Promise<OpenedRelease> {
  const handle = await openHandle(path);
  let directory: ZipDirectory;
  let size: number;
  try {
    size = (await handle.stat()).size;
    directory = await readDirectory(new BlockReader(handle, size));
  } catch (err) {
    throw asZipError(path, err);
  } finally {
    await handle.close();
  }
  // Handed to the one read of the entries, which lets each member go once it is read.
  let unread: ZipDirectory | undefined = directory;
  let digest: Promise<string> | undefined;
  const release: OpenedRelease = {
    source: path,
    archive: 'zip',
    compression: 'none',
    formatName: 'zip',
    decoder: 'zlib',
    entries() {
      if (unread === undefined) throw new Error('entries() can be iterated only once');
      const read = unread;
      unread = undefined;
      // unzipper's reading starts here, as a tar's decoder does: a release
      // only opened (--previous checks that it can be) costs no worker.
      const { members, start, length, end, tail } = read;
      const listing = zipListing(path, members.length);
      listing.start({ path, size, start, length, end, count: members.length, tail }, members);
      // Nothing here reads the directory's bytes again (a kernel-sized one is 10 MB).
      read.tail = Buffer.alloc(0);
      return readZip(path, read, listing, options, (sha256) => (digest = Promise.resolve(sha256)));
    },
    // Set by a complete read of the entries; a separate read otherwise.
    sha256: () => (digest ??= sha256File(path)),
  };
  if (directory.comment !== '') release.comment = directory.comment;
  return release;
}

type Verdict = { agrees: true } | { listing: ZipMember[] } | { error: unknown };

/**
 * The entries of the zip whose central directory cuckoo read as `directory`.
 * unzipper reads the same directory meanwhile (`listing`), and the members
 * are walked by cuckoo's own records until its verdict is in: when its
 * records are the same, field for field, that walk is the walk of unzipper's,
 * and its entries go out (held until then). Otherwise the walk so far is
 * dropped, unread by the caller, and unzipper's records are walked instead,
 * marked where the two readings differ. An error of the first walk counts
 * only once unzipper has agreed (after the entries before it); unzipper's own
 * errors come first.
 */
async function* readZip(path: string, directory: ZipDirectory, listing: Listing, options: ReadOptions, done: (sha256: string) => void): AsyncGenerator<ReleaseEntry> {
  const { members, start } = directory;
  let verdict: Verdict | undefined;
  const settled = listing.verdict().then(
    (records) => void (verdict = records === undefined ? { agrees: true } : { listing: records }),
    (error: unknown) => void (verdict = { error }),
  );
  const held: ReleaseEntry[] = [];
  let failure: { error: unknown } | undefined;
  try {
    try {
      for await (const entry of walkMembers(path, members, start, options, done)) {
        if (verdict === undefined) held.push(entry);
        else if (!('agrees' in verdict)) break;
        else {
          yield* held.splice(0);
          yield entry;
        }
      }
    } catch (err) {
      failure = { error: err };
    }
    await settled;
    if ('error' in verdict!) throw asZipError(path, verdict.error);
    if ('listing' in verdict!) {
      yield* walkMembers(path, verdict.listing, start, options, done);
      return;
    }
    // The entries before the error, as the walk of unzipper's records would have given them.
    yield* held.splice(0);
    if (failure !== undefined) throw failure.error;
  } finally {
    await listing.stop();
  }
}

async function openHandle(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw new CuckooError('input', `${path}: cannot read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Reads `members` (sorted in place, and emptied as they are read) and the
 * bytes around them up to the central directory at `directoryStart`.
 * Exported for scripts/bench-zip.mjs, which times it alone.
 */
export async function* walkMembers(path: string, members: Array<ZipMember | undefined>, directoryStart: number, options: ReadOptions, done: (sha256: string) => void): AsyncGenerator<ReleaseEntry> {
  const budget = new Budget(path, options.limits);
  const hashing = readerHashing(options);
  // A symlink's target is read from its bytes, so they are kept whatever the caller keeps.
  const linkHashing = { ...hashing, keepUpTo: MAX_LINK_TARGET };
  const dataHashing = { ...hashing, keepUpTo: undefined };
  const handle = await openHandle(path);
  const archiveHash = createHash('sha256');
  const reader = new BlockReader(handle, (await handle.stat()).size, archiveHash);
  // File order; members listed out of it are still yielded in directory order (the order extractors apply them).
  const order = members.sort((a, b) => a!.localOffset - b!.localOffset || a!.index - b!.index);
  const inOrder = order.every((m, i) => m!.index === i);
  const held: ReleaseEntry[] = [];
  // The furthest byte any member read so far reaches, and that member.
  let reach = 0;
  let reachedBy: ZipMember | undefined;
  try {
    for (let i = 0; i < order.length; i++) {
      const m = order[i]!;
      // A kernel-sized release has 90,000 members: each goes once read.
      order[i] = undefined;
      const { type, mode } = memberKind(m);
      budget.addEntry(type === 'directory' ? 0 : m.uncompressedSize);
      // blobId is declared up front, as in tar.ts.
      const entry: ReleaseEntry = { path: entryPath(m.name, type), type, mode, size: 0, blobId: undefined, index: m.index };
      if (type === 'symlink' && m.uncompressedSize > MAX_LINK_TARGET) {
        throw asZipError(path, new ZipFormatError(`symlink ${m.name} has a ${m.uncompressedSize}-byte target`));
      }
      const problems = [...(m.disputed ?? [])];
      if (m.localOffset > reach) await reading(path, describeGap(reader, reach, m.localOffset, problems, 'before it'));
      else if (m.localOffset < reach) problems.push(`it starts inside member ${JSON.stringify(reachedBy!.name)}, so their bytes overlap`);
      const read = await reading(path, readMember(path, reader, m, type === 'symlink' ? linkHashing : type === 'file' ? hashing : dataHashing));
      problems.push(...read.problems);
      const next = order[i + 1];
      const limit = next?.localOffset ?? directoryStart;
      if (read.end > limit) problems.push(next ? `its bytes run into member ${JSON.stringify(next.name)}` : 'its bytes run into the central directory');
      else if (next === undefined && read.end < directoryStart) await reading(path, describeGap(reader, read.end, directoryStart, problems, 'after it'));
      if (read.end > reach) [reach, reachedBy] = [read.end, m];
      if (type === 'file') {
        entry.size = m.uncompressedSize;
        finishFile(entry, read.digest, options);
      } else if (type === 'symlink') {
        entry.linkTarget = read.digest.content!.toString('utf8');
        entry.size = read.digest.length;
        entry.blobId = read.digest.blobId;
        entry.sha256 = read.digest.sha256 ?? sha256Hex(read.digest.content!);
      }
      if (problems.length > 0) entry.ambiguity = `zip member ${m.name}: ${problems.join('; ')}`;
      if (inOrder) yield entry;
      else held.push(entry);
    }
    if (order.length === 0 && directoryStart > 0) {
      throw asZipError(path, new ZipFormatError(`${directoryStart} bytes before the central directory belong to no member`));
    }
    held.sort((a, b) => a.index - b.index);
    yield* held;
    await reading(path, reader.hashRest());
    done(archiveHash.digest('hex'));
  } finally {
    await reader.settle();
    await handle.close();
  }
}

/** Bytes between members belong to no entry: extractors that stream may find a member there that the directory does not list. */
async function describeGap(reader: BlockReader, start: number, end: number, problems: string[], where: string): Promise<void> {
  const hidden = end - start <= GAP_SCAN_LIMIT && (await reader.bytes(start, end - start)).includes(LOCAL_SIGNATURE);
  problems.push(`${end - start} bytes ${where} belong to no member${hidden ? ', and hold a local file header the central directory does not list' : ''}`);
}

/**
 * Type and permission bits. Unix zips (version-made-by host 3, as written by
 * Info-ZIP and `git archive`) carry st_mode in the upper 16 bits of the
 * external attributes; others get the defaults extractors use.
 */
function memberKind(member: ZipMember): { type: EntryType; mode: number } {
  const dirName = /[/\\]$/.test(member.name);
  const unixMode = member.externalAttributes >>> 16;
  if (member.versionMadeBy >> 8 === 3 && unixMode !== 0) {
    const mode = unixMode & 0o7777;
    if (dirName) return { type: 'directory', mode };
    switch (unixMode & 0o170000) {
      case 0o120000:
        return { type: 'symlink', mode };
      case 0o040000:
        return { type: 'directory', mode };
      case 0o010000:
        return { type: 'fifo', mode };
      case 0o020000:
      case 0o060000:
        return { type: 'device', mode };
      case 0o140000:
        return { type: 'other', mode };
      default:
        return { type: 'file', mode };
    }
  }
  // MS-DOS attribute 0x10 marks directories.
  if (dirName || member.externalAttributes & 0x10) return { type: 'directory', mode: 0o755 };
  return { type: 'file', mode: 0o644 };
}

/** Errors from reading the archive become one input error; the caller's own (keepContent) pass through. */
async function reading<T>(path: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw asZipError(path, err);
  }
}

function asZipError(path: string, err: unknown): CuckooError {
  if (err instanceof CuckooError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new CuckooError('input', `${path}: corrupt zip archive: ${detail}`, { hint: damagedHint, cause: err });
}
