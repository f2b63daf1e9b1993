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

/** A tag where uapi/asm → asm-generic, a folder (as strace's bundled Linux headers have it); the release has a folder there. */
function folderLink(releaseFiles: Record<string, string>) {
  const ctx = context({ 'uapi/asm-generic/fcntl.h': 'F\n', 'uapi/asm-generic/ioctl.h': 'I\n', 'uapi/asm-generic/more.h': 'M\n', 'uapi/asm': 'asm-generic', 'uapi/elsewhere': 'missing' });
  for (const p of ['uapi/asm', 'uapi/elsewhere']) ctx.tagByPath.set(p, link(p));
  ctx.releaseOnly = new Map(Object.entries(releaseFiles).map(([p, oid]) => [p, { ...relFile(p, ''), blobId: oid }]));
  return ctx;
}
const becameFolder = (path: string): Change => ({ kind: 'type-changed', path, tag: link(path), release: { ...relFile(path, ''), type: 'directory' } as never });

test('a link to a folder stored as a folder of copies of its files is explained; another file there is not', async () => {
  // make dist copies the files it distributes through the link: some of the folder's, each byte for byte.
  let j = await typeChange.judge(becameFolder('uapi/asm'), folderLink({ 'uapi/asm/fcntl.h': 'oid:uapi/asm-generic/fcntl.h', 'uapi/asm/ioctl.h': 'oid:uapi/asm-generic/ioctl.h' }));
  assert.is(j?.category, 'dereferenced-link');
  assert.is(j?.severity, 'low');
  assert.equal(j?.reasons, ['a symlink to the folder uapi/asm-generic in the tag; the release stores a folder of copies of 2 of its files, byte for byte']);
  const cases: Array<[string, Record<string, string>]> = [
    ['a copy with other bytes', { 'uapi/asm/fcntl.h': 'oid:uapi/asm-generic/ioctl.h' }],
    ['a file the linked folder lacks', { 'uapi/asm/fcntl.h': 'oid:uapi/asm-generic/fcntl.h', 'uapi/asm/planted.h': 'oid:x' }],
    ['an empty folder', {}],
  ];
  for (const [what, files] of cases) {
    j = await typeChange.judge(becameFolder('uapi/asm'), folderLink(files));
    assert.is(j?.category, 'type-change', what);
    assert.is(j?.severity, 'high', what);
  }
  // A link to nothing of the tag.
  j = await typeChange.judge(becameFolder('uapi/elsewhere'), folderLink({ 'uapi/elsewhere/x.h': 'oid:uapi/asm-generic/fcntl.h' }));
  assert.is(j?.category, 'type-change');
});

test.run();
