/**
 * Downloaded catalogs read by a worker thread ahead of the rule that judges
 * them. Once the release is read, the analysis runs in this thread alone
 * while the second core idles, and catalogs a bootstrap downloaded are its
 * largest part (coreutils 9.1: 43 of them, 20 MB of text scanned for build
 * code and parsed, 0.5 to 0.7 s). The rule queues them before the analysis
 * starts (Rule.prepare); the worker takes them in path order while this
 * thread judges the other files, and this thread, once it comes to a
 * catalog whose answer is not in, reads the last ones still queued itself.
 *
 * The answers are those of the same functions run here (catalog-task.ts).
 * Whatever the worker cannot answer (it failed, a task threw, its inputs
 * could not be read) the rule works out in this thread, as without a
 * worker, so that a fault shows as the rule shows it. Inputs are handed over
 * a few tasks at a time, so little is held twice.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { packageRoot } from '../../package-root.js';
import { runCatalogTask, type CatalogAnswer, type CatalogTask } from './catalog-task.js';

export const catalogThread = {
  /**
   * Bytes of catalogs (and their `.gmo`) from which a worker thread reads
   * them, when there is a second core for it (tests lower it to 0): below
   * that, its start costs more than it saves.
   */
  workerFrom: availableParallelism() > 1 ? 4 * 1024 * 1024 : Infinity,
  /** The worker's script (tests point it elsewhere to see a worker fail). */
  file: join(packageRoot, 'dist', 'src', 'analyze', 'translations', 'catalog-worker.js'),
  /** Workers started, tasks they answered, and tasks this thread answered while waiting: the work a test can count. */
  started: 0,
  answered: 0,
  answeredHere: 0,
};

/** What the worker posts back (catalog-worker.ts). */
export type CatalogReply = { id: number; answer: CatalogAnswer } | { id: number; error: string };

/**
 * Tasks handed over at once. The worker is handed its next task only when
 * this thread turns its event loop, which a long judgement delays: a few
 * waiting in the worker keep it busy meanwhile.
 */
const inFlight = 4;

/**
 * The worker's young generation, as the command line caps this thread's
 * (src/cli/young-generation.ts): uncapped, it grew to 32 MB while reading
 * coreutils' catalogs, and the run's peak memory with it.
 */
const youngGenerationMb = 8;

export interface CatalogWork {
  /** Queues the catalog at `path`; `read` gathers the task's inputs when its turn comes (undefined: nothing to read). */
  ahead(path: string, read: () => Promise<CatalogTask | undefined>): void;
  /** The answer for the catalog at `path`; undefined when none was queued, or when no thread could answer (the rule reads it then). */
  answer(path: string): Promise<CatalogAnswer | undefined> | undefined;
  /** Ends the worker; answers still owed become undefined. */
  close(): Promise<void>;
}

interface Queued {
  read: () => Promise<CatalogTask | undefined>;
  answer: Promise<CatalogAnswer | undefined>;
  settle: (answer: CatalogAnswer | undefined) => void;
  settled: boolean;
}

const runs = new WeakMap<object, CatalogWork>();

/** The catalog work of one analysis (`run`: its tag's path map), made at the first ask. */
export function catalogWork(run: object): CatalogWork {
  let work = runs.get(run);
  if (!work) runs.set(run, (work = startWork(() => runs.delete(run))));
  return work;
}

/** The analysis' catalog work, when its rule queued some. */
export const queuedWork = (run: object): CatalogWork | undefined => runs.get(run);

