import { deflateSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { texinfoOutput } from '../../src/analyze/rules/texinfo-output.js';
import { added, context } from './generated-context.js';

// As libgpg-error 1.46 ships them.
const info = 'This is gpgrt.info, produced by makeinfo version 6.5 from gpgrt.texi.\n\nThis manual is for Libgpg-error (version 1.46, 2 August 2022).\n';
const vti = '@set UPDATED 2 August 2022\n@set UPDATED-MONTH August 2022\n@set EDITION 1.46\n@set VERSION 1.46\n';

test('makeinfo output and version.texi next to a Texinfo source in the tag are explained', async () => {
  const ctx = context({ 'doc/gpgrt.texi': '\\input texinfo\n' }, { releaseVersion: '1.46' });
  assert.is((await texinfoOutput.judge(added('doc/gpgrt.info', info), ctx))?.category, 'texinfo-output');
  assert.is((await texinfoOutput.judge(added('doc/version.texi', vti), ctx))?.category, 'texinfo-output');
  assert.is((await texinfoOutput.judge(added('doc/stamp-vti', vti), ctx))?.category, 'texinfo-output');
});

test('an Info header broken before the source name is read whole (pinentry 1.3.1: doc/pinentry.info)', async () => {
  const ctx = context({ 'doc/pinentry.texi': '\\input texinfo\n' });
  const page = 'This is pinentry.info, produced by makeinfo version 6.8 from\npinentry.texi.\n\nINFO-DIR-SECTION GNU Utilities\n';
  const j = await texinfoOutput.judge(added('doc/pinentry.info', page), ctx);
  assert.is(j?.category, 'texinfo-output');
  assert.is(j!.reasons[1], 'its source doc/pinentry.texi is in the tag');
  // The name on the next line must still be the source the tag has.
  assert.is(await texinfoOutput.judge(added('doc/pinentry.info', page.replace('\npinentry.texi', '\nother.texi')), ctx), undefined);
});

test('a split manual whose index node carries makeinfo s NUL cookies is still text (libgcrypt 1.10.1: gcrypt.info-2)', async () => {
  const ctx = context({ 'doc/gpgrt.texi': '' }, { releaseVersion: '1.46' });
  const indexed = `${info}\x1f\nFile: gpgrt.info,  Node: Index\n\n\0\b[index\0\b]\n* Menu:\n\n* gpgrt_init:  Init.  (line 6)\n`;
  assert.is((await texinfoOutput.judge(added('doc/gpgrt.info-2', indexed), ctx))?.category, 'texinfo-output');
  // A NUL anywhere else is binary content, not a manual.
  assert.is(await texinfoOutput.judge(added('doc/gpgrt.info-2', `${indexed}\0\x7fELF`), ctx), undefined);
  assert.is(await texinfoOutput.judge(added('doc/gpgrt.info-2', `${info}\0\b[image src="x"\0\b]\n`), ctx), undefined);
});

/** A PDF as pdfTeX writes one: its objects packed in a Flate object stream holding `objects`. */
function pdfWith(objects: string, filter = '/FlateDecode'): Buffer {
  const packed = deflateSync(Buffer.from(objects, 'latin1'));
  return Buffer.concat([
    Buffer.from(`%PDF-1.5\n3 0 obj\n<< /Type /ObjStm /N 2 /First 8 /Length ${packed.length} /Filter ${filter} >>\nstream\n`, 'latin1'),
    packed,
    Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
  ]);
}

test('the PDF of a manual a Makefile.am lists is explained when nothing in it acts, its object streams read too (libffi 3.4.4: doc/libffi.pdf)', async () => {
  const manual = pdfWith('1 0 2 40 << /Type /Catalog /Pages 4 0 R >> << /Type /Pages /Count 1 >>');
  const ctx = (am = '## Process this with automake to create Makefile.in\n\ninfo_TEXINFOS = libffi.texi\n') => context({ 'doc/libffi.texi': '\\input texinfo\n', 'doc/Makefile.am': am });
  const j = await texinfoOutput.judge(added('doc/libffi.pdf', manual), ctx());
  assert.is(j?.category, 'texinfo-output');
  assert.is(j?.severity, 'low');
  assert.is(j!.reasons[0], 'the PDF manual automake makes of doc/libffi.texi, which doc/Makefile.am lists among its Texinfo manuals');
  // A list over continued lines.
  assert.is((await texinfoOutput.judge(added('doc/libffi.pdf', manual), ctx('info_TEXINFOS = other.texi \\\n\tlibffi.texi\n')))?.category, 'texinfo-output');
  const refused: Array<[string, Buffer, ReturnType<typeof ctx>]> = [
    // An action packed in the object stream, or one as it stands.
    ['doc/libffi.pdf', pdfWith('1 0 2 40 << /Type /Catalog /OpenAction 2 0 R >> << /S /JavaScript /JS (app.alert(1)) >>'), ctx()],
    ['doc/libffi.pdf', Buffer.concat([manual, Buffer.from('<< /S /Launch /F (sh) >>')]), ctx()],
    // An object stream it cannot read: another filter, or damaged.
    ['doc/libffi.pdf', pdfWith('1 0 << /Type /Catalog >>', '/LZWDecode'), ctx()],
    ['doc/libffi.pdf', Buffer.from('%PDF-1.5\n3 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\nnot flate\nendstream\n', 'latin1'), ctx()],
    // No manual of that name listed, none in the tag, not a PDF.
    ['doc/libffi.pdf', manual, ctx('EXTRA_DIST = libffi.texi\n')],
    ['doc/other.pdf', manual, ctx()],
    ['doc/libffi.pdf', Buffer.from('#!/bin/sh\nid\n'), ctx()],
  ];
  for (const [path, content, c] of refused) assert.is(await texinfoOutput.judge(added(path, content), c), undefined, content.toString('latin1').slice(0, 80));
});

test('look-alikes are not explained', async () => {
  const ctx = context({ 'doc/gpgrt.texi': '' }, { releaseVersion: '1.46' });
  assert.is(await texinfoOutput.judge(added('doc/other.info', info.replace('gpgrt.texi', 'other.texi')), ctx), undefined);
  assert.is(await texinfoOutput.judge(added('doc/gpgrt.info', 'payload\n'), ctx), undefined);
  assert.is(await texinfoOutput.judge(added('doc/version.texi', `${vti}@macro x\n`), ctx), undefined);
  assert.is(await texinfoOutput.judge(added('doc/version.texi', vti.replace('VERSION 1.46', 'VERSION 9.9')), ctx), undefined);
  assert.is(await texinfoOutput.judge(added('src/version.texi', vti), ctx), undefined);
});

test.run();
