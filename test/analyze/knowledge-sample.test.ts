import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadKnowledge } from '../../src/analyze/knowledge/library.js';
import { knownGood } from '../../src/analyze/rules/known-good.js';
import { m4Serial } from '../../src/analyze/rules/m4-serial.js';
import { readRelease } from '../helpers/archives.js';
import { context } from './knowledge-fixture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const strip = (path: string) => path.slice(path.indexOf('/') + 1);
// The shipped index alone: the result must not depend on what this machine has installed.
const shipped = () => loadKnowledge({ hostDirs: [] });

test('the shipped index knows every tool file of the clean sample (autoconf 2.71, automake 1.16.5, gettext 0.21)', async () => {
  const ctx = context(await shipped());
  const { entries } = await readRelease(`${root}samples/hello-1.0.tar.gz`);
  const tools = entries.filter((e) => e.type === 'file' && /^(build-aux\/[^/]+|m4\/[^/]+\.m4)$/.test(strip(e.path)));
  assert.ok(tools.length >= 15, `found ${tools.length} tool files`);
  for (const entry of tools) {
    const path = strip(entry.path);
    const j = await knownGood.judge({ kind: 'only-in-release', path, release: entry }, ctx);
    if (path === 'm4/hello-warnings.m4') {
      // The project's own macro: nothing knows it, and m4-serial leaves it to the content rules.
      assert.is(j, undefined);
      assert.is(await m4Serial.judge({ kind: 'only-in-release', path, release: entry }, ctx), undefined);
    } else {
      assert.is(j?.category, 'known-good', path);
      assert.is(j?.severity, 'low', path);
    }
  }
});

test('the tampered sample\'s nls.m4 (serial 60) is not known and is judged a look-alike', async () => {
  const ctx = context(await shipped());
  const { entries } = await readRelease(`${root}samples/tampered/hello-1.0.tar.gz`, { keepContent: () => true });
  const nls = entries.find((e) => strip(e.path) === 'm4/nls.m4');
  assert.ok(nls);
  const change = { kind: 'only-in-release' as const, path: 'm4/nls.m4', release: nls };
  assert.is(await knownGood.judge(change, ctx), undefined);
  const j = await m4Serial.judge(change, ctx);
  assert.is(j?.category, 'm4-lookalike');
  assert.ok(j?.severity === 'critical' || j?.severity === 'high', j?.severity);
  assert.match(j!.reasons[0]!, 'serial 60 is higher than any known nls.m4');
});

test.run();
