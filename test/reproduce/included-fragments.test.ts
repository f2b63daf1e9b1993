import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { includedFragments, makefileAmsOf, type ReleaseFile } from '../../src/reproduce/inputs.js';

// Two project folders: the top one, whose Makefile.am files include fragments
// three ways (top_srcdir, srcdir, beside, and in turn), and sub/ with its own.
const texts: Record<string, string> = {
  'configure.ac': 'AC_INIT([p], [1])\n',
  'Makefile.am': 'SUBDIRS = lib\ninclude $(top_srcdir)/build/common.mk\n',
  'build/common.mk': 'include $(srcdir)/flags.mk\n',
  'build/flags.mk': 'AM_CFLAGS = -O2\n',
  'lib/Makefile.am': 'include $(srcdir)/Makefile.inc\ninclude ../shared/list.inc\ninclude $(EXTRA)/skipped.inc\n',
  'lib/Makefile.inc': 'SOURCES = a.c\n',
  'shared/list.inc': 'LIST = x\n',
  'lib/unused.inc': 'never included\n',
  'sub/configure.ac': 'AC_INIT([q], [1])\n',
  'sub/Makefile.am': 'include sub.mk\n',
  'sub/sub.mk': 'X = 1\n',
  'notMakefile.am': 'include lib/unused.inc\n',
};
const files = new Map<string, ReleaseFile>(Object.entries(texts).map(([path, text]) => [path, { path, content: async () => Buffer.from(text) }]));

test("each project folder's Makefile.am files and the fragments they include, in turn, are its inputs", async () => {
  assert.equal(makefileAmsOf(files).sort(), ['Makefile.am', 'lib/Makefile.am', 'sub/Makefile.am']);
  assert.equal([...(await includedFragments('', files))].sort(), ['build/common.mk', 'build/flags.mk', 'lib/Makefile.inc', 'shared/list.inc', 'sub/sub.mk']);
  assert.equal([...(await includedFragments('sub', files))], ['sub/sub.mk']);
  // The list made once for all folders gives the same.
  const listed = makefileAmsOf(files);
  assert.equal([...(await includedFragments('sub', files, listed))], ['sub/sub.mk']);
  assert.equal([...(await includedFragments('', files, listed))].sort(), [...(await includedFragments('', files))].sort());
});

test.run();
