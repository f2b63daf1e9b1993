import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { versionStamp } from '../../src/analyze/rules/version-stamp.js';
import { context, modified } from './generated-context.js';

const info = { releaseVersion: '7.88.1' };
const man = (th: string) => `.\\" SPDX-License-Identifier: curl\n.\\"\n${th}\n.SH NAME\ncurl_free - reclaim memory\n.SH SYNOPSIS\n`;

test('man pages stamped with the release version and date are explained (curl 7.88.1)', async () => {
  const cases = [
    ['.TH curl_free 3 "12 Aug 2003" "libcurl 7.10" "libcurl Manual"', '.TH curl_free 3 "January 30, 2023" "libcurl 7.88.1" "libcurl Manual"\n'],
    ['.TH curl_url 3 "6 Aug 2018" "libcurl" "libcurl Manual"', '.TH curl_url 3 "January 02, 2023" "libcurl 7.88.1" "libcurl Manual"\n'],
    ['.TH curl 1 "__DATE__" "curl __VERSION__" "curl Manual"', '.TH curl 1 "February 20 2023" "curl 7.88.1" "curl Manual"'],
  ];
  for (const [before, after] of cases) {
    const j = await versionStamp.judge(modified('docs/x.3', man(after!)), context({ 'docs/x.3': man(before!) }, info));
    assert.is(j?.category, 'version-stamp', after);
    assert.is(j?.severity, 'low');
  }
});

const curlver = (version: string, stamp: string) =>
  `/* This is the version number of the libcurl package */\n#define LIBCURL_VERSION "${version}"\n#define LIBCURL_VERSION_NUM 0x075801\n#define LIBCURL_TIMESTAMP "${stamp}"\n`;

test("a man page latex2man made again, stamped with ctime's date (libunwind 1.8.1's doc/*.man)", async () => {
  const page = (when: string, th: string) => `'\\" t\n.\\" Manual page created with latex2man on ${when}\n.\\" NOTE: This file is generated, DO NOT EDIT.\n.TH "LIBUNWIND" "3libunwind" "${th}" "Programming Library " "Programming Library "\n.SH NAME\n`;
  const tag = page('Tue Aug 29 12:09:48 2023', '29 August 2023');
  const j = await versionStamp.judge(modified('doc/libunwind.man', page('Thu Feb 22 09:07:09 2024', '22 February 2024')), context({ 'doc/libunwind.man': tag }, { releaseVersion: '1.8.1' }));
  assert.is(j?.category, 'version-stamp');
  // Anything beside the date on that line is not a stamp.
  const other = await versionStamp.judge(modified('doc/libunwind.man', page('Thu Feb 22 09:07:09 2024 by mallory', '22 February 2024')), context({ 'doc/libunwind.man': tag }, { releaseVersion: '1.8.1' }));
  assert.is(other, undefined);
});

test('a man page a newer latex2man made again: its notes of the files its source inputs are roff comments (doc/unw_get_proc_name.man of libunwind 1.6.2)', async () => {
  const markers = '.\\" *********************************** start of \\input{common.tex}\n.\\" *********************************** end of \\input{common.tex}\n';
  const page = (head: string, when: string, th: string, body = 'unw_get_proc_name\n') =>
    `${head}'\\" t\n.\\" Manual page created with latex2man on ${when}\n.\\" NOTE: This file is generated, DO NOT EDIT.\n.TH "UNW\\\\_GET\\\\_PROC\\\\_NAME" "3" "${th}" "Programming Library " "Programming Library "\n.SH NAME\n${body}`;
  const tag = page('', 'Thu Aug 16 09:44:45 MDT 2007', '16 August 2007');
  const ctx = () => context({ 'doc/unw_get_proc_name.man': tag }, { releaseVersion: '1.6.2' });
  const release = page(markers, 'Tue Nov 30 16:47:40 2021', '30 November 2021');
  const j = await versionStamp.judge(modified('doc/unw_get_proc_name.man', release), ctx());
  assert.is(j?.category, 'version-stamp');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, '2 changed lines differ only by the release version 1.6.2 and dates');
  assert.match(j!.reasons.join('\n'), '2 roff comment lines (`.\\"`) added or dropped as well');
  // The comments alone, with no stamp: not a page made again.
  assert.is(await versionStamp.judge(modified('doc/unw_get_proc_name.man', `${markers}${tag}`), ctx()), undefined);
  // A line the page shows, beside the comments, is not a stamp.
  assert.is(await versionStamp.judge(modified('doc/unw_get_proc_name.man', page(markers, 'Tue Nov 30 16:47:40 2021', '30 November 2021', 'unw_get_proc_name\n.B curl evil.example\n')), ctx()), undefined);
  // A comment changed in place is no note added: only its stamp may differ.
  const signed = release.replace('on Tue Nov 30 16:47:40 2021', 'on Tue Nov 30 16:47:40 2021 by mallory');
  assert.is(await versionStamp.judge(modified('doc/unw_get_proc_name.man', signed), ctx()), undefined);
  // The line that names man's preprocessors is no comment, added or changed.
  assert.is(await versionStamp.judge(modified('doc/unw_get_proc_name.man', page(`'\\" e\n${markers}`, 'Tue Nov 30 16:47:40 2021', '30 November 2021')), ctx()), undefined);
  assert.is(await versionStamp.judge(modified('doc/unw_get_proc_name.man', release.replace("'\\\" t", "'\\\" te")), ctx()), undefined);
  // Not a man page, or one the build reads: comments there are not forgiven.
  const notPage = await versionStamp.judge(modified('doc/notes.txt', release), context({ 'doc/notes.txt': tag }, { releaseVersion: '1.6.2' }));
  assert.is(notPage, undefined);
  const built = await versionStamp.judge(modified('build-aux/page.1', release), context({ 'build-aux/page.1': tag }, { releaseVersion: '1.6.2' }));
  assert.is(built, undefined);
});

