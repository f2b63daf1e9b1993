import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { poRefresh } from '../../src/analyze/rules/po-refresh.js';
import { context, modified } from './generated-context.js';

// Shaped after xz 5.4.1's po/fr.po: the tag holds the translators' file, the
// release the one msgmerge refreshed against the new template at `make dist`.
const tagPo = `# XZ Utils French Translation
msgid ""
msgstr ""
"Project-Id-Version: xz 5.2.4\\n"
"Report-Msgid-Bugs-To: lasse.collin@tukaani.org\\n"
"POT-Creation-Date: 2018-04-29 18:19+0300\\n"
"PO-Revision-Date: 2019-05-12 05:46+0200\\n"
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Bugs: Report translation errors to the Language-Team address.\\n"

#: src/xz/args.c:63
#, c-format
msgid "%s: Invalid argument to --block-list"
msgstr "%s : argument de --block-list invalide"

#: src/xz/coder.c:300
#, c-format
msgid "Adjusted the number of threads from %s to %s to not exceed the memory usage limit of %s MiB"
msgstr "Nombre de threads réduit de %s à %s pour ne pas dépasser la limite d'utilisation mémoire de %s MiB"

#: src/xz/file_io.c:173
msgid "Removed option"
msgstr "Option retirée"
`;

const releasePo = `# XZ Utils French Translation
msgid ""
msgstr ""
"Project-Id-Version: xz 5.2.4\\n"
"Report-Msgid-Bugs-To: xz@tukaani.org\\n"
"POT-Creation-Date: 2023-01-11 19:01+0200\\n"
"PO-Revision-Date: 2019-05-12 05:46+0200\\n"
"Language: fr\\n"
"X-Bugs: Report translation errors to the Language-Team address.\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#: src/xz/args.c:77
#, c-format
msgid ""
"%s: Invalid argument "
"to --block-list"
msgstr "%s : argument de --block-list invalide"

#: src/xz/args.c:701
msgid "Compression of lzip files (.lz) is not supported"
msgstr ""

#: src/xz/coder.c:309
#, fuzzy, c-format
#| msgid "Adjusted the number of threads from %s to %s to not exceed the memory usage limit of %s MiB"
msgid "Reduced the number of threads from %s to %s to not exceed the memory usage limit of %s MiB"
msgstr "Nombre de threads réduit de %s à %s pour ne pas dépasser la limite d'utilisation mémoire de %s MiB"

#~ msgid "Removed option"
#~ msgstr "Option retirée"
`;

test('a .po refreshed by msgmerge is explained: references, header dates, fuzzy guesses, obsolete entries, re-wrapping', async () => {
  const j = await poRefresh.judge(modified('po/fr.po', releasePo), context({ 'po/fr.po': tagPo }));
  assert.is(j?.category, 'po-refresh');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'all 1 translation in effect are unchanged');
  assert.match(j!.reasons[1]!, '2 new messages from the template (1 fuzzy');
  // The tag's guess now fuzzy and its obsolete entry: in effect in the tag, not in the release.
  assert.match(j!.reasons[2]!, '2 translations of the tag no longer in effect');
  assert.match(j!.reasons.join('\n'), 'Report-Msgid-Bugs-To, POT-Creation-Date');
});

test('a .po whose translation in effect changed is not explained', async () => {
  const ctx = context({ 'po/fr.po': tagPo });
  const edited = releasePo.replace('argument de --block-list invalide', 'argument invalide');
  assert.is(await poRefresh.judge(modified('po/fr.po', edited), ctx), undefined);
  // A new message translated outright (not fuzzy) would be compiled: not msgmerge's doing.
  const injected = releasePo.replace('is not supported"\nmsgstr ""', 'is not supported"\nmsgstr "pris en charge"');
  assert.is(await poRefresh.judge(modified('po/fr.po', injected), ctx), undefined);
  // Un-fuzzying the guess puts it in effect.
  assert.is(await poRefresh.judge(modified('po/fr.po', releasePo.replace('#, fuzzy, c-format', '#, c-format')), ctx), undefined);
  // A header field msgmerge does not touch.
  assert.is(await poRefresh.judge(modified('po/fr.po', releasePo.replace('charset=UTF-8', 'charset=ISO-8859-1')), ctx), undefined);
});

test('a refreshed .pot is explained only while it holds no translations', async () => {
  const pot = (extra: string) => `msgid ""\nmsgstr ""\n"POT-Creation-Date: ${extra}\\n"\n"Content-Type: text/plain; charset=CHARSET\\n"\n\n#: a.c:1\nmsgid "Hello"\nmsgstr ""\n`;
  const ctx = context({ 'po/x.pot': pot('2022-01-01 10:00+0000') });
  assert.is((await poRefresh.judge(modified('po/x.pot', pot('2023-01-01 10:00+0000')), ctx))?.category, 'po-refresh');
  const translated = pot('2023-01-01 10:00+0000').replace(/msgstr ""\n$/, 'msgstr "Salut"\n');
  assert.is(await poRefresh.judge(modified('po/x.pot', translated), ctx), undefined);
});

test('a file that is not PO syntax is not explained', async () => {
  const ctx = context({ 'po/fr.po': tagPo });
  const judged = Promise.resolve(poRefresh.judge(modified('po/fr.po', `${releasePo}\nexec sh -c 'id'\n`), ctx));
  await judged.then(
    (j) => assert.is(j, undefined),
    (err: Error) => assert.match(err.message, 'not PO syntax'),
  );
});

test.run();
