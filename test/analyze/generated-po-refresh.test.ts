import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { poRefresh } from '../../src/analyze/rules/po-refresh.js';
import { comparePo, sameAfterHeader, type Comparison } from '../../src/analyze/translations/against-tag.js';
import { catalogBuilder, headerEnd, headerFields, readPo } from '../../src/analyze/po.js';
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

test('an obsolete translation of the tag that msgmerge puts back in effect is explained, with its own text only (shadow 4.13)', async () => {
  const tag = `${tagPo}\n#~ msgid "13"\n#~ msgstr "13"\n\n#, fuzzy\n#~ msgid "14"\n#~ msgstr "quatorze"\n`;
  const back = (id: string, text: string) => `${releasePo}\n#: groupmod.8.xml.out:313\nmsgid "${id}"\nmsgstr "${text}"\n`;
  const ctx = context({ 'po/fr.po': tag });
  const j = await poRefresh.judge(modified('po/fr.po', back('13', '13')), ctx);
  assert.is(j?.category, 'po-refresh');
  assert.match(j!.reasons.join('\n'), '1 obsolete translation of the tag back in effect, the same text');
  assert.match(j!.reasons[1]!, '2 new messages from the template (1 fuzzy', 'a revived message is no new one');
  assert.is(await poRefresh.judge(modified('po/fr.po', back('13', 'treize')), ctx), undefined, 'another text');
  assert.is(await poRefresh.judge(modified('po/fr.po', back('14', 'quatorze')), ctx), undefined, 'a fuzzy obsolete entry was never in effect');
});

