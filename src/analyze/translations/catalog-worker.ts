/**
 * The worker thread catalog-thread.ts starts: it answers each catalog as it
 * comes, with the functions the rule runs without it (catalog-task.ts).
 */
import { parentPort } from 'node:worker_threads';
import { runCatalogTask, type CatalogTask } from './catalog-task.js';
import type { CatalogReply } from './catalog-thread.js';

parentPort!.on('message', ({ id, task }: { id: number; task: CatalogTask }) => {
  let reply: CatalogReply;
  try {
    reply = { id, answer: runCatalogTask(task) };
  } catch (err) {
    // The rule reads it again in the other thread, and shows the fault as it would there.
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
