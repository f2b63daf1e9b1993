import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderHtml } from '../../src/cli/render/html/page.js';
import { escapeHtml } from '../../src/cli/render/html/escape.js';
import { summaryChart } from '../../src/cli/render/html/chart.js';
import { categoryInfo } from '../../src/report/finding.js';
import { hostileName, hostileReport, sampleReport } from '../helpers/reports.js';

test('one self-contained file: no external resource, nothing fetched', async () => {
  const page = renderHtml(await sampleReport('tampered'));
  assert.match(page, /^<!doctype html>/);
  assert.not.match(page, /\s(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no network URL in an attribute');
  assert.not.match(page, /url\(/i, 'no CSS url()');
  assert.not.match(page, /<link|<iframe|<object|<embed|<img/i);
  assert.not.match(page, /@import/);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1]?.replace(/&#39;/g, "'");
  assert.ok(csp, 'a content security policy');
  assert.match(csp!, /default-src 'none'/);
  assert.match(csp!, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.is(page.match(/<script>/g)?.length, 1, 'one inline script');
});

test('summary, findings with severity and category for the filters, the release-only tree', async () => {
  const report = await sampleReport('tampered');
  const page = renderHtml(report);
  assert.match(page, /<div class="verdict fail"><span class="word">FAIL<\/span>/);
  assert.match(page, /<svg class="chart" role="img"/);
  assert.is(page.match(/<details class="finding /g)?.length, report.findings.length);
  assert.match(page, /<details class="finding sev-critical" id="[^"]+" data-severity="critical" data-category="m4-lookalike" open>/);
  assert.match(page, /data-severity="low" data-category="known-good"><summary>/, 'explained findings start closed');
  // Provenance next to the explained file: its reasons and blob ids.
  assert.match(page, /identical to ABOUT-NLS of gettext/);
  assert.match(page, /<section id="tree"><h2>Files only in the release \(33\)<\/h2>/);
  assert.match(page, /<span class="folder">m4\/<\/span>/);
  assert.match(page, /<table class="diff unified">[\s\S]*<tr class="add"><td class="ln"><\/td><td class="ln">6<\/td><td class="code"><span class="mark">\+<\/span>#include &#60;stdlib.h&#62;<\/td><\/tr>/);
  assert.match(page, /<table class="diff split">/);
});

test('hostile names and reasons are shown as text, never as markup', async () => {
  const page = renderHtml(await hostileReport());
  assert.not.match(page, /<img/i);
  assert.not.match(page, /<script>alert/);
  assert.not.match(page, /onerror=alert\(1\)>/);
  assert.ok(page.includes(escapeHtml(hostileName)));
  assert.ok(page.includes('&#60;script&#62;alert(3)&#60;/script&#62;'), 'diff lines escaped');
  assert.ok(page.includes('&#34;quotes&#34; &#38; &#39;apostrophes&#39;'));
});

test('the same report renders to the same bytes', async () => {
  const report = await sampleReport('clean');
  assert.is(renderHtml(report), renderHtml(structuredClone(report)));
});

test('the chart leaves room for the longest category name on the left', async () => {
  const report = await sampleReport('tampered');
  const long = categoryInfo['generated-docs'].title;
  const extra = { ...report.findings[0]!, id: 'CKlonglabel0001', path: 'doc/api/index.html', category: 'generated-docs' as const, severity: 'low' as const };
  const chart = summaryChart({ ...report, findings: [...report.findings, extra] });
  const labels = [...chart.toString().matchAll(/<text x="(\d+)" y="\d+" text-anchor="end">([^<]+)<\/text>/g)];
  assert.ok(labels.some((m) => m[2] === long), 'the long label is drawn');
  // Right-aligned at x, a label starts at x minus its width: 0.55em a character is sans-serif's average at 12px.
  for (const [, x, label] of labels) assert.ok(Number(x) - label!.length * 12 * 0.55 >= 0, `${label} starts left of the chart at x=${x}`);
});

test("a signal carried from the tag's sources is marked as not counted", async () => {
  const report = await sampleReport('tampered');
  const m4 = report.findings.find((f) => f.path === 'm4/nls.m4')!;
  for (const s of m4.evidence.signals!) if (s.line === 35) s.fromTag = { path: 'Makefile.am', line: 3 };
  const page = renderHtml(report);
  assert.match(page, /<td class="ln">35<\/td><td>[\w-]+<br><small>not counted: Makefile\.am line 3 in the tag<\/small><\/td>/);
  assert.not.match(page, /<td class="ln">32<\/td><td>[\w-]+<br>/);
});

test.run();
