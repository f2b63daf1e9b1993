import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inTurns } from '../../src/pool.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('inTurns runs each item once, at most so many at once, started in order', async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const done: number[] = [];
  await inTurns([0, 1, 2, 3, 4, 5, 6], 3, async (item, index) => {
    assert.is(item, index);
    started.push(item);
    running++;
    most = Math.max(most, running);
    // Later items finish first: the places free up out of order.
    for (let i = 0; i < 7 - item; i++) await tick();
    running--;
    done.push(item);
  });
  assert.equal(started, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal([...done].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.is(most, 3);
  // Fewer items than places, and none.
  let calls = 0;
  await inTurns(['a'], 4, async () => void calls++);
  await inTurns([], 4, async () => void calls++);
  assert.is(calls, 1);
});

test('inTurns rejects with the first failure once those in flight settle, and starts no more', async () => {
  const started: number[] = [];
  let settled = 0;
  let err: unknown;
  await inTurns([0, 1, 2, 3, 4], 2, async (item) => {
    started.push(item);
    await tick();
    if (item === 1) throw new Error('one failed');
    await tick();
    settled++;
  }).catch((e: unknown) => (err = e));
  assert.match(String(err), 'one failed');
  // 0 was in flight and ran to its end; nothing started after the failure.
  assert.equal(started, [0, 1]);
  assert.is(settled, 1);
});

test.run();
