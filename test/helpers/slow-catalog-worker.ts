// The catalog worker, started late: the tests see this thread take the
// catalogs the worker has not begun while it waits (catalog-thread.ts).
// Messages sent before it listens wait in its port.
import { setTimeout } from 'node:timers/promises';

await setTimeout(300);
await import('../../src/analyze/translations/catalog-worker.js');
