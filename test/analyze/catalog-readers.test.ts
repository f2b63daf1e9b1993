import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMo } from '../../src/analyze/mo.js';
import { catalogBuilder, isActive, obsoleteTranslations, parsePo, poCatalog, poHeader, poKey, primingInputs, readPo, type PoEntry } from '../../src/analyze/po.js';
import { mo } from '../helpers/mo.js';

// The PO and MO readers on their own: what each line shape gives, the line an
// error names, and the bytes of a catalog that nothing accounts for.

test('entries: header, context, plurals, continuation lines, fuzzy and obsolete entries', () => {
  const text = [
    '# a comment',
    'msgid ""',
    'msgstr ""',
    '"Project-Id-Version: x 1.0\\n"',
    '"Content-Type: text/plain; charset=UTF-8\\n"',
    '',
    '#: src/a.c:1',
    '#, c-format',
    'msgid "%s: done"',
    'msgstr "%s : fait"',
    '',
    '#, fuzzy, c-format',
    'msgctxt "menu"',
    'msgid ""',
    '"Open"',
    'msgstr "Ouvrir"',
    '',
    'msgid "one file"',
    'msgid_plural "%d files"',
    'msgstr[0] "un fichier"',
    'msgstr[1] "%d fichiers"',
    '',
    '#~| msgid "an older id"',
    '#~ msgid "gone"',
    '#~ msgstr "parti"',
    '#~ "!"',
  ].join('\n');
  assert.equal(parsePo(text), [
    { msgid: '', msgstr: ['Project-Id-Version: x 1.0\nContent-Type: text/plain; charset=UTF-8\n'], fuzzy: false, obsolete: false },
    { msgid: '%s: done', msgstr: ['%s : fait'], fuzzy: false, obsolete: false },
    { msgctxt: 'menu', msgid: 'Open', msgstr: ['Ouvrir'], fuzzy: true, obsolete: false },
    { msgid: 'one file', msgidPlural: '%d files', msgstr: ['un fichier', '%d fichiers'], fuzzy: false, obsolete: false },
    { msgid: 'gone', msgstr: ['parti!'], fuzzy: false, obsolete: true },
  ]);
  const entries = parsePo(text);
  assert.equal(entries.map(isActive), [false, true, false, true, false]);
  assert.equal(poKey(entries[2]!), 'menu\u0004Open');
  assert.equal(poKey(entries[3]!), 'one file\0%d files');
  assert.equal([...poCatalog(entries).active], [
    ['%s: done', '%s : fait'],
    ['one file\0%d files', 'un fichier\0%d fichiers'],
  ]);
  assert.equal(poHeader(entries).get('Content-Type'), 'text/plain; charset=UTF-8');

  // One at a time (readPo), the same entries in the same order; a catalog built from them keeps maps, not entries.
  const streamed: PoEntry[] = [];
  const builder = catalogBuilder();
  readPo(text, (e) => {
    streamed.push(e);
    builder.add(e);
  });
  assert.equal(streamed, entries);
  const catalog = builder.done();
  assert.equal(catalog, poCatalog(entries));
  assert.equal([...catalog.known], ['', '%s: done', 'menu\u0004Open', 'one file\0%d files'], 'every entry not obsolete, translated or not');
  assert.equal(catalog.header.get('Project-Id-Version'), 'x 1.0');
  assert.equal(Object.keys(catalog).sort(), ['active', 'activeEntries', 'header', 'known']);
  assert.equal([...obsoleteTranslations(Buffer.from(text))], [['gone', 'parti!']], 'obsolete translations, which msgmerge may put back in effect');
  assert.is(catalog.activeEntries, catalog.active.size, 'one entry per key in effect');
});

