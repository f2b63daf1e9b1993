/**
 * The tag's side of the modified files, read a few changes ahead of the
 * analysis. The rules ask for a file's tag content one change at a time,
 * most of them for every modified file (the signal scan diffs it, the
 * version-stamp rule compares it): asked one by one, each read waits for git
 * to answer while this thread idles, and costs a request of its own. Asked
 * ahead, git reads the next files while the rules judge this one, and one
 * request carries many. The rules that ask for a file's content twice get
 * one read.
 *
 * The analysis goes through the changes in order, so a file behind the one
 * being judged is dropped: what is held is bounded by a count of files and
 * by their bytes.
 */
import type { Change } from '../compare/change.js';
import type { TagEntry } from '../git/types.js';

export interface ReadAheadLimits {
  /** Files read ahead of the one being judged. */
  files: number;
  /** Bytes held ahead of it (the file being judged is always read). */
  bytes: number;
}

export const defaultReadAhead: ReadAheadLimits = { files: 16, bytes: 8 * 1024 * 1024 };

export interface TagReadAhead {
  /** The analysis is judging `changes[index]`: files behind it go, the next ones are read. */
  judging(index: number): void;
  /** The tag content of an entry: the one read ahead when it is held, else read now. */
  content(entry: TagEntry): Promise<Buffer>;
  /** Reads asked of `read` so far: the work a test can count. */
  readonly reads: number;
}

/**
 * `read` reads ahead; `readNow`, what is asked for and not held (a script, a
 * source, an older log a rule looks at): given a reader of its own, such a
 * read does not wait behind the megabytes read ahead (util-linux 2.38.1: 90
 * ms for a 2 kB file).
 */
export function tagReadAhead(
  changes: readonly Change[],
  read: (entry: TagEntry) => Promise<Buffer>,
  limits: ReadAheadLimits = defaultReadAhead,
  readNow: (entry: TagEntry) => Promise<Buffer> = read,
): TagReadAhead {
  // The modified files' tag entries, with the index of their change.
  const order: Array<{ entry: TagEntry; at: number }> = [];
  changes.forEach((c, at) => {
    if (c.kind === 'modified' && c.tag?.type === 'file') order.push({ entry: c.tag, at });
  });
  const held = new Map<TagEntry, { promise: Promise<Buffer>; at: number; bytes: number }>();
  let first = 0;
  let next = 0;
  let heldBytes = 0;
  let reads = 0;
  const fetch = (entry: TagEntry) => {
    reads++;
    return read(entry);
  };
  const fetchNow = (entry: TagEntry) => {
    reads++;
    return readNow(entry);
  };
  return {
    judging(index) {
      for (const [entry, h] of held) {
        if (h.at >= index) continue;
        held.delete(entry);
        heldBytes -= h.bytes;
      }
      while (first < order.length && order[first]!.at < index) first++;
      next = Math.max(next, first);
      while (next < order.length && next <= first + limits.files) {
        const { entry, at } = order[next]!;
        // Sizes unknown (-1, a partial clone) count as nothing; the count still bounds them.
        const bytes = Math.max(entry.size, 0);
        if (heldBytes > 0 && heldBytes + bytes > limits.bytes) break;
        next++;
        if (held.has(entry)) continue;
        const promise = fetch(entry);
        // A read nobody comes back for must not end the run: a caller that does sees the rejection.
        promise.catch(() => {});
        held.set(entry, { promise, at, bytes });
        heldBytes += bytes;
      }
    },
    content(entry) {
      return held.get(entry)?.promise ?? fetchNow(entry);
    },
    get reads() {
      return reads;
    },
  };
}
