import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeMarkdown, renderMarkdown } from '../../src/cli/render/markdown.js';
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
  assert.match(md, /\*\*Explained \(36\):\*\* /);
  assert.not.match(md, /ABOUT-NLS/, 'explained files are counted, not listed');
  assert.match(renderMarkdown(await sampleReport('tampered'), { verbose: true }), /<details><summary>🟦 Low \(32\): explained<\/summary>[\s\S]*ABOUT-NLS/);
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
  assert.match(md, /\n… \d+ more not shown here \(\d+ medium, 2032 low, 2004 info\) to stay within 60000 characters/);
  const small = renderMarkdown(report, { verbose: false, budget: 5000 });
  assert.ok(small.length <= 5000, `${small.length} characters`);
  assert.match(small, /#### 🟥 m4/);
  assert.match(small, /… \d+ more not shown here \(\d+ medium\)/);
});

test.run();