test('read from its bytes, a catalog gives what its latin1 text gives, whatever falls on a piece boundary', () => {
  // Entries of every shape, long lines (past the 64 KiB a piece holds), latin1 bytes, CRLF.
  const entry = (i: number) =>
    [
      i % 7 === 0 ? '#, fuzzy' : '#: src/a.c:1',
      i % 5 === 0 ? `msgctxt "ctx ${i}"` : '',
      `msgid "message ${i} \\"quoted\\""`,
      i % 3 === 0 ? `msgid_plural "messages ${i}"\r\nmsgstr[0] "un ${i}"\nmsgstr[1] "plusieurs ${i}"` : `msgstr ""\n"caf\xe9 ${i} "\n"${'x'.repeat(i % 11 === 0 ? 70_000 : 40)}"`,
      i % 13 === 0 ? `#~ msgid "old ${i}"\n#~ msgstr "vieux ${i}"` : '',
      '',
    ]
      .filter((l, k) => l !== '' || k === 5)
      .join('\n');
  const text = `msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n${Array.from({ length: 3000 }, (_, i) => entry(i)).join('\n')}`;
  const bytes = Buffer.from(text, 'latin1');
  assert.ok(bytes.length > 4 * 64 * 1024, 'several pieces');
  const fromBytes: PoEntry[] = [];
  readPo(bytes, (e) => fromBytes.push(e));
  assert.equal(fromBytes, parsePo(text));
  assert.is(fromBytes.length, 3001 + Math.floor(2999 / 13) + 1);
  // A string longer than a piece, and the entries around it, whole.
  const at = fromBytes.findIndex((e) => e.msgid === 'message 11 "quoted"');
  assert.equal(fromBytes[at]!.msgstr, [`caf\xe9 11 ${'x'.repeat(70_000)}`]);
  assert.equal(fromBytes[at - 1]!.msgid, 'message 10 "quoted"');
  assert.equal(fromBytes[at + 1]!.msgid, 'message 12 "quoted"');
  // An error names the same line either way, and the right one.
  const broken = `${text}\nmsgstr oops\n`;
  const lineOf = (f: () => void) => {
    try {
      f();
    } catch (err) {
      return (err as Error).message;
    }
    return 'no error';
  };
  assert.is(lineOf(() => readPo(Buffer.from(broken, 'latin1'), () => {})), lineOf(() => parsePo(broken)));
  assert.is(lineOf(() => parsePo(broken)), `line ${broken.split('\n').indexOf('msgstr oops') + 1} is not PO syntax`);
});

test('readPo hands over the entries before a line that is not PO syntax, then throws naming it', () => {
  const seen: string[] = [];
  assert.throws(
    () => readPo('msgid "a"\nmsgstr "x"\n\nmsgid "b"\nmsgstr "y"\n\nmsgid "c"\nmsgstr oops\n', (e) => seen.push(e.msgid)),
    /line 8 is not PO syntax/,
  );
  assert.equal(seen, ['a', 'b']);
});

test('white space: CRLF, indentation, tabs and a latin1 no-break space around a line are trimmed; inside a string they are kept', () => {
  const text = 'msgid "a b"\r\n  msgstr\t"x\u00a0y"  \r\n\t"z"\u00a0\r\n#~\r\n#~   \r\n';
  assert.equal(parsePo(text), [{ msgid: 'a b', msgstr: ['x\u00a0yz'], fuzzy: false, obsolete: false }]);
  assert.equal(parsePo('msgid "a"\nmsgstr "b"'), [{ msgid: 'a', msgstr: ['b'], fuzzy: false, obsolete: false }], 'no newline at the end');
  assert.equal(parsePo(''), []);
  assert.equal(parsePo('\n\n  \n'), []);
});

test('escapes are resolved; an unknown one is kept as written', () => {
  const entries = parsePo('msgid "q\\"t\\tn\\nb\\\\"\nmsgstr "\\q\\a\\v"\n');
  assert.equal(entries[0]!.msgid, 'q"t\tn\nb\\');
  assert.equal(entries[0]!.msgstr, ['\\q\u0007\v']);
  assert.equal(parsePo('msgid "ends in a backslash \\\\"\nmsgstr ""\n')[0]!.msgid, 'ends in a backslash \\');
});

test('a line that is not PO syntax is an error naming its line', () => {
  const cases: Array<[string, number]> = [
    ['msgid "unterminated\nmsgstr ""\n', 1],
    ['msgid "a"\nmsgstr "b" trailing\n', 2],
    ['msgid "a"\nmsgstr "b"c"\n', 2],
    ['msgid "a"\nmsgstr "b\\"\n', 2],
    ['msgid "a"\nmsgstr[x] "b"\n', 2],
    // The bracket closes on a later line: that is not this line's index.
    ['msgid "a"\nmsgstr[0 "b"\n"]"\n', 2],
    ['msgidfoo "a"\n', 1],
    ['msgid\n', 1],
    ['msgid "a"\nmsgstr\n"b"\n', 2],
    ['\n\n#, fuzzy\nplain text\n', 4],
    ['#~ msgid "a"\n#~ junk\n', 2],
  ];
  for (const [text, line] of cases) {
    assert.throws(() => parsePo(text), (err: Error) => err.message === `line ${line} is not PO syntax`, JSON.stringify(text));
  }
  assert.throws(() => parsePo('"a string before any keyword"\n'), /string outside an entry/);
});

test('a fuzzy flag is a word of a flags comment, and marks the next entry only', () => {
  const entries = parsePo('#, fuzzy\nmsgid "a"\nmsgstr "b"\n\n#, c-format\n# fuzzy in a translator comment\nmsgid "c"\nmsgstr "d"\n\n#, nofuzzy\nmsgid "e"\nmsgstr "f"\n');
  assert.equal(entries.map((e) => e.fuzzy), [true, false, false]);
});

