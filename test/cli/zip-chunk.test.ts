/**
 * The bundled command line's zip chunk (scripts/bundle.mjs): unzipper's
 * reader of the central directory is bundled without the modules it loads
 * only to extract (fs-extra), and uses the promise library from
 * node_modules, the one instance zip-unzipper.ts sets the scheduler of. That
 * the chunk reads zips is the golden zip report's test (golden.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../helpers/cli.js';

const chunk = join(root, 'dist/cli', readdirSync(join(root, 'dist/cli')).find((f) => f.startsWith('zip-unzipper-'))!);

test('the zip chunk holds unzipper’s directory reader, not its extractor’s file helpers or a promise library of its own', () => {
  const text = readFileSync(chunk, 'utf8');
  assert.ok(text.includes('function requireDirectory'), 'unzipper/lib/Open/directory.js is bundled');
  // Text of bluebird's and fs-extra's own sources.
  assert.not.ok(text.includes('_settlePromiseFromHandler'), 'bluebird is not bundled');
  assert.not.ok(text.includes('mkdirsSync'), 'fs-extra is not bundled');
});

test('loading the zip chunk loads bluebird once, from node_modules, and never fs-extra or unzipper’s stream parser', () => {
  const script = `require(${JSON.stringify(chunk)}); console.log(JSON.stringify(Object.keys(require.cache)))`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  const sep = '[\\\\/]';
  assert.equal(loaded.filter((p) => new RegExp(`${sep}node_modules${sep}bluebird${sep}js${sep}release${sep}bluebird\\.js$`).test(p)).length, 1, loaded.join('\n'));
  assert.equal(loaded.filter((p) => new RegExp(`${sep}node_modules${sep}(fs-extra|graceful-fs)${sep}`).test(p)), []);
  assert.equal(loaded.filter((p) => new RegExp(`${sep}node_modules${sep}unzipper${sep}`).test(p)), []);
});

test.run();
