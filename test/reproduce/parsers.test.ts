import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verify } from '../../src/commands/verify.js';
import { parserCommand, toolFlags } from '../../src/reproduce/generators/parsers.js';
import { findSandbox } from '../../src/reproduce/sandbox.js';
import { findTool, isFound } from '../../src/reproduce/tools.js';
import { buildTar, compress, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs, tempDir } from '../helpers/repo.js';

/**
 * A parser bison wrote for automake's .y.c rule, and a scanner flex wrote for
 * its .l.c rule, re-made in the sandbox with the release's own ylwrap: the
 * genuine ones are proven, one with a line planted in it is critical, with
 * the line.
 */

const grammar = `%{
#include <stdio.h>
int yylex(void);
void yyerror(const char *s) { fprintf(stderr, "%s\\n", s); }
%}
%token NUM
%%
expr: NUM | expr '+' NUM ;
%%
`;
const configureAc = 'AC_INIT([calc], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_PROG_YACC\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n';
const scanner = `%option noyywrap
%{
#include <stdio.h>
%}
%%
[0-9]+  { printf("NUM\\n"); }
.|\\n    { }
%%
`;
const makefileAm = 'bin_PROGRAMS = calc\ncalc_SOURCES = src/calc.y src/scan.l\nAM_YFLAGS = -d\n';

let ylwrap: Buffer | undefined;
let parser: { c: Buffer; h: Buffer; scan: Buffer } | undefined;

test.before(async () => {
  const sandbox = await findSandbox('bwrap');
  const found = await findTool('bison', '3.8.2', await tempDir('cuckoo-bison-tools-'));
  const flexFound = await findTool('flex', '2.6.4', await tempDir('cuckoo-flex-tools-'));
  ylwrap = await readFile('/usr/share/automake-1.16/ylwrap').catch(() => undefined);
  if (sandbox.kind === 'unavailable' || !isFound(found) || !isFound(flexFound) || !ylwrap) {
    const why = `bison 3.8.2, flex 2.6.4, automake's ylwrap and bwrap (${sandbox.kind === 'unavailable' ? sandbox.reason : 'ok'})`;
    if (process.env.CI) throw new Error(`the bison tests need ${why}; .ci/run installs them`);
    console.log(`skipping bison tests: they need ${why}`);
    return;
  }
  // The parser as `make dist` makes it: ylwrap and bison -y -d, from the project folder.
  const work = await tempDir('cuckoo-bison-work-');
  await mkdir(join(work, 'src'));
  await mkdir(join(work, 'build-aux'));
  await writeFile(join(work, 'src/calc.y'), grammar);
  await writeFile(join(work, 'build-aux/ylwrap'), ylwrap, { mode: 0o755 });
  await execa('/bin/sh', ['build-aux/ylwrap', 'src/calc.y', 'y.tab.c', 'src/calc.c', 'y.tab.h', 'src/calc.h', 'y.output', 'src/calc.output', '--', found.programs.bison!, '-y', '-d'], {
    cwd: work,
    env: { LC_ALL: 'C' },
  });
  await writeFile(join(work, 'src/scan.l'), scanner);
  await execa('/bin/sh', ['build-aux/ylwrap', 'src/scan.l', 'lex.yy.c', 'src/scan.c', '--', flexFound.programs.flex!], { cwd: work, env: { LC_ALL: 'C' } });
  parser = { c: await readFile(join(work, 'src/calc.c')), h: await readFile(join(work, 'src/calc.h')), scan: await readFile(join(work, 'src/scan.c')) };
});

test.after(() => removeTempDirs());

async function release(c: Buffer | string, scan: Buffer | string = parser!.scan, ylwrapAt = 'build-aux/ylwrap', h: Buffer | string = parser!.h): Promise<string> {
  const p = (path: string) => `calc-1.0/${path}`;
  const tar = buildTar([
    { path: p('configure.ac'), content: configureAc },
    { path: p('Makefile.am'), content: makefileAm },
    { path: p('src/calc.y'), content: grammar },
    { path: p('src/calc.c'), content: c },
    { path: p('src/calc.h'), content: h },
    { path: p('src/scan.l'), content: scanner },
    { path: p('src/scan.c'), content: scan },
    { path: p(ylwrapAt), content: ylwrap!, mode: 0o755 },
  ]);
  return writeTemp(`bison-${Math.random().toString(36).slice(2)}/calc-1.0.tar.gz`, await compress(tar, 'gzip'));
}

