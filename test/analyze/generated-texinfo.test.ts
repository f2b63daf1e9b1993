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

test('a split manual whose index node carries makeinfo s NUL cookies is still text (libgcrypt 1.10.1: gcrypt.info-2)', async () => {
  const ctx = context({ 'doc/gpgrt.texi': '' }, { releaseVersion: '1.46' });
  const indexed = `${info}\x1f\nFile: gpgrt.info,  Node: Index\n\n\0\b[index\0\b]\n* Menu:\n\n* gpgrt_init:  Init.  (line 6)\n`;
  assert.is((await texinfoOutput.judge(added('doc/gpgrt.info-2', indexed), ctx))?.category, 'texinfo-output');
  // A NUL anywhere else is binary content, not a manual.
  assert.is(await texinfoOutput.judge(added('doc/gpgrt.info-2', `${indexed}\0\x7fELF`), ctx), undefined);
  assert.is(await texinfoOutput.judge(added('doc/gpgrt.info-2', `${info}\0\b[image src="x"\0\b]\n`), ctx), undefined);
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