test("an empty Language msgmerge fills from the catalog's name is a refreshed field, and only that name (shadow 4.13)", async () => {
  const tag = tagPo.replace('"Language: fr\\n"', '"Language: \\n"');
  const ctx = (path: string) => context({ [path]: tag });
  const j = await poRefresh.judge(modified('po/fr.po', releasePo), ctx('po/fr.po'));
  assert.match(j!.reasons.join('\n'), 'header fields refreshed: Report-Msgid-Bugs-To, POT-Creation-Date, Language');
  assert.is(await poRefresh.judge(modified('po/pt_BR.po', releasePo), ctx('po/pt_BR.po')), undefined, 'another language than the name');
  const set = context({ 'po/fr.po': tagPo.replace('"Language: fr\\n"', '"Language: de\\n"') });
  assert.is(await poRefresh.judge(modified('po/fr.po', releasePo), set), undefined, 'a Language that was set');
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

// The release's catalog after a `make dist` that changed no message: msgmerge moved the template's date alone.
const dateOnly = tagPo.replace('2018-04-29 18:19+0300', '2023-01-11 19:01+0200');

const catalogOf = (text: string) => {
  const builder = catalogBuilder();
  readPo(Buffer.from(text, 'latin1'), builder.add);
  return builder.done();
};

/** What the rule compares, with the header as its fields (the entry objects differ). */
const shape = (c: Comparison | undefined) => c && { ...c, headerEntry: [...headerFields(c.headerEntry)] };

async function bothWays(release: string, tag: string) {
  const catalog = catalogOf(tag);
  const bytes = Buffer.from(release, 'latin1');
  return {
    short: shape(sameAfterHeader(bytes, Buffer.from(tag, 'latin1'), catalog)),
    full: shape(comparePo(bytes, catalog, false)),
  };
}

test('a .po whose header alone changed is judged without reading its entries, with the counts a full read gives', async () => {
  const { short, full } = await bothWays(dateOnly, tagPo);
  assert.ok(short, 'the header-only change takes the shortcut');
  assert.equal(short, full);
  assert.equal(short!.kept, 3);
  const j = await poRefresh.judge(modified('po/fr.po', dateOnly), context({ 'po/fr.po': tagPo }));
  assert.equal(j?.reasons, [
    'refreshed by msgmerge: all 3 translations in effect are unchanged from the tag',
    '0 new messages from the template (0 fuzzy, not compiled; 0 untranslated)',
    'header fields refreshed: POT-Creation-Date',
  ]);
  // The same refresh with one translation changed past the header: read in full, and not explained.
  const injected = dateOnly.replace('"Option retirée"', '"Option supprimée"');
  assert.is.not(injected, dateOnly);
  assert.is(await poRefresh.judge(modified('po/fr.po', injected), context({ 'po/fr.po': tagPo })), undefined);
});

test('the shortcut is not taken where what follows the header could read differently; where it is, it agrees with a full read', async () => {
  const header = (extra = '') => `# comment\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: x 1\\n"\n"POT-Creation-Date: ${extra || '2020'}\\n"\n`;
  const body = `\n#: a.c:1\nmsgid "One"\nmsgstr "Un"\n\n#: a.c:2\nmsgid "Two"\nmsgstr "Deux"\n`;
  // Each case is a tag, and whether the shortcut may be taken; its release is the tag with the template's date moved.
  const cases: Array<[string, string, boolean]> = [
    ['plain', header() + body, true],
    ['CRLF lines', (header() + body).replace(/\n/g, '\r\n'), true],
    ['the header is the whole file', header(), true],
    // readPo passes over blank lines: the string is the header's in both readings.
    ['a string after a blank line, still the header\'s', `${header()}\n"X-Extra: 1\\n"${body}`, true],
    ['a string after a comment: readPo adds it to the header, past where the header ends', `${header()}# note\n"X-Extra: 1\\n"${body}`, false],
    ['a comment between two of the header strings', header().replace('"POT', '# note\n"POT') + body, false],
    ['an obsolete string continues the header', `${header()}#~ "X: 1\\n"\n${body}`, false],
    ['a msgstr follows the header', `${header()}msgstr[1] "x"\n${body}`, false],
    ['a plural follows the header', `${header()}msgid_plural "x"\n${body}`, false],
    ['a flag comment between msgid and msgstr of the header', header().replace('msgstr ""', '#, fuzzy\nmsgstr ""') + body, false],
    ['the header has a string in its msgid', header().replace('msgid ""', 'msgid ""\n"x"') + body, false],
    ['the header has a context', `msgctxt "c"\n${header()}${body}`, false],
    ['an obsolete entry opens the file', `#~ msgid "Old"\n#~ msgstr "Vieux"\n${header()}${body}`, false],
    ['an obsolete entry follows the header', `${header()}\n#~ msgid "Old"\n#~ msgstr "Vieux"\n${body}`, true],
    ['a context follows the header', `${header()}\nmsgctxt "menu"\nmsgid "Open"\nmsgstr "Ouvrir"\n${body}`, true],
    ['a key in effect twice, two texts', `${header()}${body}\nmsgid "One"\nmsgstr "Une"\n`, false],
  ];
  for (const [name, tag, shortcut] of cases) {
    const release = tag.replace(/POT-Creation-Date: 2020/, 'POT-Creation-Date: 2023');
    assert.is.not(release, tag, name);
    const { short, full } = await bothWays(release, tag);
    assert.is(short !== undefined, shortcut, `${name}: shortcut ${shortcut ? '' : 'not '}expected`);
    if (short) assert.equal(short, full, name);
  }
  // A changed entry is read in full: flags, texts and new messages differ past the header.
  for (const change of ['msgstr "Deux"/msgstr "Zwei"', '#: a.c:2/#, fuzzy', 'msgid "Two"/msgid "Three"']) {
    const [from, to] = change.split('/') as [string, string];
    const tag = header() + body;
    const { short, full } = await bothWays(tag.replace('2020', '2023').replace(from, to), tag);
    assert.is(short, undefined, change);
    assert.ok(full, change);
  }
});

test('headerEnd: the offset of the line after the header, and only for a header whole in the window looked at', () => {
  const head = 'msgid ""\nmsgstr ""\n"A: 1\\n"\n';
  assert.is(headerEnd(Buffer.from(`${head}\n#: x\nmsgid "a"\nmsgstr "b"\n`)), head.length + 1);
  assert.is(headerEnd(Buffer.from(head)), head.length);
  assert.is(headerEnd(Buffer.from('#: x\nmsgid "a"\nmsgstr "b"\n')), undefined);
  // A header longer than the window is not cut short.
  const long = `msgid ""\nmsgstr ""\n${'"A: 1\\n"\n'.repeat(10_000)}\nmsgid "a"\nmsgstr "b"\n`;
  assert.is(headerEnd(Buffer.from(long)), undefined);
});

test.run();
