import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze } from '../../src/analyze/analyze.js';
import type { AnalysisContext, Rule } from '../../src/analyze/rule.js';
import { translationCatalog } from '../../src/analyze/rules/translation-catalog.js';
import { catalogThread } from '../../src/analyze/translations/catalog-thread.js';
import type { TranslationSource } from '../../src/analyze/translations/source.js';
import type { Change } from '../../src/compare/change.js';
import type { Finding } from '../../src/report/finding.js';
import { mo } from '../helpers/mo.js';
import { ctxWith, po } from './catalog-fixture.js';
import { added } from './generated-context.js';

// Downloaded catalogs of every kind the rule tells apart, with their .gmo where msgfmt would write one.
const catalog = (lang: string, body = '') => po(`hello 2.1-pre1`, body).replace('Language: fr', `Language: ${lang}`);
const gmo = (pairs: Array<[string, string]>) => mo([['', 'Project-Id-Version: hello 2.1-pre1\n'], ...pairs]);
const good = gmo([['Hello, %s!', 'Bonjour, %s !'], ['Goodbye', 'Au revoir']]);
const release: Record<string, string | Buffer> = {
  'po/LINGUAS': 'ca cs da de eo es fr gl\n',
  'po/ca.po': catalog('ca'),
  'po/ca.gmo': good,
  'po/cs.po': catalog('cs'),
  // A translation the .po does not have.
  'po/cs.gmo': gmo([['Goodbye', 'rm -rf ~']]),
  'po/da.po': catalog('da', '\nmsgid "x"\nmsgstr "$(echo aGk= | base64 -d | sh)"\n'),
  'po/de.po': catalog('de'),
  // A table that points past the end of the file: reading it throws.
  'po/de.gmo': good.subarray(0, good.length - 6),
  'po/eo.po': `${catalog('eo')}\nthis is not po\n`,
  'po/es.po': catalog('es'),
  'po/es.gmo': good,
  'po/fr.po': po('textutils 2.0.22'),
  'po/gl.po': catalog('gl'),
};
const changes = (): Change[] => Object.keys(release).sort().map((path) => added(path, release[path]!));
const languages = Object.keys(release).filter((p) => p.endsWith('.po')).length;

async function run(options: { workerFrom: number; file?: string }, extra: Partial<AnalysisContext> = {}): Promise<Finding[]> {
  const saved = { ...catalogThread };
  Object.assign(catalogThread, options);
  try {
    return await analyze(changes(), ctxWith(release, undefined, extra));
  } finally {
    Object.assign(catalogThread, { workerFrom: saved.workerFrom, file: saved.file });
  }
}

const counts = () => ({ started: catalogThread.started, answered: catalogThread.answered, here: catalogThread.answeredHere });

test('catalogs read by a worker thread are judged as when read in this thread', async () => {
  const alone = await run({ workerFrom: Infinity });
  const before = counts();
  const withWorker = await run({ workerFrom: 0 });
  const after = counts();
  assert.equal(withWorker, alone);
  // Every catalog kind is among the findings: explained, a .gmo with a planted translation, code, not PO, another package, a .gmo that throws.
  const byPath = new Map(alone.map((f) => [f.path, f]));
  assert.is(byPath.get('po/ca.gmo')?.category, 'translation-catalog');
  assert.is(byPath.get('po/ca.po')?.category, 'translation-catalog');
  assert.is.not(byPath.get('po/cs.gmo')?.category, 'translation-catalog');
  assert.match(byPath.get('po/da.po')!.reasons.join('\n'), 'reads like build code');
  assert.match(byPath.get('po/de.gmo')!.reasons.join('\n'), 'rule translation-catalog could not run: MO data at');
  assert.match(byPath.get('po/eo.po')!.reasons.join('\n'), 'not PO syntax');
  assert.match(byPath.get('po/fr.po')!.reasons.join('\n'), 'its header names "textutils 2.0.22"');
  // One worker; each catalog answered once, by it or by this thread while it waited. de.po's answer is
  // the worker's error (its .gmo throws), so the rule read it here: not counted.
  assert.is(after.started - before.started, 1);
  assert.ok(after.answered - before.answered >= 1, 'the worker answered none');
  assert.is(after.answered - before.answered + (after.here - before.here), languages - 1);
});

test('while it waits for an answer, this thread reads the catalogs the worker has not been handed', async () => {
  const alone = await run({ workerFrom: Infinity });
  const before = counts();
  const slow = await run({ workerFrom: 0, file: fileURLToPath(new URL('../helpers/slow-catalog-worker.js', import.meta.url)) });
  const after = counts();
  assert.equal(slow, alone);
  // Four went to the worker at once; this thread read the others from the end of the queue while it waited for the first.
  assert.ok(after.here - before.here >= 1, 'this thread read none');
  assert.ok(after.answered - before.answered >= 1, 'the worker answered none');
  assert.is(after.answered - before.answered + (after.here - before.here), languages - 1);
});

test('a worker that cannot start leaves the catalogs to this thread, with the same judgements', async () => {
  const alone = await run({ workerFrom: Infinity });
  const before = counts();
  const failed = await run({ workerFrom: 0, file: '/nonexistent/catalog-worker.js' });
  const after = counts();
  assert.equal(failed, alone);
  assert.is(after.started - before.started, 1);
  assert.is(after.answered - before.answered, 0);
});

test('no worker below the threshold, nor when catalogs are compared with the published ones', async () => {
  const before = counts();
  await run({ workerFrom: 1024 * 1024 });
  const source = { base: 'https://translationproject.org', published: async () => undefined } as unknown as TranslationSource;
  const saved = catalogThread.workerFrom;
  catalogThread.workerFrom = 0;
  try {
    // Comparing needs the entries, which a worker does not hand back.
    assert.is(await translationCatalog.prepare!(changes(), ctxWith(release, undefined, { translations: source })), undefined);
  } finally {
    catalogThread.workerFrom = saved;
  }
  assert.equal(counts(), before);
  // A release without catalogs it could have downloaded: the tag's setup is not even read.
  const reads: string[] = [];
  const plain = ctxWith({ 'src/main.c': 'int main;\n' });
  const tagContent = plain.tagContent;
  plain.tagContent = (entry) => (reads.push(entry.path), tagContent.call(plain, entry));
  assert.is(await translationCatalog.prepare!([added('src/main.c', 'int main;\n')], plain), undefined);
  assert.equal(reads, []);
});

test("a rule's prepare is awaited before the first judgement and ended after the last; one that throws is passed over", async () => {
  const events: string[] = [];
  const rules: Rule[] = [
    { name: 'broken', changes: ['only-in-release'], prepare: async () => Promise.reject(new Error('no')), judge: () => undefined },
    {
      name: 'throws',
      changes: ['only-in-release'],
      prepare: () => {
        throw new Error('at once');
      },
      judge: () => undefined,
    },
    {
      name: 'ahead',
      changes: ['only-in-release'],
      prepare: async () => {
        events.push('prepare');
        return async () => void events.push('end');
      },
      judge: (change) => (events.push(`judge ${change.path}`), { category: 'translation-catalog', severity: 'low', reasons: ['ok'] }),
    },
  ];
  const findings = await analyze([added('a', 'x'), added('b', 'y')], ctxWith({ a: 'x', b: 'y' }), { rules });
  assert.equal(events, ['prepare', 'judge a', 'judge b', 'end']);
  assert.is(findings.length, 2);
});

test.run();