function startWork(ended: () => void): CatalogWork {
  const tasks = new Map<string, Queued>();
  const queue: Queued[] = [];
  const owed = new Map<number, Queued>();
  let reading = 0;
  let nextId = 0;
  let worker: Promise<Worker | undefined> | undefined;
  let retire: (() => void) | undefined;
  let failed = false;

  const settle = (q: Queued, answer: CatalogAnswer | undefined) => {
    if (q.settled) return;
    q.settled = true;
    q.settle(answer);
  };
  const fail = () => {
    failed = true;
    for (const q of [...owed.values(), ...queue]) settle(q, undefined);
    owed.clear();
    queue.length = 0;
  };
  const busy = () => owed.size + queue.length + reading > 0;
  // Nothing more for the worker: its heap goes now, not when the analysis ends.
  const retireIfIdle = () => {
    if (!busy()) retire?.();
  };
  const start = () =>
    // node:worker_threads is loaded only for a release with this many catalogs.
    import('node:worker_threads').then(
      ({ Worker: WorkerThread }) => {
        catalogThread.started++;
        const w = new WorkerThread(catalogThread.file, { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } });
        let retired = false;
        w.on('message', (reply: CatalogReply) => {
          const q = owed.get(reply.id);
          if (!q) return;
          owed.delete(reply.id);
          if ('answer' in reply) catalogThread.answered++;
          settle(q, 'answer' in reply ? reply.answer : undefined);
          pump();
          retireIfIdle();
        });
        w.on('error', fail);
        w.on('exit', () => retired || fail());
        retire = () => {
          retired = true;
          worker = retire = undefined;
          void w.terminate();
        };
        return w;
      },
      () => {
        fail();
        return undefined;
      },
    );
  // The worker holds the process only while it owes answers.
  const hold = async () => {
    const w = await worker;
    if (busy()) w?.ref();
    else w?.unref();
  };
  const pump = () => {
    while (!failed && owed.size + reading < inFlight && queue.length > 0) {
      const q = queue.shift()!;
      reading++;
      worker ??= start();
      void q
        .read()
        .catch(() => undefined)
        .then(async (task) => {
          const w = task && !failed ? await worker : undefined;
          reading--;
          if (!task || !w || failed) {
            settle(q, undefined);
            pump();
            retireIfIdle();
            return;
          }
          const id = nextId++;
          owed.set(id, q);
          // Copies of its own, handed over whole: the bytes may be views of buffers this thread keeps.
          const po = new Uint8Array(task.po);
          const gmo = task.gmo && new Uint8Array(task.gmo);
          w.postMessage({ id, task: { ...task, po, ...(gmo ? { gmo } : {}) } }, [po.buffer, ...(gmo ? [gmo.buffer] : [])]);
        });
    }
    void hold();
  };
  /** A task worked out in this thread, as the worker would. */
  const here = async (q: Queued) => {
    const task = await q.read().catch(() => undefined);
    let answer: CatalogAnswer | undefined;
    try {
      answer = task && runCatalogTask(task);
      if (answer) catalogThread.answeredHere++;
    } catch {
      // The rule reads it again, and shows the fault.
    }
    settle(q, answer);
    retireIfIdle();
  };
  /**
   * Until `q` is answered, this thread reads the catalogs the worker has not
   * been handed, from the far end of the queue: once the other files are
   * judged, both threads read catalogs. `q` itself, not handed over, is read
   * here at once.
   */
  const help = async (q: Queued) => {
    while (!q.settled && !failed) {
      const at = queue.indexOf(q);
      const next = at >= 0 ? queue.splice(at, 1)[0] : queue.pop();
      if (!next) return;
      await here(next);
      // A turn of the event loop: the worker's answers come in, and it is handed its next tasks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    ahead(path, read) {
      if (failed || tasks.has(path)) return;
      let settleAnswer!: (answer: CatalogAnswer | undefined) => void;
      const answer = new Promise<CatalogAnswer | undefined>((resolve) => (settleAnswer = resolve));
      const q: Queued = { read, answer, settle: settleAnswer, settled: false };
      tasks.set(path, q);
      queue.push(q);
      pump();
    },
    answer(path) {
      const q = tasks.get(path);
      return q && help(q).then(() => q.answer);
    },
    async close() {
      ended();
      fail();
      await (await worker)?.terminate();
    },
  };
}
