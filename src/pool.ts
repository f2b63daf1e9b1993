/**
 * Runs `run` on each of `items`, at most `most` at once, each started in
 * the items' order as a place frees up; settles once all have. A failure
 * rejects the whole after the others in flight settle: callers that must
 * not stop catch inside `run`.
 */
export async function inTurns<T>(items: readonly T[], most: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { reason: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failed) {
      const k = next++;
      try {
        await run(items[k]!, k);
      } catch (reason) {
        failed ??= { reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, most), items.length) }, worker));
  if (failed) throw failed.reason;
}
