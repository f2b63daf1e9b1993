import type { History } from './history.js';
import { deepen } from './remote.js';
import type { RepoHandle } from './types.js';

/**
 * History evidence from a depth-1 remote clone: the first question fetches
 * the tags' commits and trees (still no blobs). If the remote will not give
 * them, or a query fails, the evidence is left out with a note, never a crash.
 */
export function deepening(inner: History, repo: RepoHandle, notes: string[]): History {
  let ready: Promise<boolean> | undefined;
  const note = (why: string) => {
    if (notes.length === 0) notes.push(`history evidence is incomplete: ${why}`);
  };
  const guard = <A extends unknown[], R>(query: (...args: A) => Promise<R | undefined>) => async (...args: A): Promise<R | undefined> => {
    if (!(await (ready ??= deepen(repo)))) {
      note(`the history of ${repo.source} could not be fetched`);
      return undefined;
    }
    return query(...args).catch((err: unknown) => {
      note(err instanceof Error ? err.message : String(err));
      return undefined;
    });
  };
  return {
    ignoredBy: guard((path: string) => inner.ignoredBy(path)),
    changedBinariesSincePreviousTag: guard(() => inner.changedBinariesSincePreviousTag()),
    blobInHistory: guard((blobId: string) => inner.blobInHistory(blobId)),
    expectBlobs: (blobIds: readonly string[]) => inner.expectBlobs?.(blobIds),
    commitLog: guard(async (options: { since?: number; maxCount: number }) => inner.commitLog?.(options)),
    lastChangeTime: guard(async (paths: readonly string[]) => inner.lastChangeTime?.(paths)),
    close: () => inner.close(),
  };
}

