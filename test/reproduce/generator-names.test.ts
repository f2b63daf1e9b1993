import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatorSteps, mayBeGenerated } from '../../src/reproduce/generators/index.js';
import type { RootPlan } from '../../src/reproduce/generators/step.js';
import { isGeneratorInput } from '../../src/reproduce/inputs.js';

// Paths a release has, generated or not, in a project at the top and in one below it.
const paths = [
  'aclocal.m4', 'configure', 'config.h.in', 'config.in', 'lib/config.hin', 'Makefile.in', 'GNUmakefile.in', 'src/makefile.in',
  'sub/aclocal.m4', 'sub/configure', 'sub/lib/config.in', 'sub/Makefile.in', 'src/parse.c', 'src/scan.cc', 'src/gram.cpp',
  'configure.ac', 'Makefile.am', 'README', 'src/main.h', 'src/parse.y', 'src/scan.l', 'configure.sh', 'm4/aclocal.m4x', 'Makefile.inc',
  'doc/config.in.txt', 'aclocal.m4.orig', 'src/c', 'src/main.cs',
];
const has = (p: string) => paths.includes(p) || p === 'src/parse.y' || p === 'src/scan.ll' || p === 'src/gram.yy';

test("a step writes only files whose name its `names` matches, so the release's other files are passed over", () => {
  let written = 0;
  for (const root of ['', 'sub']) {
    const plan = { root } as RootPlan;
    for (const path of paths) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      for (const step of generatorSteps) {
        for (const asked of [has, undefined]) {
          if (!step.writes(path, plan, asked)) continue;
          written++;
          assert.ok(step.names.test(name), `${step.generator} writes ${path} (root ${JSON.stringify(root)}), yet its names do not match ${name}`);
          assert.ok(mayBeGenerated(name), `${name} is passed over`);
        }
      }
    }
  }
  // Every step writes some of these, so the test cannot pass on an empty loop.
  assert.ok(written >= 20, `${written}`);
  for (const name of ['README', 'configure.ac', 'Makefile.am', 'main.h', 'parse.y', 'Makefile.inc', 'config.in.txt', 'main.cs', 'configure.in', 'configure.sh.in']) {
    assert.not.ok(mayBeGenerated(name), name);
  }
  // rsync has autoconf write configure.sh (its configure is a wrapper in the tag).
  const autoconf = generatorSteps.find((s) => s.generator === 'autoconf')!;
  assert.ok(mayBeGenerated('configure.sh'));
  assert.ok(autoconf.writes('configure.sh', { root: '' } as RootPlan, has));
  assert.not.ok(autoconf.writes('src/configure.sh', { root: '' } as RootPlan, has));
});

test("a generator's inputs: its files by name or extension, and whatever lies in an aux folder at any depth", () => {
  const inputs = ['configure.ac', 'sub/Makefile.am', 'm4/gettext.m4', 'doc/manual.texi', 'src/parse.y', '.tarball-version', 'build-aux/git-version-gen', 'sub/config/version.sh', 'a/build/b/c.txt', 'admin/x', 'autotools/y'];
  const others = ['src/main.c', 'README', 'builder/x.sh', 'config', 'x/config', 'my-build-aux/x', 'build-auxiliary/x', 'doc/build.txt'];
  for (const p of inputs) assert.ok(isGeneratorInput(p), p);
  for (const p of others) assert.not.ok(isGeneratorInput(p), p);
});

test.run();
