import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderedManpage } from '../../src/analyze/rules/rendered-manpage.js';
import { added, context } from './generated-context.js';

const ctx = () => context({ 'src/xz/xz.1': '.TH XZ 1\n', 'tar/bsdtar.1': '.Dd\n', 'libarchive/archive_entry_acl.3': '.Dd\n' });
const txt = 'XZ(1)                      XZ Utils                      XZ(1)\n\nNAME\n       xz, unxz - Compress or decompress .xz files\n';
const html = '<!-- Creator     : groff version 1.22.4 -->\n<!DOCTYPE html>\n<html>\n<body><h2>NAME</h2>tar - manipulate tape archives</body></html>\n';
const pdf = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n';

test('renderings of a man page in the tag are explained (xz, libarchive)', async () => {
  for (const [path, content] of [
    ['doc/man/txt/xz.txt', txt],
    ['doc/man/pdf-a4/xz-a4.pdf', pdf],
    ['doc/html/bsdtar.1.html', html],
    ['doc/man/bsdtar.1', '.TH TAR 1 "January 31, 2020" ""\n.SH NAME\n'],
    ['doc/wiki/ManPageArchiveEntryAcl3.wiki', 'ARCHIVE_ENTRY_ACL(3) manual page \n== NAME ==\n'],
  ] as const) {
    const j = await renderedManpage.judge(added(path, content), ctx());
    assert.is(j?.category, 'rendered-manpage', path);
    assert.is(j?.severity, 'low');
  }
});

test('renderings that run code, lack their shape, or have no page in the tag are not explained', async () => {
  const c = ctx();
  assert.is(await renderedManpage.judge(added('doc/html/bsdtar.1.html', html.replace('<body>', '<body><script>fetch("//x")</script>')), c), undefined);
  assert.is(await renderedManpage.judge(added('doc/html/bsdtar.1.html', html.replace('<body>', '<body onload="x()">')), c), undefined);
  assert.is(await renderedManpage.judge(added('doc/man/pdf-a4/xz-a4.pdf', `${pdf}<< /S /JavaScript /JS (app.alert(1)) >>\n`), c), undefined);
  assert.is(await renderedManpage.judge(added('doc/man/txt/xz.txt', '#!/bin/sh\nid\n'), c), undefined);
  assert.is(await renderedManpage.judge(added('doc/man/txt/zz.txt', txt), c), undefined);
  assert.is(await renderedManpage.judge(added('src/xz.txt', txt), c), undefined);
});

test('a cat page beside its page is explained when its title names that page and section (OpenSSH)', async () => {
  const c = context({ 'ssh.1': '.Dd\n.Dt SSH 1\n', 'sshd_config.5': '.Dd\n', 'contrib/scp.1': '.Dd\n' });
  const page = (title: string) => `${title}\n\nNAME\n     ssh - OpenSSH remote login client\n\nSYNOPSIS\n     ssh [-46] destination\n`;
  const ssh = 'SSH(1)                      General Commands Manual                     SSH(1)';
  assert.is((await renderedManpage.judge(added('ssh.0', page(ssh)), c))?.category, 'rendered-manpage');
  assert.is((await renderedManpage.judge(added('sshd_config.0', page('SSHD_CONFIG(5)          File Formats Manual          SSHD_CONFIG(5)')), c))?.category, 'rendered-manpage');
  // Another page's title, another section, no title, no NAME, or no page beside it: not explained.
  assert.is(await renderedManpage.judge(added('ssh.0', page('SCP(1)        General Commands Manual        SCP(1)')), c), undefined);
  assert.is(await renderedManpage.judge(added('ssh.0', page('SSH(8)        System Manager\'s Manual        SSH(8)')), c), undefined);
  assert.is(await renderedManpage.judge(added('ssh.0', page('ssh: remote login')), c), undefined);
  assert.is(await renderedManpage.judge(added('ssh.0', `${ssh}\n\nxz -dc payload | sh\n`), c), undefined);
  assert.is(await renderedManpage.judge(added('scp.0', page('SCP(1)        General Commands Manual        SCP(1)')), c), undefined);
  assert.is(await renderedManpage.judge(added('sub/ssh.0', page(ssh)), c), undefined);
});

test.run();