test('a header the build compiles is explained when only quoted version and date strings changed', async () => {
  const ctx = context({ 'include/curl/curlver.h': curlver('7.88.1-DEV', '[unreleased]') }, info);
  const j = await versionStamp.judge(modified('include/curl/curlver.h', curlver('7.88.1', '2023-02-20')), ctx);
  assert.is(j?.category, 'version-stamp');
  assert.match(j!.reasons[0]!, '2 changed lines differ only by the release version 7.88.1 and dates');
  const tool = (v: string) => `#define CURL_NAME "curl"\n#define CURL_VERSION ${v}\n`;
  const k = await versionStamp.judge(modified('src/tool_version.h', tool('"7.88.1"')), context({ 'src/tool_version.h': tool('LIBCURL_VERSION') }, info));
  assert.is(k?.category, 'version-stamp');
});

const libssh2 = (version: string, major: string, minor: string, patch: string, num: string, stamp: string, pad = ' ') =>
  `#define LIBSSH2_COPYRIGHT "2004-2021 The libssh2 project and its contributors."\n\n#define LIBSSH2_VERSION${pad}"${version}"\n\n#define LIBSSH2_VERSION_MAJOR${pad}${major}\n#define LIBSSH2_VERSION_MINOR${pad}${minor}\n#define LIBSSH2_VERSION_PATCH${pad}${patch}\n\n#define LIBSSH2_VERSION_NUM${pad}${num}\n\n#define LIBSSH2_TIMESTAMP "${stamp}"\n`;

test('version defines rewritten whole by a release script are explained: the version, its parts, its hex number, a timestamp (libssh2 1.10.0)', async () => {
  const tag = libssh2('1.9.0_DEV', '1', '9', '0', '0x010900', 'DEV', ' '.repeat(29));
  const ctx = context({ 'include/libssh2.h': tag }, { releaseVersion: '1.10.0' });
  const j = await versionStamp.judge(modified('include/libssh2.h', libssh2('1.10.0', '1', '10', '0', '0x010a00', 'Sun 29 Aug 2021 08:37:50 PM UTC')), ctx);
  assert.is(j?.category, 'version-stamp');
  assert.match(j!.reasons[0]!, '6 changed lines differ only by the release version 1.10.0 and dates');
  const wrong: Array<[string, string]> = [
    ['a part that is not the release version', libssh2('1.10.0', '1', '11', '0', '0x010a00', 'Sun 29 Aug 2021')],
    ['a hex number that is not the release version', libssh2('1.10.0', '1', '10', '0', '0x010a01', 'Sun 29 Aug 2021')],
    ['another version', libssh2('1.10.1', '1', '10', '0', '0x010a00', 'Sun 29 Aug 2021')],
    ['a timestamp that is no date', libssh2('1.10.0', '1', '10', '0', '0x010a00', '$(curl example.org)')],
    ['a value of another kind', libssh2('1.10.0', '1', '10', '0', '0x010a00', 'Sun 29 Aug 2021').replace('#define LIBSSH2_VERSION_MINOR 10', '#define LIBSSH2_VERSION_MINOR "10"')],
  ];
  for (const [what, release] of wrong) assert.is(await versionStamp.judge(modified('include/libssh2.h', release), ctx), undefined, what);
  const renamed = libssh2('1.10.0', '1', '10', '0', '0x010a00', 'Sun 29 Aug 2021').replace('LIBSSH2_VERSION_PATCH 0', 'LIBSSH2_RATIO 0');
  assert.is(await versionStamp.judge(modified('include/libssh2.h', renamed), ctx), undefined, 'another name');
});

