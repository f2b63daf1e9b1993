/**
 * Where unzipper reads the central directory (zip-unzipper.ts) while the
 * members are read (zip.ts). unzipper takes a dozen promises and objects per
 * record, most of its time in garbage collection: on a zip of 90,000 tiny
 * files, reading the directory with it before the members took as long again
 * as cuckoo's whole read. A large directory is therefore handed to a worker
 * thread, started when the entries are read, so that it loads unzipper
 * while this thread reads the first members; it costs this thread little
 * more than a copy of the directory's bytes. A small directory is read
 * in this thread, where a worker's start would cost more than unzipper does.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { CuckooError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { ZipFormatError, type ZipMember } from './zip-directory.js';
import type { DirectoryBytes } from './zip-unzipper.js';

/**
 * Directories of this many records or more are read by unzipper in a worker
 * thread, when there is a second core for it to run on (tests lower it to 0).
 */
export const listingThread = {
  workerFrom: availableParallelism() > 1 ? 2000 : Infinity,
  /** Listings started in this process, in this thread or a worker: the work a test can count. */
  started: 0,
};

const workerFile = join(packageRoot, 'dist', 'src', 'release', 'zip-unzipper-worker.js');

/** unzipper's reading of one zip's central directory. */
export interface Listing {
  /** Hands unzipper the directory cuckoo read as `ours` (copied: the caller may reorder it). */
  start(bytes: DirectoryBytes, ours: ZipMember[]): void;
  /** unzipper's verdict on `ours` (unzipperVerdict): undefined when its records are ours; rejects when unzipper cannot read them. */
  verdict(): Promise<ZipMember[] | undefined>;
  /** Ends a reading that is still running. */
  stop(): Promise<void>;
}

/** What the worker posts back (zip-unzipper-worker.ts). */
export type WorkerReply = { listing: ZipMember[] | undefined } | { error: string; format: boolean };

/** The listing of a directory of `count` records, from the path of its zip. */
export function zipListing(path: string, count: number): Listing {
  listingThread.started++;
  return count < listingThread.workerFrom ? inThisThread() : inWorker(path);
}

function inThisThread(): Listing {
  let verdict: Promise<ZipMember[] | undefined> | undefined;
  return {
    start(bytes, ours) {
      const records = [...ours];
      // unzipper (and the promise library it brings) is loaded only when a zip is read.
      verdict = import('./zip-unzipper.js').then((u) => u.unzipperVerdict(bytes, records));
      // Awaited by the read of the entries; a release opened and never read drops it.
      verdict.catch(() => {});
    },
    verdict: () => verdict ?? Promise.reject(new Error('the listing was not started')),
    stop: async () => {},
  };
}

function inWorker(path: string): Listing {
  const failed = (why: string) =>
    new CuckooError('tool', `${path}: unzipper's reading of the central directory, in a worker thread, failed: ${why}`, {
      hint: 'this is a fault of cuckoo or of the machine (memory, threads), not of the zip',
    });
  // node:worker_threads is loaded only for a zip this large: a run on a tar never needs it.
  const started = import('node:worker_threads').then(({ Worker: WorkerThread }) => {
    const worker = new WorkerThread(workerFile);
    // It holds the process only while the entries wait for it (verdict()).
    worker.unref();
    return worker;
  });
  const verdict = started.then(
    (w) =>
      new Promise<ZipMember[] | undefined>((resolve, reject) => {
        w.once('message', (reply: WorkerReply) => {
          if ('error' in reply) reject(reply.format ? new ZipFormatError(reply.error) : failed(reply.error));
          else resolve(reply.listing?.map(revive));
        });
        w.once('error', (err) => reject(failed(err.message)));
        w.once('exit', (code) => reject(failed(`it stopped (exit code ${code}) before it answered`)));
      }),
    (err: unknown) => Promise.reject(failed(err instanceof Error ? err.message : String(err))),
  );
  verdict.catch(() => {});
  return {
    start(bytes) {
      // A copy of its own, handed over whole: the tail may be a view of a block this thread still reads.
      const tail = new Uint8Array(bytes.tail);
      void started.then((w) => w.postMessage({ ...bytes, tail }, [tail.buffer]), () => {});
    },
    verdict() {
      void started.then((w) => w.ref(), () => {});
      return verdict;
    },
    stop: async () => {
      await (await started.catch(() => undefined))?.terminate();
    },
  };
}

/** A member as it crossed from the worker: its name's bytes came as a plain Uint8Array. */
function revive(m: ZipMember): ZipMember {
  if (m.nameBytes !== undefined) m.nameBytes = Buffer.from(m.nameBytes.buffer, m.nameBytes.byteOffset, m.nameBytes.byteLength);
  return m;
}
