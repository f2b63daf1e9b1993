import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareTrees } from '../../src/compare/compare.js';
import type { TagSide } from '../../src/compare/change.js';
import { detectStrip, normalisePath } from '../../src/compare/paths.js';
import type { TagEntry } from '../../src/git/types.js';
import type { ReleaseEntry } from '../../src/release/entry.js';

let index = 0;
const file = (path: string, blobId: string, mode = 0o644): ReleaseEntry => ({ path, type: 'file', mode, size: 1, blobId, index: index++ });
const tagFile = (path: string, oid: string, mode = 0o100644): TagEntry => ({ path, type: 'file', mode, oid, size: 1 });
const side = (entries: TagEntry[], extra: Partial<TagSide> = {}): TagSide => ({
  entries,
  attributes: new Map(),
  archiveOids: new Map(),
  uncompared: [],
  ...extra,
});
const kinds = (r: ReturnType<typeof compareTrees>) => r.changes.map((c) => `${c.kind} ${c.path}`);

test('normalisePath drops ./ and empty segments and flags unsafe paths', () => {
  assert.is(normalisePath('./a//b/./c/').path, 'a/b/c');
  // Paths already normal (most of them) take a short cut: it must agree with the long way.
  const tricky = ['a', 'a/', 'a/b', '.a/b', 'a/.b', 'a/..b', 'a../b', 'a/b/.', 'a/./b', './a', '.', '..', 'a/..', 'a//', '//a', 'a/.../b', 'a\n/b', '\\x', 'C:/x', 'C:x', 'a/b/'];
  for (const raw of tricky) {
    const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
    assert.is(normalisePath(raw).path, segments.join('/'), raw);
    assert.is(normalisePath(raw).unsafe === undefined, segments.length > 0 && !segments.includes('..') && !/^([A-Za-z]:)?[\\/]/.test(raw), raw);
  }
  assert.is(normalisePath('/etc/passwd').unsafe, 'absolute path');
  assert.is(normalisePath('a/../../b').unsafe, 'path with `..` components');
  assert.is(normalisePath('C:\\x').unsafe, 'absolute Windows path');
  assert.is(normalisePath('./').unsafe, 'empty path');
  assert.is(normalisePath('a/b..c').unsafe, undefined);
});

test('detectStrip strips one common folder unless the tag has it and keeping matches more', () => {
  const tagPaths = new Set(['src/a.c', 'README']);
  assert.is(detectStrip(['x-1.0/README', 'x-1.0/src/a.c'], new Set(['src', 'README']), tagPaths), 1);
  // A file named like the folder sits at the top: nothing to strip.
  assert.is(detectStrip(['x-1.0', 'x-1.0/README'], new Set(['src', 'README']), tagPaths), 0);
  assert.is(detectStrip(['README', 'src/a.c'], new Set(['src', 'README']), tagPaths), 0);
  // All files under src/, and the tag has src/ at its top: keep it.
  assert.is(detectStrip(['src/a.c'], new Set(['src', 'README']), tagPaths), 0);
  assert.is(detectStrip(['x/y'], new Set(), new Set(), 0), 0);
  assert.is(detectStrip(['x/y/z'], new Set(), new Set(), 2), 2);
  assert.is(detectStrip(['README'], new Set(), new Set()), 0);
});

test('identical, modified, only-in-release, only-in-tag, mode-changed', () => {
  const r = compareTrees(
    [
      { path: 'p-1/', type: 'directory', mode: 0o755, size: 0, index: index++ },
      file('p-1/same', 'a1'),
      file('p-1/changed', 'b2'),
      file('p-1/new', 'c1'),
      file('p-1/script', 'd1', 0o755),
    ],
    side([tagFile('same', 'a1'), tagFile('changed', 'b1'), tagFile('gone', 'e1'), tagFile('script', 'd1')]),
  );
  assert.is(r.prefix, 'p-1');
  assert.is(r.identical, 1);
  assert.equal(kinds(r), ['modified changed', 'only-in-tag gone', 'only-in-release new', 'mode-changed script']);
});

test('a duplicated path is one duplicate-entry change carrying every copy; the last copy is kept', () => {
  const first = file('same', 'a1');
  const second = file('same', 'zz');
  const r = compareTrees([first, second, file('other', 'o1')], side([tagFile('same', 'a1'), tagFile('other', 'o1')]));
  assert.equal(kinds(r), ['duplicate-entry same']);
  assert.is(r.changes[0]!.release, second);
  assert.equal(r.changes[0]!.copies, [first, second]);
});

