/**
 * The worker thread zip-listing.ts starts for a large central directory:
 * it loads unzipper, then waits for the directory's bytes, and posts back
 * unzipper's verdict on it, reached beside the thread that reads the members.
 */
import { parentPort } from 'node:worker_threads';
import { parseDirectory, ZipFormatError } from './zip-directory.js';
import type { WorkerReply } from './zip-listing.js';
import { unzipperVerdict, type DirectoryBytes } from './zip-unzipper.js';

parentPort!.once('message', async (input: Omit<DirectoryBytes, 'tail'> & { tail: Uint8Array }) => {
  const tail = Buffer.from(input.tail.buffer, input.tail.byteOffset, input.tail.byteLength);
  let reply: WorkerReply;
  try {
    // cuckoo's own records again, by the same function from the same bytes as
    // in the reading thread: cheaper than sending 90,000 records across.
    const ours = parseDirectory(tail.subarray(0, input.length), input.count);
    reply = { listing: await unzipperVerdict({ ...input, tail }, ours) };
  } catch (err) {
    reply = { error: err instanceof Error ? err.message : String(err), format: err instanceof ZipFormatError };
  }
  parentPort!.postMessage(reply);
});