test("a CMake variable the release script writes out as the version is a stamp (c-ares 1.18.1's CMakeLists.txt)", async () => {
  const cmake = (v: string) => `PROJECT (c-ares LANGUAGES C VERSION "1.18.1")\nSET (CARES_VERSION ${v})\nSET (CARES_LIB_VERSIONINFO "7:0:5")\n`;
  const ctx = context({ 'CMakeLists.txt': cmake('"${PROJECT_VERSION}"') }, { releaseVersion: '1.18.1' });
  assert.is((await versionStamp.judge(modified('CMakeLists.txt', cmake('"1.18.1"')), ctx))?.category, 'version-stamp');
  assert.is(await versionStamp.judge(modified('CMakeLists.txt', cmake('"1.18.2"')), ctx), undefined, 'another version');
  assert.is(await versionStamp.judge(modified('CMakeLists.txt', cmake('"${CMAKE_COMMAND}"')), ctx), undefined, 'another variable');
  const other = context({ 'CMakeLists.txt': cmake('"${CARES_SOURCES}"') }, { releaseVersion: '1.18.1' });
  assert.is(await versionStamp.judge(modified('CMakeLists.txt', cmake('"1.18.1"')), other), undefined, 'a variable that held no version');
});

test("a comment holding only a placeholder, replaced by the quoted date or version, is a stamp (gdbm 1.23's src/version.c)", async () => {
  const version = (line: string) => `const char * gdbm_version = "GDBM version " PACKAGE_VERSION ". "\n${line}\n#if defined(__STDC__)\n\t\t" (built " __DATE__ ")"\n#endif\n;\n`;
  const ctx = context({ 'src/version.c': version('/*@DIST_DATE@*/') }, { releaseVersion: '1.23' });
  for (const line of ['"04/02/2022"', '"2022-02-04"', '"1.23"']) {
    assert.is((await versionStamp.judge(modified('src/version.c', version(line)), ctx))?.category, 'version-stamp', line);
  }
  for (const line of ['"04/02/2022" + 1', 'system("id")', '"hello"', '"04/02/2022"; x = 1']) {
    assert.is(await versionStamp.judge(modified('src/version.c', version(line)), ctx), undefined, line);
  }
});

test("a development suffix the release drops from the version, in m4's quotes in configure.ac, is a stamp (squid 5.7)", async () => {
  const ac = (v: string) => `## Copyright (C) 1996-2022 The Squid Software Foundation\nAC_INIT([Squid Web Proxy],[${v}],[http://bugs.squid-cache.org/],[squid])\nAC_PREREQ(2.61)\n`;
  const squid = { releaseVersion: '5.7' };
  const j = await versionStamp.judge(modified('configure.ac', ac('5.7')), context({ 'configure.ac': ac('5.7-VCS') }, squid));
  assert.is(j?.category, 'version-stamp');
  assert.match(j!.reasons[0]!, 'the release version 5.7');
  for (const dev of ['5.7-git', '5.7-devel', '5.7-SNAPSHOT']) assert.is((await versionStamp.judge(modified('configure.ac', ac('5.7')), context({ 'configure.ac': ac(dev) }, squid)))?.category, 'version-stamp', dev);
  // Another version, or text beside it in the quotes, is not.
  assert.is(await versionStamp.judge(modified('configure.ac', ac('5.8')), context({ 'configure.ac': ac('5.7-VCS') }, squid)), undefined);
  assert.is(await versionStamp.judge(modified('configure.ac', ac('5.7 x')), context({ 'configure.ac': ac('5.7-VCS') }, squid)), undefined);
  // m4's quotes quote in m4 files only: in a script, `[5.7]` is a pattern.
  const sh = (v: string) => `case $x in\n[${v}]) exit 0 ;;\nesac\n`;
  assert.is(await versionStamp.judge(modified('build.sh', sh('5.7')), context({ 'build.sh': sh('5.7-VCS') }, squid)), undefined);
  assert.is((await versionStamp.judge(modified('m4/ver.m4', ac('5.7')), context({ 'm4/ver.m4': ac('5.7-VCS') }, squid)))?.category, 'version-stamp');
});