test('unsafe paths are changes of their own and never compared or stripped', () => {
  const r = compareTrees([file('/etc/passwd', 'x'), file('../up', 'y'), file('ok', 'o1')], side([tagFile('ok', 'o1')]));
  assert.equal(kinds(r), ['unsafe-entry ../up', 'unsafe-entry /etc/passwd']);
  assert.is(r.changes[1]!.problem, 'absolute path');
});

test('hard links take their target\'s content; a link to nothing is unsafe', () => {
  const r = compareTrees(
    [
      file('p/a', 'a1'),
      { path: 'p/b', type: 'hardlink', mode: 0o644, size: 0, linkTarget: 'p/a', index: index++ },
      { path: 'p/c', type: 'hardlink', mode: 0o644, size: 0, linkTarget: 'p/missing', index: index++ },
    ],
    side([tagFile('a', 'a1'), tagFile('b', 'a1')]),
  );
  assert.is(r.identical, 2);
  assert.equal(kinds(r), ['unsafe-entry c']);
});

test('symlinks compare by target blob; a file where the tag has a symlink is a type change', () => {
  const link = (path: string, blobId: string): ReleaseEntry => ({ path, type: 'symlink', mode: 0o777, size: 3, linkTarget: 'x', blobId, index: index++ });
  const r = compareTrees(
    [link('l1', 's1'), link('l2', 's9'), file('l3', 's1')],
    side([
      { path: 'l1', type: 'symlink', mode: 0o120000, oid: 's1', size: 1 },
      { path: 'l2', type: 'symlink', mode: 0o120000, oid: 's1', size: 1 },
      { path: 'l3', type: 'symlink', mode: 0o120000, oid: 's1', size: 1 },
    ]),
  );
  assert.is(r.identical, 1);
  assert.equal(kinds(r), ['modified l2', 'type-changed l3']);
});

test('archive oids (export-subst) replace the stored blob id; export-ignored files keep their attributes', () => {
  const attrs = { exportIgnore: true, exportSubst: false, ident: false, lfs: false };
  const r = compareTrees(
    [file('version.txt', 'converted')],
    side([tagFile('version.txt', 'raw'), tagFile('ci.yml', 'c1')], {
      archiveOids: new Map([['version.txt', 'converted']]),
      attributes: new Map([['ci.yml', attrs]]),
    }),
  );
  assert.is(r.identical, 1);
  assert.equal(kinds(r), ['only-in-tag ci.yml']);
  assert.is(r.changes[0]!.attributes?.exportIgnore, true);
});

test('release files inside an uncompared submodule are marked with it', () => {
  const sub = { name: 'lib', path: 'vendor/lib', commit: 'c0ffee' };
  const r = compareTrees(
    [file('vendor/lib/x.c', 'x1')],
    side([{ path: 'vendor/lib', type: 'submodule', mode: 0o160000, oid: 'c0ffee', size: 0 }], { uncompared: [sub] }),
    { strip: 0 },
  );
  assert.equal(kinds(r), ['only-in-release vendor/lib/x.c']);
  assert.is(r.changes[0]!.submodule, sub);
});

test('a flat archive made with `tar -C dir .` has a ./ root entry, which is skipped, not unsafe', () => {
  const r = compareTrees(
    [{ path: './', type: 'directory', mode: 0o755, size: 0, index: index++ }, file('./a', 'a1'), file('./src/b', 'b1')],
    side([tagFile('a', 'a1'), tagFile('src/b', 'b1')]),
  );
  assert.equal(kinds(r), []);
  assert.is(r.identical, 2);
  assert.is(r.prefix, '');
  // A file with an empty name is still unsafe.
  assert.equal(kinds(compareTrees([file('./', 'x')], side([]))), ['unsafe-entry ./']);
});

test('a --strip that removes whole file paths is a usage error naming an example', () => {
  assert.throws(
    () => compareTrees([file('p/a', 'a1'), file('top', 't1')], side([tagFile('a', 'a1')]), { strip: 1 }),
    (err: Error & { code?: string }) => err.code === 'usage' && /--strip 1 removes the whole path of 1 release file\(s\), e\.g\. top/.test(err.message),
  );
});

test('with --strip 0 a common folder is kept', () => {
  const r = compareTrees([file('p/a', 'a1')], side([tagFile('a', 'a1')]), { strip: 0 });
  assert.equal(kinds(r), ['only-in-tag a', 'only-in-release p/a']);
});

test.run();
