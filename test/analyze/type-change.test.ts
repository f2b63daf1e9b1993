import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { typeChange } from '../../src/analyze/rules/type-change.js';
import type { Change } from '../../src/compare/change.js';
import type { TagEntry } from '../../src/git/types.js';
import { context, relFile, tagFile } from './generated-context.js';

const link = (path: string): TagEntry => ({ ...tagFile(path), type: 'symlink', mode: 0o120000 });

/** A tag where README → README.md and docs/x → ../README (a chain), loop → loop, out → ../../etc/passwd. */
function tagWithLinks() {
  const ctx = context({ 'README.md': '# hello\n', README: 'README.md', 'docs/x': '../README', loop: 'loop', out: '../../etc/passwd' });
  for (const p of ['README', 'docs/x', 'loop', 'out']) ctx.tagByPath.set(p, link(p));
  return ctx;
}

const changed = (path: string, blobId: string): Change => ({
  kind: 'type-changed',
  path,
  tag: link(path),
  release: { ...relFile(path, '# hello\n'), blobId },
});

test('a symlink stored as a copy of the file it points to is explained, through a chain of links too', async () => {
  const ctx = tagWithLinks();
  let j = await typeChange.judge(changed('README', 'oid:README.md'), ctx);
  assert.is(j?.category, 'dereferenced-link');
  assert.is(j?.severity, 'low');
  assert.equal(j?.reasons, ['a symlink to README.md in the tag; the release stores a copy of that file, byte for byte']);
  j = await typeChange.judge(changed('docs/x', 'oid:README.md'), ctx);
  assert.is(j?.category, 'dereferenced-link');
});

test('other bytes, a loop, a link out of the tree, or a file that became a link stay high', async () => {
  const ctx = tagWithLinks();
  for (const change of [changed('README', 'other'), changed('loop', 'oid:loop'), changed('out', 'oid:README.md')]) {
    const j = await typeChange.judge(change, ctx);
    assert.is(j?.category, 'type-change', change.path);
    assert.is(j?.severity, 'high');
  }
  const j = await typeChange.judge({ kind: 'type-changed', path: 'README.md', tag: tagFile('README.md'), release: { ...relFile('README.md', ''), type: 'symlink' } as never }, ctx);
  assert.equal(j?.reasons, ['a regular file in the tag, a symlink in the release']);
});

test.run();
