/**
 * The command line's one setting of the V8 heap. V8 starts the young
 * generation (where new objects live until a scavenge finds them still in
 * use) at two semi-spaces of 1 MB and doubles them, up to 16 MB each, while a
 * program keeps many of its new objects; a run of cuckoo does (entries, the
 * tag's tree, parsed catalogs), so its young generation soon holds 32 MB,
 * mostly empty between scavenges. Capped at 8 MB (two semi-spaces of 4), a
 * run's peak memory drops by 25 to 50 MB and its time does not grow; on the
 * real releases of `make bench-real` (3 runs each, interleaved): git 2.39.5
 * from 152-160 to 121-125 MiB and from 1.93-2.03 to 1.83-1.89 s, curl 7.88.1
 * from 164-168 to 140-144 MiB and 2.17-2.22 to 2.05-2.14 s, util-linux
 * 2.38.1 from 231-264 to 197-201 MiB and 3.05-3.22 to 2.97-3.07 s.
 *
 * The size is fixed when the heap is made, so the cap is put on the growth
 * instead: once a garbage collection finds the young generation at the cap
 * (its entry comes after the turn of the event loop it ran in), the growth
 * factor becomes 1 (`--semi-space-growth-factor`, a flag V8 reads each time
 * it would grow; Node warns that flags set at run time may do nothing, and
 * test/cli/young-generation.test.ts fails on a Node where this one does).
 *
 * The flag is the process's, and V8 sets it back to at least 2 whenever it
 * makes a heap: a worker thread's (the translation catalogs' worker,
 * src/analyze/translations/catalog-thread.ts) undid the cap, and coreutils
 * 9.1's young generation grew to 32 MB after its worker started. So the
 * factor is set again when a worker thread comes online (the heap is made
 * before it runs) and after every later collection.
 * Only the command line does this, never the library: the process is its own.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/** Both semi-spaces together, as V8 reports the young generation's size. */
export const youngGenerationCap = 8 * 1024 * 1024;

export function capYoungGeneration(cap = youngGenerationCap): void {
  let capped = false;
  const stopGrowth = () => setFlagsFromString('--semi-space-growth-factor=1');
  const check = () => {
    if (!capped) {
      const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (young === undefined || young.space_size < cap) return;
      capped = true;
    }
    stopGrowth();
  };
  try {
    new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
  } catch {
    // No garbage collection entries here: the heap grows as V8 decides.
    return;
  }
  process.on('worker', (worker: Worker) => worker.once('online', () => capped && stopGrowth()));
}
