import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatedManpage } from '../../src/analyze/rules/generated-manpage.js';
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

test('look-alikes are not explained', async () => {
  const ctx = context({ 'disk-utils/addpart.8.adoc': '' });
  assert.is(await generatedManpage.judge(added('disk-utils/addpart.8', '#!/bin/sh\nid\n'), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/addpart.8', page.replace('.TH "ADDPART"', '.SH "ADDPART"')), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/other.8', page), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/x.8', '.so missing.8'), ctx), undefined);
  assert.is(await generatedManpage.judge(added('disk-utils/x.8', '.so addpart.8\n.sy id'), ctx), undefined);
});

test.run();
