import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gettextizeEdit } from '../../src/analyze/rules/gettextize-edit.js';
import type { KnowledgeLookup } from '../../src/analyze/knowledge/types.js';
import { known } from './knowledge-fixture.js';
import { context, modified } from './generated-context.js';

// What gettext ships, as the known-good index files it; and a macro of another package.
const shipped = ['gettext.m4', 'iconv.m4', 'nls.m4', 'po.m4', 'config.rpath'].map((n) => known(n, `${n}\n`, { package: 'gettext', version: '0.21-12' }));
const other = known('pkg.m4', 'pkg.m4\n', { package: 'pkg-config', version: '0.29.2-1' });
const knowledge: KnowledgeLookup = {
  byHash: () => [],
  byName: (name) => [...shipped, other].filter((f) => f.name === name),
  content: async () => undefined,
};

const configureAc = 'AC_INIT([x], [1.0])\nAM_GNU_GETTEXT([external])\nAM_GNU_GETTEXT_VERSION([0.19.8])\nAC_OUTPUT\n';
const m4Makefile = 'EXTRA_DIST = gettext.m4\n';
const topMakefile = 'SUBDIRS = m4 po\n\nEXTRA_DIST = \\\n\tautogen.sh \\\n\tLICENSE\n';

function ctx(files: Record<string, string> = {}, configure = configureAc) {
  const tag = { 'configure.ac': configure, 'm4/Makefile.am': m4Makefile, 'Makefile.am': topMakefile, 'm4/gettext.m4': '', 'm4/iconv.m4': '', 'm4/nls.m4': '', 'm4/pkg.m4': '', 'config.rpath': '', ...files };
  return { ...context(tag), knowledge };
}

const judge = (path: string, text: string, c = ctx()) => gettextizeEdit.judge(modified(path, text), c);

test("names gettextize put in front of EXTRA_DIST, files gettext ships and the release has, are explained", async () => {
  // gettextize's sed on m4/Makefile.am: the new files, then the tag's list less one space.
  const j = await judge('m4/Makefile.am', 'EXTRA_DIST = iconv.m4 nls.m4 gettext.m4\n');
  assert.is(j?.category, 'gettextize-edit');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, "the tag's Makefile.am with 2 names put in front of its `EXTRA_DIST =` list (iconv.m4, nls.m4), as gettextize's sed writes the files it copies");
  // On the top Makefile.am: config.rpath, its list continued on the next line.
  const top = await judge('Makefile.am', topMakefile.replace('EXTRA_DIST = \\', 'EXTRA_DIST = config.rpath  \\'));
  assert.is(top?.category, 'gettextize-edit');
  // Run three times: the same names three times over.
  const thrice = await judge('m4/Makefile.am', 'EXTRA_DIST = iconv.m4 nls.m4 iconv.m4 nls.m4 iconv.m4 nls.m4 gettext.m4\n');
  assert.match(thrice!.reasons[0]!, '6 names put in front of its `EXTRA_DIST =` list (iconv.m4, nls.m4)');
});

test('a name gettext does not ship, a file the release lacks, or a name added elsewhere in the list is not this', async () => {
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST = pkg.m4 gettext.m4\n'), undefined);
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST = po.m4 gettext.m4\n'), undefined);
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST = gettext.m4 iconv.m4\n'), undefined);
  // A name dropped from the tag's list.
  assert.is(await judge('Makefile.am', topMakefile.replace('\tLICENSE', '\tconfig.rpath')), undefined);
});

test('any other changed line, another variable, or a project without gettext is not this', async () => {
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST = iconv.m4 gettext.m4\nall-local:\n\tsh x\n'), undefined);
  assert.is(await judge('Makefile.am', topMakefile.replace('SUBDIRS = m4 po', 'SUBDIRS = m4 po evil')), undefined);
  // Lines past the tag's last.
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST = iconv.m4 gettext.m4\n\nall-local:\n\tsh x\n'), undefined);
  // The assignment itself rewritten, or only its spacing.
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST= iconv.m4 gettext.m4\n'), undefined);
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST =  gettext.m4\n'), undefined);
  // gettextize's sed edits `EXTRA_DIST =` only.
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST += iconv.m4 gettext.m4\n', ctx({ 'm4/Makefile.am': 'EXTRA_DIST += gettext.m4\n' })), undefined);
  assert.is(await judge('m4/Makefile.am', 'DIST_X = iconv.m4 gettext.m4\n', ctx({ 'm4/Makefile.am': 'DIST_X = gettext.m4\n' })), undefined);
  assert.is(await judge('m4/Makefile.am', 'EXTRA_DIST = iconv.m4 gettext.m4\n', ctx({}, 'AC_INIT([x], [1.0])\nAC_OUTPUT\n')), undefined);
});

test.run();
