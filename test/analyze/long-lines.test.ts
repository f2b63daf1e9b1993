import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';

/*
 * Lines a hostile release or repository can hold, long enough that a pattern
 * whose time grows exponentially with a word, or with the square of a run of
 * blanks (tried from every blank of the run), would take minutes: each is read in a worker, so that such a
 * regression ends the test instead of hanging the run. The bound is hundreds
 * of times what the reading takes; it detects a hang, not a speed.
 */
const run = 200_000;
const blanks = ' \t'.repeat(run / 2);

async function inWorker<T>(modules: Record<string, string>, body: string): Promise<T | 'no answer'> {
  const urls = Object.fromEntries(Object.entries(modules).map(([k, p]) => [k, new URL(p, import.meta.url).href]));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     (async () => {
       const m = {};
       for (const [k, url] of Object.entries(workerData.urls)) m[k] = await import(url);
       parentPort.postMessage(await (${body})(m, workerData.blanks));
     })();`,
    { eval: true, workerData: { urls, blanks } },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return (await Promise.race([
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
      new Promise((resolve) => (timer = setTimeout(() => resolve('no answer'), 30_000))),
    ])) as T | 'no answer';
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

test('an assignment with a long word before a backslash or a stray quote is classified at once, not after an exponential search', async () => {
  // 2^60 steps for a 60-character word, had the pattern's plain words been taken whole inside its repetition.
  const word = 'a'.repeat(60);
  const out = await inWorker<Array<{ kind: string; why: string }>>({ a: '../../src/analyze/added-code.js' }, `(m) => {
    const word = ${JSON.stringify(word)};
    return ['x=' + word + '\\\\', 'x=' + word + '"', '_LT_TAGVAR(foo, $1)=' + word + "'", 'export y="q"' + word + '\\\\ z', 'a=1 b=' + word + "'c"].map((l) => m.a.classifyLine(l));
  }`);
  assert.ok(out !== 'no answer', 'classifyLine gave no answer');
  assert.equal(
    (out as Array<{ kind: string; why: string }>).map((c) => `${c.kind}: ${c.why.slice(0, 20)}`),
    ['command: runs `x=aaaaaaaaaaaa', 'command: runs `x=aaaaaaaaaaaa', 'command: runs `_LT_TAGVAR`', 'command: runs `export`', 'command: runs `b=aaaaaaaaaaaa'],
  );
});

test('a commit message with long runs of blanks is rendered as gitlog-to-changelog would, at once', async () => {
  const out = await inWorker<{ lines: string[]; coauthors: string[] }>({ g: '../../src/analyze/changelog/gitlog-format.js' }, `(m, b) => {
    const r = m.g.renderCommit('Subject' + b + 'end' + b + '\\n\\nBody' + b + '\\nCo-authored-by: A' + b + 'B' + b + '<a@example.org>');
    const show = (l) => l.length + ':' + l.slice(-18);
    return { lines: r.variants[0].map(show), coauthors: r.coauthors.map(show) };
  }`);
  assert.ok(out !== 'no answer', 'renderCommit gave no answer');
  const { lines, coauthors } = out as { lines: string[]; coauthors: string[] };
  // Trailing blanks go; the co-author's address gets two spaces before it in place of the blanks.
  assert.equal(lines, [`${7 + run + 3}:${blanks.slice(-15)}end`, '0:', '4:Body']);
  assert.equal(coauthors, [`${4 + 1 + run + 1 + 2 + 15}:B  <a@example.org>`]);
});

test("a bootstrap script's statement with a long run of blanks is read at once, its brackets cut", async () => {
  const out = await inWorker<string[][]>({ c: '../../src/reproduce/bootstrap/commands.js' }, `(m, b) =>
    m.c.scriptCommands('bootstrap.conf', '{ ./gen.sh' + b + 'x > lib/out.mk' + b + '}\\n', () => true).commands.map((c) => [c.script, ...c.args])`);
  assert.ok(out !== 'no answer', 'scriptCommands gave no answer');
  assert.equal(out, [['gen.sh', 'x']]);
});

test('an added case pattern with a long run of blanks before its ;; is compared at once', async () => {
  const out = await inWorker<string[]>({ a: '../../src/analyze/added-code.js' }, `(m, b) =>
    m.a.addedCode('m4/libtool.m4', 'case $host in\\nlinux*)\\n  ;;\\nesac\\n', 'case $host in\\nlinux* |' + b + 'gnu*)' + b + ';;\\nlinux*)\\n  ;;\\nesac\\n').lines.map((l) => l.kind)`);
  assert.ok(out !== 'no answer', 'addedCode gave no answer');
  assert.equal(out, ['branch']);
});

test("a catalog whose header's Project-Id-Version is long is refused at once", async () => {
  const out = await inWorker<string>({ c: '../../src/analyze/translations/catalog.js' }, `(m, b) => {
    // Over many lines of the header's string, each short enough to be a catalog's.
    const id = ('"' + '- '.repeat(2000) + '"\\n').repeat(20);
    const po = 'msgid ""\\nmsgstr ""\\n"Project-Id-Version: hello"\\n' + id + '"x\\\\n"\\n"Content-Type: text/plain; charset=UTF-8\\\\n"\\n';
    return m.c.readCatalog('po/fr.po', po, 'hello', 'fr');
  }`);
  assert.is(out, "its header's Project-Id-Version is 80006 characters long");
});

test("a ChangeLog in Mercurial's layout whose one changeset id ends a long entry is read in one pass, not once a paragraph", async () => {
  // 200,000 paragraphs before the id line: searched for it from each, the reading would take hours.
  const out = await inWorker<number>({ h: '../../src/analyze/changelog/hg-format.js' }, `(m) => {
    const body = [];
    for (let i = 0; i < 200000; i++) body.push('text ' + i, '');
    body.push('[0123456789ab]');
    const entry = { line: 1, date: '2024-01-01', author: 'A  <a@example.org>', tiny: false, coauthors: [], body, bodyLines: body.map((_, i) => i + 2) };
    return m.h.matchHgChangeLog([entry], []).unmatched.length;
  }`);
  assert.is(out, 200_001);
});

test.run();
