import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The command line's interrupt budget (compile-budget.ts), in a process of
 * its own (the flag it sets is the process's): fifty functions that each run
 * a loop 3,600 times, about twice what V8's budget lets run before it marks
 * one for optimization (here between 1,200 and 2,400) and half what the
 * raised budget lets run (between 6,000 and 9,000), are marked without the
 * setting and none with it. What is counted is V8's own record of what it
 * marks (--trace-opt), not time.
 */
const module = fileURLToPath(new URL('../../src/cli/compile-budget.js', import.meta.url));

const program = `
const { raiseInterruptBudget } = await import(${JSON.stringify(module)});
if (process.argv[1] === 'raise') raiseInterruptBudget();
const fns = [];
for (let k = 0; k < 50; k++) fns.push(new Function(\`return function probe\${k}(n) { let s = \${k}; for (let i = 0; i < n; i++) s = (s * 31 + i) | 0; return s; }\`)());
let total = 0;
for (const f of fns) for (let call = 0; call < 6; call++) total += f(600);
console.log('total', total);
`;

async function marked(raised: boolean): Promise<number> {
  const { stdout } = await execa(process.execPath, ['--trace-opt', '--input-type=module', '-e', program, raised ? 'raise' : 'default']);
  assert.match(stdout, /^total /m);
  return stdout.split('\n').filter((l) => /^\[marking .*<JSFunction probe\d+ /.test(l)).length;
}

test('functions past V8 budget and short of the raised one are optimized without the setting, not with it', async () => {
  const before = await marked(false);
  const after = await marked(true);
  assert.ok(before >= 50, `without the setting ${before} were marked`);
  assert.is(after, 0);
});

test.run();
