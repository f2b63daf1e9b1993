import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusLine } from '../../src/cli/progress.js';

test('the status line says what runs and for how long, fits the terminal, and is cleared at the end', () => {
  let out = '';
  let clock = 1_000_000;
  const line = statusLine({ write: (s: string) => (out += s), columns: 60 }, () => clock);
  line.set('re-running gnulib-tool --import --lib=libcoreutils in the sandbox, once (cached)');
  // Cut before the time, which stays in view: 59 columns in all.
  assert.is(out, `\r\x1b[2K${'re-running gnulib-tool --import --lib=libcoreutils in the sandbox'.slice(0, 52)}...: 0s`);
  // The same status again keeps its start: the time shown is the run's.
  out = '';
  clock += 125_000;
  line.set('re-running gnulib-tool --import --lib=libcoreutils in the sandbox, once (cached)');
  assert.match(out, /^\r\x1b\[2Kre-running gnulib-tool.*\.\.\.: 2m05s$/);
  out = '';
  line.set('short');
  assert.is(out, '\r\x1b[2Kshort: 0s');
  out = '';
  clock += 61_000;
  line.set('short');
  assert.is(out, '\r\x1b[2Kshort: 1m01s');
  out = '';
  line.set(undefined);
  assert.is(out, '\r\x1b[2K');
  // Nothing shown, nothing to clear.
  out = '';
  line.done();
  assert.is(out, '');
});

test.run();
