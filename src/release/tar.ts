import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream, { type Extract, type Header } from 'tar-stream';
import { CuckooError } from '../errors.js';
import { Budget, tooManyBytes } from './budget.js';
import type { EntryType, ReadOptions, ReleaseEntry } from './entry.js';
import { entryPath } from './entry-path.js';
import { BlobHasher, finishFile, gitBlobId, readerHashing, sha256Hex, type BlobDigest, type Hashing } from './hash.js';
import { tarLinkBytes, tarLinkName, tarName, tarNameEncoding } from './tar-names.js';
import type { TarHeaderInfo } from './tar-header.js';
import { TarWalk } from './tar-walk.js';

export interface TarInput {
  /** The archive path, for messages. */
  source: string;
  /**
   * Makes the streams that produce the tar bytes, in order: the file, its
   * hash tap, the decoder if any. Called when iteration starts, so an
   * unread generator holds no file or process.
   */
  openStages(): Array<Readable | Duplex>;
  options: ReadOptions;
  /** Says why the first block is not a tar, if it is not (data under a compression layer). */
  checkFirstBlock(block: Buffer): CuckooError | undefined;
}

/** What is known only once the whole archive has been read. */
export interface TarSummary {
  /** The `comment` of a pax global header (`git archive` writes the commit id there). */
  comment?: string;
  /** Bytes after the end-of-archive block that are not all zero padding (0 when none). */
  trailingGarbage: number;
  /** The name of an entry header found in those bytes, if any. */
  hiddenEntry?: string;
}

const damagedHint = 'the archive is damaged or incomplete; fetch it again and compare its checksum with the published one';

/**
 * Reads tar entries in one pass, hashing each file as it streams. The
 * generator finishes only after the decoder has exited cleanly and the whole
 * file has been read; stopping early or failing tears the pipeline down
 * (decoder processes included) before the generator returns.
 */
export async function* readTar(input: TarInput, onDone: (summary: TarSummary) => void): AsyncGenerator<ReleaseEntry> {
  const { source, options } = input;
  const stages = input.openStages();
  // Old v7 tars have no magic; detection already vouched for the first header.
  const extract = tarStream.extract({ allowUnknownFormat: true, filenameEncoding: tarNameEncoding } as Parameters<typeof tarStream.extract>[0]);
  // Subscribes to extract's errors before any byte flows.
  const iterator = extract[Symbol.asyncIterator]();
  const walk = new TarWalk({
    checkFirstBlock: input.checkFirstBlock,
    maxOverheadBytes: options.limits.maxTotalBytes,
    overLimit: () => tooManyBytes(source, options.limits),
  });
  const abort = new AbortController();
  let feedError: unknown;
  const fail = (err: unknown) => {
    feedError ??= err;
    abort.abort();
    extract.destroy(err as Error);
  };
  // Settles once both are done: after a failure or an early stop, that is
  // when every stage (decoder processes included) has been torn down.
  const fed = Promise.allSettled([
    pipeline([...stages, walk], { signal: abort.signal }).catch(fail),
    feed(walk, extract).catch(fail),
  ]);

  const budget = new Budget(source, options.limits);
  const hashing = readerHashing(options);
  let index = 0;
  let current: string | undefined;
  let last: string | undefined;
  // Errors from reading become one clear error; the caller's own (keepContent) pass through.
  const reading = async <T>(step: Promise<T>): Promise<T> => {
    try {
      return await step;
    } catch (err) {
      throw tarFailure(err, feedError, source, current, last);
    }
  };
  try {
    for (;;) {
      const step = await reading(iterator.next());
      if (step.done) break;
      const stream = step.value;
      const header = stream.header;
      const raw = pairedHeader(walk, header, source);
      current = tarName(header, raw);
      budget.addEntry(header.size ?? 0);
      // A file whose name ends in `/` is an old-style directory, as tar reads it.
      const type = header.type === 'file' && current.endsWith('/') ? 'directory' : entryType(header.type);
      // blobId is declared up front (set once the data is hashed): a property
      // added later costs every one of 90,000 entries a second allocation.
      const entry: ReleaseEntry = { path: entryPath(current, type), type, mode: (header.mode ?? 0) & 0o7777, size: 0, blobId: undefined, index: index++ };
      if (raw.ambiguity !== undefined) entry.ambiguity = raw.ambiguity;
      const digest = await reading(readData(stream, header, entry, hashing, raw));
      if (digest !== undefined) finishFile(entry, digest, options);
      last = current;
      current = undefined;
      yield entry;
    }
    await reading(fed.then(() => (feedError === undefined ? undefined : Promise.reject(feedError))));
    const hiddenEntry = walk.hiddenEntry;
    onDone({ comment: walk.comment, trailingGarbage: walk.trailingNonZero ? walk.trailingBytes : 0, ...(hiddenEntry !== undefined ? { hiddenEntry } : {}) });
  } finally {
    abort.abort();
    extract.destroy();
    await fed;
    // A pipeline settles on the first error, before its stages finish
    // closing; a decoder closes only once its process has exited.
    await Promise.all(stages.map(closed));
  }
}