test("a define autoheader left commented out, set at release to the date or the version, is a stamp (krb5 1.20.1's src/patchlevel.h)", async () => {
  const head = (line: string) => `#define KRB5_PATCHLEVEL 1\n/* #undef KRB5_RELTAIL */\n${line}\n#define KRB5_RELTAG "krb5-1.20.1-final"\n`;
  const ctx = context({ 'src/patchlevel.h': head('/* #undef KRB5_RELDATE */') }, { releaseVersion: '1.20.1' });
  for (const set of ['#define KRB5_RELDATE "20221111"', '#define KRB5_RELDATE "2022-11-11"']) assert.is((await versionStamp.judge(modified('src/patchlevel.h', head(set)), ctx))?.category, 'version-stamp', set);
  const v = context({ 'src/patchlevel.h': head('/* #undef KRB5_VERSION */') }, { releaseVersion: '1.20.1' });
  assert.is((await versionStamp.judge(modified('src/patchlevel.h', head('#define KRB5_VERSION "1.20.1"')), v))?.category, 'version-stamp');
  // Not a date, not quoted, another name, or a name that asks for neither.
  for (const set of ['#define KRB5_RELDATE "20221311"', '#define KRB5_RELDATE "20221145"', '#define KRB5_RELDATE 20221111', '#define KRB5_RELDAT "20221111"', '#define KRB5_RELDATE "20221111" + 1']) {
    assert.is(await versionStamp.judge(modified('src/patchlevel.h', head(set)), ctx), undefined, set);
  }
  assert.is(await versionStamp.judge(modified('src/patchlevel.h', head('#define KRB5_RELTAIL "20221111"')), context({ 'src/patchlevel.h': head('/* #undef KRB5_RELTAIL */') }, { releaseVersion: '1.20.1' })), undefined);
  assert.is(await versionStamp.judge(modified('src/patchlevel.h', head('#define KRB5_VERSION "1.20.2"')), v), undefined);
});

test("a define of the release's Unix time, within a week of the tagged commit, is a stamp (squid 5.7's SQUID_RELEASE_TIME)", async () => {
  const header = (value: string, name = 'SQUID_RELEASE_TIME') => `#ifndef ${name}\n#define ${name} ${value}\n#endif\n`;
  const tagCommit = { id: 'a'.repeat(40), date: 1662350808 };
  const judge = (before: string, after: string, commit: typeof tagCommit | null = tagCommit) =>
    versionStamp.judge(modified('include/version.h', after), context({ 'include/version.h': before }, { releaseVersion: '5.7', ...(commit ? { tagCommit: commit } : {}) }));
  assert.is((await judge(header('squid_curtime'), header('1662392113')))?.category, 'version-stamp');
  // A year later, an expression before or after, a name that asks for no time, or no date for the tag: not a stamp.
  assert.is(await judge(header('squid_curtime'), header('1693928113')), undefined);
  assert.is(await judge(header('squid_curtime + 1'), header('1662392113')), undefined);
  assert.is(await judge(header('squid_curtime'), header('1662392113 + x')), undefined);
  assert.is(await judge(header('squid_curtime'), header('0x6315d251')), undefined);
  assert.is(await judge(header('squid_curtime', 'SQUID_RELEASE_LIMIT'), header('1662392113', 'SQUID_RELEASE_LIMIT')), undefined);
  assert.is(await judge(header('squid_curtime'), header('1662392113'), null), undefined);
});