const repo = () => makeRepo({ files: { 'configure.ac': configureAc, 'Makefile.am': makefileAm, 'src/calc.y': grammar, 'src/scan.l': scanner }, tags: ['v1.0'] });

test('a parser bison made from the tag\'s grammar is re-made byte for byte', async () => {
  if (!parser) return;
  const r = await repo();
  const report = await verify({ release: await release(parser.c), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  const f = report.findings.find((x) => x.path === 'src/calc.c')!;
  assert.is(f.category, 'parser-output', f.reasons.join('; '));
  assert.is(f.severity, 'info');
  assert.is(f.evidence.reproduced?.generator, 'bison');
  assert.is(f.evidence.reproduced?.version, '3.8.2');
  assert.match(f.evidence.reproduced?.command ?? '', /^\(cd \. && sh build-aux\/ylwrap src\/calc\.y y\.tab\.c src\/calc\.c .* -- bison -y -d\)$/);
  // The header bison -d wrote beside it, in the same run.
  const h = report.findings.find((x) => x.path === 'src/calc.h')!;
  assert.is(h.category, 'parser-output', h.reasons.join('; '));
  assert.is(h.severity, 'info');
  assert.is(h.evidence.reproduced?.command, f.evidence.reproduced?.command);
  const scan = report.findings.find((x) => x.path === 'src/scan.c')!;
  assert.is(scan.category, 'parser-output', scan.reasons.join('; '));
  assert.is(scan.severity, 'info');
  assert.is(scan.evidence.reproduced?.generator, 'flex');
  assert.is(scan.evidence.reproduced?.version, '2.6.4');
  assert.match(scan.evidence.reproduced?.command ?? '', /^\(cd \. && sh build-aux\/ylwrap src\/scan\.l lex\.yy\.c src\/scan\.c -- flex\)$/);
});

test('ylwrap in the top folder, where automake puts it when configure.ac names no aux folder, is given to the parsers too', async () => {
  if (!parser) return;
  const r = await repo();
  const report = await verify({ release: await release(parser.c, parser.scan, 'ylwrap'), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  for (const [path, generator] of [['src/calc.c', 'bison'], ['src/scan.c', 'flex']] as const) {
    const f = report.findings.find((x) => x.path === path)!;
    assert.is(f.severity, 'info', f.reasons.join('; '));
    assert.is(f.evidence.reproduced?.generator, generator);
    assert.match(f.evidence.reproduced?.command ?? '', /^\(cd \. && sh ylwrap src\//);
  }
});

test('a line planted in the scanner is critical too', async () => {
  if (!parser) return;
  const planted = parser.scan.toString('utf8').replace('#include <stdio.h>', '#include <stdio.h>\n#include "../tests/files/hook.h"');
  const r = await repo();
  const report = await verify({ release: await release(parser.c, planted), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  const f = report.findings.find((x) => x.path === 'src/scan.c')!;
  assert.is(f.category, 'not-reproduced');
  assert.is(f.severity, 'critical');
  assert.match(f.evidence.diff ?? '', /^\+#include "\.\.\/tests\/files\/hook\.h"$/m);
});

test('a line planted in the header beside the parser is critical, with the line', async () => {
  if (!parser) return;
  const r = await repo();
  const p = (path: string) => `calc-1.0/${path}`;
  const planted = parser.h.toString('utf8').replace('# define YYTOKENTYPE\n', '# define YYTOKENTYPE\n#define fopen(p, m) hook(p, m)\n');
  assert.is.not(planted, parser.h.toString('utf8'));
  const tar = buildTar([
    { path: p('configure.ac'), content: configureAc },
    { path: p('Makefile.am'), content: makefileAm },
    { path: p('src/calc.y'), content: grammar },
    { path: p('src/calc.c'), content: parser.c },
    { path: p('src/calc.h'), content: planted },
    { path: p('src/scan.l'), content: scanner },
    { path: p('src/scan.c'), content: parser.scan },
    { path: p('build-aux/ylwrap'), content: ylwrap!, mode: 0o755 },
  ]);
  const release = await writeTemp(`bison-h-${Math.random().toString(36).slice(2)}/calc-1.0.tar.gz`, await compress(tar, 'gzip'));
  const report = await verify({ release, repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  const f = report.findings.find((x) => x.path === 'src/calc.h')!;
  assert.is(f.category, 'not-reproduced', f.reasons.join('; '));
  assert.is(f.severity, 'critical');
  assert.match(f.evidence.diff ?? '', /^\+#define fopen\(p, m\) hook\(p, m\)$/m);
  assert.is(report.findings.find((x) => x.path === 'src/calc.c')!.severity, 'info', 'the parser itself is still proven');
});

test('a line planted in the parser is critical, with the line', async () => {
  if (!parser) return;
  const planted = parser.c.toString('utf8').replace('int yylex(void);', 'int yylex(void);\nstatic const char *hook = "/tmp/.x";');
  const r = await repo();
  const report = await verify({ release: await release(planted), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  const f = report.findings.find((x) => x.path === 'src/calc.c')!;
  assert.is(f.category, 'not-reproduced');
  assert.is(f.severity, 'critical');
  assert.match(f.evidence.diff ?? '', /^\+static const char \*hook = "\/tmp\/\.x";$/m);
});

// A project that runs bison and flex with its own rules, in a fragment its Makefile.am includes
// (util-linux's libsmartcols/src/Makemodule.am), for a pure parser with its header beside it.
const pureGrammar = "%define api.pure full\n%{\nint yylex(void *lval);\nvoid yyerror(const char *s);\n%}\n%token NUM\n%%\nexpr: NUM | expr '+' NUM ;\n%%\n";
const pureScanner = '%option noyywrap\n%%\n[0-9]+ { return 1; }\n.|\\n { }\n%%\n';
const ownRules = `BUILT_SOURCES = lib/parse.c lib/parse.h lib/scan.c lib/scan.h
lib/parse.stamp: lib/parse.y
\t@touch $@.tmp
\t$(AM_V_YACC) $(BISON) $< --output=\${basename $@}.c --defines=\${basename $@}.h
\t@mv -f $@.tmp $@
lib/parse.c lib/parse.h: lib/parse.stamp
\t@test -f $@ || rm -f lib/parse.stamp
\t@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) lib/parse.stamp
lib/scan.stamp: lib/scan.l
\t@touch $@.tmp
\t$(AM_V_GEN) $(FLEX) --header-file=\${basename $@}.h --outfile=\${basename $@}.c $<
\t@mv -f $@.tmp $@
lib/scan.c lib/scan.h: lib/scan.stamp
\t@test -f $@ || rm -f lib/scan.stamp
\t@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) lib/scan.stamp
`;
// configure puts a line in place of this one: no make syntax until it has.
const ownMakefileAm = 'bin_PROGRAMS = calc\ncalc_SOURCES = lib/parse.y lib/scan.l\n@extra_dependency@\ninclude lib/Makemodule.am\n';

test("a parser and a scanner made by the project's own rules, in a fragment the Makefile.am includes, are proven by make; a distribution's bison and flex by their named normalisations", async () => {
  if (!parser) return;
  const work = await tempDir('cuckoo-own-rules-work-');
  await mkdir(join(work, 'lib'));
  await writeFile(join(work, 'lib/parse.y'), pureGrammar);
  await writeFile(join(work, 'lib/scan.l'), pureScanner);
  await execa('bison', ['lib/parse.y', '--output=lib/parse.c', '--defines=lib/parse.h'], { cwd: work, env: { LC_ALL: 'C' } });
  await execa('flex', ['--header-file=lib/scan.h', '--outfile=lib/scan.c', 'lib/scan.l'], { cwd: work, env: { LC_ALL: 'C' } });
  const made = Object.fromEntries(await Promise.all(['lib/parse.c', 'lib/parse.h', 'lib/scan.c', 'lib/scan.h'].map(async (f) => [f, await readFile(join(work, f), 'utf8')] as const)));
  const files = { 'configure.ac': configureAc, 'Makefile.am': ownMakefileAm, 'lib/Makemodule.am': ownRules, 'lib/parse.y': pureGrammar, 'lib/scan.l': pureScanner };
  const r = await makeRepo({ files, tags: ['v1.0'] });
  // automake's ylwrap ships beside them, as in util-linux's release: its way of running bison is tried first.
  const tarball = async (generated: Record<string, string>) =>
    writeTemp(
      `own-rules-${Math.random().toString(36).slice(2)}/calc-1.0.tar.gz`,
      await compress(buildTar([...Object.entries({ ...files, ...generated }).map(([path, content]) => ({ path: `calc-1.0/${path}`, content })), { path: 'calc-1.0/build-aux/ylwrap', content: ylwrap!, mode: 0o755 }]), 'gzip'),
    );
  const check = async (generated: Record<string, string>) => {
    const report = await verify({ release: await tarball(generated), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-own-rules-cache-'), hostKnowledge: false });
    return Object.assign((path: string) => report.findings.find((x) => x.path === path)!, { counts: report.reproduction?.counts });
  };
  let found = await check(made);
  // ylwrap's way wrote other bytes, but make's are the release's: none counts as different.
  assert.equal(found.counts, { reproduced: 2, normalised: 0, different: 0, notTried: 0 });
  for (const path of Object.keys(made)) {
    assert.is(found(path).category, 'recipe-output', `${path}: ${found(path).reasons.join('; ')}`);
    assert.is(found(path).severity, 'info', path);
  }
  assert.match(found('lib/parse.c').reasons[0]!, /^reproduced byte for byte: written by the rule of the tag's Makefile\.am \(lib\/Makemodule\.am:6\), re-run in the sandbox: make -r -R -k /);
  // As a distribution's bison 3.8.2 and flex 2.6.4 with later fixes write them.
  assert.match(made['lib/parse.c']!, /^ {4}int yynerrs = 0;$/m);
  assert.match(made['lib/scan.c']!, /^#line 2 "lib\/scan\.c"$/m);
  const distribution = {
    ...made,
    'lib/parse.c': made['lib/parse.c']!.replace(/^( {4}int yynerrs) = 0;$/m, '$1 YY_ATTRIBUTE_UNUSED = 0;'),
    'lib/scan.c': made['lib/scan.c']!.replace(/^#line (\d+) "lib\/scan\.c"$/gm, (_, n: string) => `#line ${Number(n) - 1} "lib/scan.c"`),
  };
  found = await check(distribution);
  assert.is(found('lib/parse.c').category, 'recipe-output', found('lib/parse.c').reasons.join('; '));
  assert.is(found('lib/parse.c').severity, 'low');
  assert.match(found('lib/parse.c').reasons[0]!, /bison 3\.8\.2 wrote it, after normalising: bison-3\.8\.2-yynerrs-unused \(/);
  assert.equal(found('lib/parse.c').evidence.reproduced?.normalisations.map((n) => n.name), ['bison-3.8.2-yynerrs-unused']);
  assert.is(found('lib/scan.c').severity, 'low');
  assert.match(found('lib/scan.c').reasons[0]!, /flex 2\.6\.4 wrote it, after normalising: flex-output-line-numbers \(/);
  // A line planted in the parser is no normalisation: ylwrap's way decides, critical, with the line.
  found = await check({ ...distribution, 'lib/parse.c': distribution['lib/parse.c'].replace('int yylex(void *lval);', 'int yylex(void *lval);\nstatic const char *hook = "/tmp/.x";') });
  assert.is(found('lib/parse.c').category, 'not-reproduced');
  assert.is(found('lib/parse.c').severity, 'critical');
});

test('without reproduction the parser is judged by its shape and stays worth a look', async () => {
  if (!parser) return;
  const r = await repo();
  const report = await verify({ release: await release(parser.c), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false, reproduce: false });
  const f = report.findings.find((x) => x.path === 'src/calc.c')!;
  assert.is(f.category, 'parser-output');
  assert.is(f.severity, 'medium');
  // The header beside it, which names the same bison, as well.
  const h = report.findings.find((x) => x.path === 'src/calc.h')!;
  assert.is(h.category, 'parser-output');
  assert.is(h.severity, 'medium');
  assert.match(h.reasons.join('\n'), 'not re-made here (--no-reproduce)');
});

test('a parser and its header of a bison this machine lacks are judged by their shape, with what to install; a header of another bison is not', async () => {
  if (!parser) return;
  const r = await repo();
  const older = (bytes: Buffer) => Buffer.from(bytes.toString('utf8').replace(/made by GNU Bison \d+(?:\.\d+)*/, 'made by GNU Bison 2.0.1'));
  const report = await verify({ release: await release(older(parser.c), parser.scan, 'build-aux/ylwrap', older(parser.h)), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  for (const path of ['src/calc.c', 'src/calc.h']) {
    const f = report.findings.find((x) => x.path === path)!;
    assert.is(f.category, 'parser-output', path);
    assert.is(f.severity, 'medium', path);
    assert.match(f.reasons.join('\n'), /not reproduced, judged by its shape only: bison 2\.0\.1 is not installed here/, path);
  }
  const mixed = await verify({ release: await release(older(parser.c)), repo: r.dir, tag: 'v1.0', cacheDir: await tempDir('cuckoo-bison-cache-'), hostKnowledge: false });
  assert.is(mixed.findings.find((x) => x.path === 'src/calc.h')!.category, 'unexplained');
});

test('a grammar the release copied from a submodule is a source too: the parser is re-made from it; a grammar only the release has is not', async () => {
  if (!parser) return;
  // gnulib's layout: the grammar lives in the submodule, and a bootstrap copies it in; the tag itself has no src/calc.y.
  const lib = await makeRepo({ files: { 'lib/calc.y': grammar }, tags: ['lib-1'] });
  const gitmodules = `[submodule "gnulib"]\n\tpath = gnulib\n\turl = ${lib.dir}\n`;
  const r = await makeRepo({
    files: { '.gitmodules': gitmodules, gnulib: { gitlink: lib.commits[0]! }, 'configure.ac': configureAc, 'Makefile.am': makefileAm, 'src/scan.l': scanner },
    tags: ['v1.0'],
  });
  const cacheDir = await tempDir('cuckoo-bison-cache-');
  const shipped = await release(parser.c);
  const shape = await verify({ release: shipped, repo: r.dir, tag: 'v1.0', cacheDir, hostKnowledge: false, reproduce: false });
  const f = shape.findings.find((x) => x.path === 'src/calc.c')!;
  assert.is(f.category, 'parser-output', f.reasons.join('; '));
  assert.ok(f.reasons.includes('its source src/calc.y is in the release, a copy of gnulib/lib/calc.y in the tag'), f.reasons.join('; '));
  const proven = await verify({ release: shipped, repo: r.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });
  const g = proven.findings.find((x) => x.path === 'src/calc.c')!;
  assert.is(g.category, 'parser-output', g.reasons.join('; '));
  assert.is(g.severity, 'info');
  assert.is(g.evidence.reproduced?.generator, 'bison');
  // Without the submodule's copy, the grammar is the release's own: nothing vouches for the parser.
  const alone = await makeRepo({ files: { 'configure.ac': configureAc, 'Makefile.am': makefileAm, 'src/scan.l': scanner }, tags: ['v1.0'] });
  const own = await verify({ release: shipped, repo: alone.dir, tag: 'v1.0', cacheDir, hostKnowledge: false, reproduce: false });
  assert.is(own.findings.find((x) => x.path === 'src/calc.c')!.category, 'unexplained');
});

test('the command is read from the parser: where bison ran, and nothing from outside the tree', () => {
  const has = (p: string) => ['sys-utils/date.y', 'lib/p.y'].includes(p);
  const nonRecursive = parserCommand('bison', 'sys-utils/date.c', '#line 1 "sys-utils/date.y"\n', { root: '' }, '/usr/bin/bison', 'config/ylwrap', [], has);
  assert.equal(nonRecursive, { cwd: '', argv: ['/bin/sh', 'config/ylwrap', 'sys-utils/date.y', 'y.tab.c', 'sys-utils/date.c', 'y.tab.h', 'sys-utils/date.h', 'y.output', 'sys-utils/date.output', '--', '/usr/bin/bison', '-y'] });
  const recursive = parserCommand('bison', 'lib/p.c', '#line 2 "p.y"\n', { root: '' }, '/usr/bin/bison', 'build-aux/ylwrap', ['-d'], has);
  assert.equal(recursive, { cwd: 'lib', argv: ['/bin/sh', '../build-aux/ylwrap', 'p.y', 'y.tab.c', 'p.c', 'y.tab.h', 'p.h', 'y.output', 'p.output', '--', '/usr/bin/bison', '-y', '-d'] });
  assert.match((parserCommand('bison', 'lib/p.c', '#line 2 "../../src/lib/p.y"\n', { root: '' }, 'b', 'y', [], has) as { why: string }).why, /VPATH/);
  assert.match((parserCommand('bison', 'lib/p.c', '#line 2 "p.y"\n', { root: '' }, 'b', undefined, [], has) as { why: string }).why, /no ylwrap/);
  assert.equal(toolFlags('AM_YFLAGS', ['AM_YFLAGS = -d -Wno-yacc\n']), ['-d', '-Wno-yacc']);
  assert.match((toolFlags('AM_YFLAGS', ['AM_YFLAGS = -d $(EXTRA)\n']) as { why: string }).why, /does not pass on/);
  assert.match((toolFlags('AM_YFLAGS', ['AM_YFLAGS = -d\n', 'AM_YFLAGS = -v\n']) as { why: string }).why, /2 ways/);
});

test.run();