/**
 * The walker's record of the entry tar-stream just parsed. Both lay out the
 * same headers in order; should they ever disagree, the archive has headers
 * that extractors read differently, and nothing after that point can be
 * trusted to be what tar unpacks: the read fails.
 */
function pairedHeader(walk: TarWalk, header: Header, source: string): TarHeaderInfo {
  const raw = walk.headers.shift();
  if (raw !== undefined && raw.streamName === header.name) return raw;
  throw new CuckooError('input', `${source}: corrupt tar archive: headers that tar readers lay out differently (entry ${JSON.stringify(tarName(header))})`, {
    hint: `${damagedHint}; an archive built this way unpacks differently with different tools`,
  });
}

/** One entry as tar-stream yields it: a readable of its data, with the parsed header. */
type TarEntry = Extract extends AsyncIterable<infer S> ? S : never;

/** Writes the walked tar bytes into tar-stream, honouring its backpressure. */
async function feed(tarBytes: AsyncIterable<Buffer>, extract: Extract): Promise<void> {
  for await (const chunk of tarBytes) {
    if (extract.destroyed) throw new Error('tar reader closed');
    if (!extract.write(chunk)) await drained(extract);
  }
  extract.end(undefined);
}

/** Resolves once `stream` has emitted 'close'. */
function closed(stream: Readable | Duplex): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

function drained(extract: Extract): Promise<void> {
  return new Promise((resolve, reject) => {
    const off = () => {
      extract.off('drain', onDrain);
      extract.off('close', onClose);
    };
    const onDrain = () => {
      off();
      resolve();
    };
    const onClose = () => {
      off();
      reject(new Error('tar reader closed'));
    };
    extract.on('drain', onDrain);
    extract.on('close', onClose);
  });
}

/** Reads an entry's data: hashes a file (returned), fills in link targets, skips the rest. */
async function readData(
  stream: TarEntry,
  header: Header,
  entry: ReleaseEntry,
  hashing: Hashing,
  raw: TarHeaderInfo | undefined,
): Promise<BlobDigest | undefined> {
  const { format } = hashing;
  switch (entry.type) {
    case 'file': {
      const hasher = new BlobHasher(header.size ?? 0, hashing);
      for await (const chunk of stream) hasher.update(chunk as Buffer);
      entry.size = header.size ?? 0;
      return hasher.digest();
    }
    case 'symlink': {
      const bytes = tarLinkBytes(header, raw);
      entry.linkTarget = tarLinkName(header, raw);
      entry.size = bytes.length;
      entry.blobId = gitBlobId(bytes, format);
      entry.sha256 = sha256Hex(bytes);
      break;
    }
    case 'hardlink':
      // The target names another member, so it gets the same `./` treatment as member paths.
      entry.linkTarget = entryPath(tarLinkName(header, raw), 'file');
      break;
    case 'directory':
      // tar-stream never ends a directory's stream when its header declares a
      // size (it reads no data after directories), so it must not be read;
      // an old-style one (a file header) has its data read past.
      if (header.type === 'directory') return undefined;
      break;
  }
  // Data after links, devices and fifos is skipped by tar; read past it.
  for await (const _ of stream) void _;
  return undefined;
}

function entryType(type: Header['type'] | null): EntryType {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'directory':
      return 'directory';
    case 'character-device':
    case 'block-device':
      return 'device';
    case 'fifo':
      return 'fifo';
    default:
      return 'other';
  }
}

/** One clear error for whatever stopped the read; a decoder's failure explains the tar errors it caused. */
function tarFailure(err: unknown, feedError: unknown, source: string, current?: string, last?: string): CuckooError {
  for (const e of [err, feedError]) if (e instanceof CuckooError) return e;
  for (const e of [err, feedError]) {
    if (e instanceof Error && (e as NodeJS.ErrnoException).syscall !== undefined) {
      return new CuckooError('input', `${source}: cannot read: ${e.message}`, { cause: e });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  const where = current !== undefined ? `entry ${current}` : last !== undefined ? `after entry ${last}` : 'at the start';
  if (/Unexpected end of data/i.test(message)) {
    return new CuckooError('input', `${source}: truncated tar archive (${where})`, { hint: damagedHint, cause: err });
  }
  const what = /checksum|corrupted/i.test(message)
    ? 'bad header checksum'
    : /unknown format/i.test(message)
      ? 'unrecognised header'
      : /exceeds max size/i.test(message)
        ? 'extended header larger than 4 MiB'
        : /Invalid header/i.test(message)
          ? 'invalid size field'
          : message;
  return new CuckooError('input', `${source}: corrupt tar archive: ${what} (${where})`, { hint: damagedHint, cause: err });
}