test("a revision define set to the tagged commit's id is a stamp (PortAudio 19.6.0's src/common/pa_gitrevision.h)", async () => {
  const id = '396fe4b6699ae929d3a685b3ef8a7e97396139a4';
  const header = (value: string, name = 'PA_GIT_REVISION') => `#define ${name} ${value}\n`;
  const judge = (before: string, after: string, commit: string | null = id) =>
    versionStamp.judge(modified('src/common/pa_gitrevision.h', after), context({ 'src/common/pa_gitrevision.h': before }, { releaseVersion: '19.6.0', ...(commit ? { tagCommit: { id: commit, date: 1477785600 } } : {}) }));
  const whole = await judge(header('unknown'), header(id));
  assert.is(whole?.category, 'version-stamp');
  assert.is(whole?.severity, 'low');
  assert.is(whole!.reasons[0], "the one changed line differs only by the tagged commit's id (396fe4b6699a)");
  // Abbreviated as git abbreviates it, quoted, or under another name for a revision.
  assert.is((await judge(header('unknown'), header('396fe4b')))?.category, 'version-stamp');
  assert.is((await judge(header('"unknown"'), header(`"${id}"`)))?.category, 'version-stamp');
  assert.is((await judge(header('""', 'GIT_COMMIT_HASH'), header('"396fe4b6699a"', 'GIT_COMMIT_HASH')))?.category, 'version-stamp');
  // Another commit, too short an abbreviation, more than the id, an expression, a name for no revision, no tagged commit: not a stamp.
  assert.is(await judge(header('unknown'), header('c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ff')), undefined);
  assert.is(await judge(header('unknown'), header('396fe4')), undefined);
  assert.is(await judge(header('unknown'), header(`${id}-dirty`)), undefined);
  assert.is(await judge(header('unknown'), header(`${id}; system("x")`)), undefined);
  assert.is(await judge(header('unknown + 1'), header(id)), undefined);
  assert.is(await judge(header('unknown', 'PA_BUFFER_SIZE'), header(id, 'PA_BUFFER_SIZE')), undefined);
  assert.is(await judge(header('unknown'), header(id), null), undefined);
});

test('look-alikes are not explained', async () => {
  const ctx = context({ 'include/curl/curlver.h': curlver('7.88.1-DEV', '[unreleased]') }, info);
  // Another version than the release's.
  assert.is(await versionStamp.judge(modified('include/curl/curlver.h', curlver('7.99.0', '2023-02-20')), ctx), undefined);
  // A non-version token changed on a stamped line.
  const sneaky = curlver('7.88.1', '2023-02-20').replace('0x075801', '0x075802');
  assert.is(await versionStamp.judge(modified('include/curl/curlver.h', sneaky), ctx), undefined);
  const extra = curlver('7.88.1', '2023-02-20').replace('#define LIBCURL_TIMESTAMP', '#define LIBCURL_TIMESTAMP_X');
  assert.is(await versionStamp.judge(modified('include/curl/curlver.h', extra), ctx), undefined);
  // In code, a bare number replaced by the version changes behaviour.
  const code = (v: string) => `double ratio = ${v};\n`;
  const c = context({ 'src/a.c': code('0.5') }, { releaseVersion: '5.4' });
  assert.is(await versionStamp.judge(modified('src/a.c', code('5.4')), c), undefined);
  const directive = (v: string) => `# define RATIO ${v}\n`;
  assert.is(await versionStamp.judge(modified('src/a.c', directive('5.4')), context({ 'src/a.c': directive('0.5') }, { releaseVersion: '5.4' })), undefined);
  const deref = (v: string) => `/* ratio */ *ratio = ${v};\n`;
  assert.is(await versionStamp.judge(modified('src/a.c', deref('5.4')), context({ 'src/a.c': deref('0.5') }, { releaseVersion: '5.4' })), undefined);
  // A comment line may carry a bare stamp.
  const comment = (v: string) => `int x;\n/* hello ${v} */\n`;
  assert.is((await versionStamp.judge(modified('src/a.c', comment('5.4')), context({ 'src/a.c': comment('5.3.9') }, { releaseVersion: '5.4' })))?.category, 'version-stamp');
  // An added line that is not blank.
  const man1 = man('.TH curl_free 3 "12 Aug 2003" "libcurl 7.10" "libcurl Manual"');
  const man2 = man('.TH curl_free 3 "January 30, 2023" "libcurl 7.88.1" "libcurl Manual"\n.so /etc/passwd');
  assert.is(await versionStamp.judge(modified('docs/x.3', man2), context({ 'docs/x.3': man1 }, info)), undefined);
  // Without the release version nothing is explained.
  assert.is(await versionStamp.judge(modified('include/curl/curlver.h', curlver('7.88.1', '2023-02-20')), context({ 'include/curl/curlver.h': curlver('7.88.1-DEV', '[unreleased]') })), undefined);
});