test('the catalog the reader is primed with parses, as string or bytes of either width, and takes the branches it is there for', () => {
  const inputs = primingInputs();
  assert.is(inputs.length, 4);
  const kinds = inputs.map((i) => (typeof i === 'string' ? (/[^\x00-\xff]/.test(i) ? 'wide string' : 'latin1 string') : 'bytes'));
  assert.equal(kinds, ['latin1 string', 'wide string', 'bytes', 'bytes']);
  for (const input of inputs) {
    const entries: PoEntry[] = [];
    readPo(input, (e) => entries.push(e));
    assert.is(entries.length, 6);
    const [header, context, plural, fuzzy, empty, obsolete] = entries as [PoEntry, PoEntry, PoEntry, PoEntry, PoEntry, PoEntry];
    assert.is(header.msgid, '');
    assert.ok(header.fuzzy);
    assert.equal(context, { msgctxt: 'menubar', msgid: 'a\tb', msgstr: ['x"y\\q'], fuzzy: false, obsolete: false });
    assert.is(plural.msgidPlural, 'many');
    assert.is(plural.msgstr.length, 2);
    // The no-break space after the continued string is trimmed (latin1 text), or is not there (the wide one).
    assert.match(plural.msgstr[1]!, /^des\\ su(ite|\u2013ite|\xe2\x80\x93ite)$/);
    assert.ok(fuzzy.fuzzy && !isActive(fuzzy));
    assert.equal(empty.msgstr, ['']);
    assert.ok(obsolete.obsolete);
  }
});

test('MO: every byte a table, string or hash slot claims is accounted for; the rest is counted, in the middle or at the end', () => {
  const pairs: Array<[string, string]> = [
    ['', 'Content-Type: text/plain; charset=UTF-8\n'],
    ['Hello', 'Bonjour'],
    ['World', 'Monde'],
  ];
  const whole = mo(pairs);
  const read = parseMo(whole);
  assert.equal([...read.pairs], pairs);
  assert.is(read.unaccounted, 0);
  assert.is(parseMo(Buffer.concat([whole, Buffer.alloc(7, 0x41)])).unaccounted, 7);
  // The table says "Bonjour" is 5 bytes long: its claim (5 bytes and a NUL) stops short of "r" and the real NUL.
  const shortened = Buffer.from(whole);
  const translations = shortened.readUInt32LE(16);
  assert.is(shortened.readUInt32LE(translations + 8), 'Bonjour'.length);
  shortened.writeUInt32LE('Bonjour'.length - 2, translations + 8);
  const gap = parseMo(shortened);
  assert.is(gap.pairs.get('Hello'), 'Bonjo');
  assert.is(gap.unaccounted, 2);
  assert.is(parseMo(Buffer.concat([shortened, Buffer.alloc(3)])).unaccounted, 5);
});

test('MO: a string table running past the end of the file is refused; an empty one is not read, wherever it points', () => {
  const whole = mo([
    ['', 'Content-Type: text/plain; charset=UTF-8\n'],
    ['Hello', 'Bonjour'],
  ]);
  const tooMany = Buffer.from(whole);
  tooMany.writeUInt32LE(1000, 8);
  assert.throws(() => parseMo(tooMany), /outside the file/);
  const empty = Buffer.from(whole);
  empty.writeUInt32LE(0, 8);
  empty.writeUInt32LE(0xfffffff0, 12);
  empty.writeUInt32LE(0xfffffff0, 16);
  const read = parseMo(empty);
  assert.is(read.pairs.size, 0);
  // The tables and strings no longer claimed are counted, as any other spare bytes.
  assert.ok(read.unaccounted > 0);
});

test('MO revision 1: a system-dependent string reads with its segment named as the .po spells it, every byte accounted for', () => {
  // Laid out by hand (gettext's gmo.h): a 48-byte header, no static strings,
  // one segment ("PRIu64") and one pair of system-dependent strings.
  const end = 0xffffffff;
  const words = [
    0x950412de, 1, 0, 48, 48, 0, 48, // magic, revision 0.1, no static strings, no hash table
    1, 48, 1, 56, 60, // one segment (table at 48), one pair (tables at 56 and 60)
    7, 104, // the segment table: "PRIu64" at 104
    64, 84, // where each string of the pair is described
    112, 2, 0, 3, end, // original: "a " then the segment, then " b" and its NUL
    117, 2, 0, 3, end, // translation: "x " then the segment, then " y" and its NUL
  ];
  const head = Buffer.alloc(4 * words.length);
  words.forEach((w, i) => head.writeUInt32LE(w, 4 * i));
  assert.is(head.length, 104);
  // The segment's length (7) counts its NUL, and the reader claims one byte past a string: the
  // name takes 104 to 111, and its trailing NULs are dropped.
  const bytes = Buffer.concat([head, Buffer.from('PRIu64\0\0a  b\0x  y\0', 'latin1')]);
  assert.is(bytes.length, 122);
  const read = parseMo(bytes);
  assert.equal([...read.pairs], [['a <PRIu64> b', 'x <PRIu64> y']]);
  assert.is(read.unaccounted, 0);
});

test.run();
