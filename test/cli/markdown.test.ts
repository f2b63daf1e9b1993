import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeMarkdown, renderMarkdown } from '../../src/cli/render/markdown.js';
import type { Drift } from '../../src/report/drift.js';
import { hostileReport, hugeReport, sampleReport } from '../helpers/reports.js';

test('verdict and counts as a table, critical findings with every reason, diffs folded', async () => {
  const md = renderMarkdown(await sampleReport('tampered'), { verbose: false });
  assert.match(md, /^## ❌ cuckoo: FAIL · hello-1\.0\.tar\.gz against v1\.0\n/);
  assert.match(md, /\| \*\*Verdict\*\* \| \*\*FAIL\*\* \(fails at high and above\) \|/);
  assert.match(md, /\| \*\*Files\*\* \| 17 identical · 33 only in release/);
  assert.match(md, /#### 🟥 m4/);
  assert.match(md, /- serial 60 is higher than any known nls\.m4/);
  assert.match(md, /32: gt_nls_data=/, 'the lines that raised signals');
  assert.match(md, /<details><summary>diff: \+4 −0<\/summary>\n\n```diff\n@@ -3,6 \+3,7 @@/);
  assert.match(md, /\*\*Explained \(35\):\*\* /);
  assert.not.match(md, /ABOUT-NLS/, 'explained files are counted, not listed');
  assert.match(renderMarkdown(await sampleReport('tampered'), { verbose: true }), /<details><summary>🟦 Low \(28\): explained<\/summary>[\s\S]*ABOUT-NLS/);
});

test('a clean release is a short pass', async () => {
  const md = renderMarkdown(await sampleReport('clean'), { verbose: false });
  assert.match(md, /^## ✅ cuckoo: PASS/);
  assert.ok(md.split('\n').length < 20, md);
});

test('paths and reasons cannot break the table, open code spans or carry HTML', async () => {
  assert.is(escapeMarkdown('a|b `c` <img src=x onerror=alert(1)>'), 'a\\|b \\`c\\` &lt;img src=x onerror=alert(1)&gt;');
  const md = renderMarkdown(await hostileReport(), { verbose: true });
  assert.not.match(md, /<img/);
  assert.not.match(md, /<script>alert\(2\)/);
  assert.match(md, /#### 🟥 m4\/&lt;img src=x onerror=alert\(1\)&gt;\.m4/);
  assert.match(md, /- a \\\| pipe, a \\`code span\\`, &lt;script&gt;/);
  // A diff holding ``` gets a longer fence, so it cannot close the block early.
  assert.match(md, /````diff\n@@ -0,0 \+1,2 @@\n\+<script>alert\(3\)<\/script>\n\+``` fence breaker\n````/);
  for (const row of md.split('\n').filter((l) => l.startsWith('| '))) {
    const cells = row.replace(/\\\|/g, '').split('|').length - 2;
    assert.ok(cells === 2 || cells === 4, `row with ${cells} cells: ${row}`);
  }
});

test('stays within the budget, dropping lower-severity detail first with a "… N more" line', async () => {
  const report = await hugeReport(2000);
  const md = renderMarkdown(report, { verbose: true });
  assert.ok(md.length <= 60_000, `${md.length} characters`);
  assert.match(md, /#### 🟥 m4/, 'critical findings stay');
  assert.match(md, /src\/hello\.c/);
  assert.match(md, /\n… \d+ more not shown here \(\d+ medium, 2028 low, 2007 info\) to stay within 60000 characters/);
  const small = renderMarkdown(report, { verbose: false, budget: 5000 });
  assert.ok(small.length <= 5000, `${small.length} characters`);
  assert.match(small, /#### 🟥 m4/);
  assert.match(small, /… \d+ more not shown here \(\d+ medium\)/);
});

test('notes, drift notes and drift items count against the budget too; the notes left out are counted', async () => {
  const long = 'x'.repeat(90);
  // 1,000 stale policy rules, worded as waive() words them, and 800 pairs of colliding names.
  const stale = Array.from({ length: 1000 }, (_, i) => `policy cuckoo.json: rule allow[${i}] matched no finding and can go ("reviewed in 2023, ${long}")`);
  const collisions = Array.from({ length: 800 }, (_, i) => `src/File${i}.c and src/file${i}.c are one file on case-insensitive file systems (macOS, Windows): ${long}`);
  const report = await sampleReport('tampered');
  report.notes.push(...stale);
  const md = renderMarkdown(report, { verbose: false });
  assert.ok(md.length < 60_000, `${md.length} characters`);
  assert.match(md, /#### 🟥 m4/, 'critical findings stay');
  assert.match(md, /> policy cuckoo\.json: rule allow\\\[0\\\] matched no finding/, 'the first notes are shown, escaped');
  const shown = md.match(/^> policy cuckoo\.json: rule allow/gm)!.length;
  assert.ok(shown > 100 && shown < 1000, `${shown} notes shown`);
  assert.match(md, new RegExp(`\\n… ${1000 - shown} more notes not shown here to stay within 60000 characters; the JSON report lists every note\\.\\n$`));
  assert.ok(md.indexOf('**Explained (35):**') > 0, 'the closing lines stay');

  // Everything at once: thousands of findings, drift items and drift notes, notes, one enormous note.
  const all = await hugeReport(2000);
  all.notes.push('y'.repeat(200_000), ...collisions, ...stale);
  const items = Array.from({ length: 3000 }, (_, i) => ({
    id: `D${i}`,
    kind: 'release-only-changed' as const,
    path: `gen/drift/file-${i}.c`,
    severity: (i % 100 === 0 ? 'high' : 'low') as 'high' | 'low',
    reasons: [`changed since the previous release, ${long}`],
    evidence: { diff: '@@ -1 +1 @@\n-a\n+b', added: 1, removed: 1 },
  }));
  const drift: Drift = {
    previous: { source: 'hello-0.9.tar.gz', sha256: '0'.repeat(64), format: 'tar.gz', prefix: 'hello-0.9/', entries: 40 },
    previousTag: { ref: 'v0.9', commit: '1'.repeat(40), annotated: false },
    counts: { 'newly-release-only': 0, 'release-only-changed': items.length, 'no-longer-release-only': 0, 'generator-changed': 0, 'binary-changed-in-git': 0 },
    items,
    notes: collisions,
  };
  all.drift = drift;
  for (const budget of [60_000, 20_000, 8_000]) {
    const out = renderMarkdown(all, { verbose: true, ...(budget === 60_000 ? {} : { budget }) });
    assert.ok(out.length <= budget, `${out.length} characters for a budget of ${budget}`);
    assert.match(out, /#### 🟥 m4/);
    assert.match(out, /… \d+ more not shown here \(/);
    assert.match(out, /… drift cut to stay within/);
    assert.match(out, /… \d+ more notes not shown here/);
    assert.not.match(out, /y{1001}/, 'one note is cut, not the room of all');
  }
});

test.run();