test('a version written where the tag has none is a stamp: a URL naming the tag, a versioned name (util-linux 2.38.1)', async () => {
  const ul = { releaseVersion: '2.38.1' };
  const changelog = (url: string) => `Changes are in the git log:\n\n${url}\n\nSee NEWS for a summary.\n`;
  const base = 'https://git.kernel.org/pub/scm/utils/util-linux/util-linux.git/log';
  const j = await versionStamp.judge(modified('ChangeLog', changelog(`${base}?h=v2.38.1`)), context({ ChangeLog: changelog(base) }, ul));
  assert.is(j?.category, 'version-stamp');
  assert.is(j?.severity, 'low');
  assert.equal(j!.reasons, [
    'the one changed line differs only by the release version 2.38.1',
    'the release writes its version where the tag has none: `?h=v2.38.1` (a URL naming the tag, a versioned name)',
  ]);
  for (const [before, after] of [
    ['Download util-linux.tar.xz', 'Download util-linux-v2.38.1.tar.xz'],
    ['https://example.org/tree/docs', 'https://example.org/tree/v2.38.1/docs'],
    ['see https://example.org/log?p=util-linux', 'see https://example.org/log?p=util-linux&tag=2.38.1'],
  ] as const) {
    const k = await versionStamp.judge(modified('README', `${after}\n`), context({ README: `${before}\n` }, ul));
    assert.is(k?.category, 'version-stamp', after);
  }
});

test('a URL that named a branch names the release instead', async () => {
  const ul = { releaseVersion: '2.38.1' };
  const judge = (path: string, before: string, after: string) => versionStamp.judge(modified(path, `${after}\n`), context({ [path]: `${before}\n` }, ul));
  const j = await judge('README.md', 'License: https://github.com/util-linux/util-linux/blob/master/COPYING', 'License: https://github.com/util-linux/util-linux/blob/v2.38.1/COPYING');
  assert.is(j?.category, 'version-stamp');
  assert.match(j!.reasons[1]!, '`master → v2.38.1`');
  assert.is((await judge('ChangeLog', 'https://x.org/cgit/log?h=main', 'https://x.org/cgit/log?h=v2.38.1'))?.category, 'version-stamp');
  assert.is((await judge('doc/index.html', '<a href="https://x.org/raw/HEAD/NEWS">', '<a href="https://x.org/raw/2.38.1/NEWS">'))?.category, 'version-stamp');
  // Another version, a branch that stays next to the pinned one, a word that is not a branch, no URL, code: not stamps.
  assert.is(await judge('README', 'https://x.org/blob/master/COPYING', 'https://x.org/blob/v2.38.0/COPYING'), undefined);
  assert.is(await judge('README', 'https://x.org/blob/master/a https://x.org/blob/master/b', 'https://x.org/blob/v2.38.1/a https://x.org/blob/master/c'), undefined);
  assert.is(await judge('README', 'https://x.org/blob/stable/COPYING', 'https://x.org/blob/v2.38.1/COPYING'), undefined);
  assert.is(await judge('README', 'checkout master', 'checkout v2.38.1'), undefined);
  assert.is(await judge('tools/fetch.sh', 'curl -O https://x.org/raw/master/x.sh', 'curl -O https://x.org/raw/v2.38.1/x.sh'), undefined);
  assert.is((await judge('tools/fetch.sh', '# from https://x.org/raw/master/x.sh', '# from https://x.org/raw/v2.38.1/x.sh'))?.category, 'version-stamp');
});

test('an inserted version is not a stamp when it is another version, brings other text, or lands in code', async () => {
  const ul = { releaseVersion: '2.38.1' };
  const judge = (path: string, before: string, after: string) => versionStamp.judge(modified(path, `${after}\n`), context({ [path]: `${before}\n` }, ul));
  assert.is(await judge('ChangeLog', 'https://x.org/log', 'https://x.org/log?h=v2.38.2'), undefined);
  assert.is(await judge('ChangeLog', 'https://x.org/log', 'https://x.org/log?h=v2.38.1-rc1'), undefined);
  assert.is(await judge('ChangeLog', 'https://x.org/log', 'https://y.org/log?h=v2.38.1'), undefined);
  // A build script's command line gaining the version could name another file or program.
  assert.is(await judge('tools/mkdist.sh', 'tar xf util-linux.tar', 'tar xf util-linux-2.38.1.tar'), undefined);
  assert.is((await judge('tools/mkdist.sh', '# see https://x.org/log', '# see https://x.org/log?h=v2.38.1'))?.category, 'version-stamp');
});

test.run();
