import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gunzipSync } from 'node:zlib';
import { renderHtml } from '../../src/cli/render/html/page.js';
import { buildTar, compress } from '../helpers/archives.js';
import { root, runCuckoo } from '../helpers/cli.js';
import { hostileName, hostileReport } from '../helpers/reports.js';

/**
 * The HTML report in a real browser: Debian's chromium, driven by
 * playwright-core (which downloads no browser of its own). CI installs
 * chromium (.ci/run), so there a missing browser fails the test; elsewhere it
 * is skipped with the reason printed.
 */
const executablePath = process.env.CUCKOO_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
const scratch = mkdtempSync(join(tmpdir(), 'cuckoo-browser-'));
const shots = process.env.CUCKOO_SCREENSHOTS ?? scratch;
let browser: Browser | undefined;
let url = '';

if (!available && process.env.CI !== 'true') {
  console.log(`html-browser: skipped, no browser at ${executablePath} (apt-get install chromium, or set CUCKOO_CHROMIUM)`);
}
const browserTest = available || process.env.CI === 'true' ? test : test.skip;

test.before(async () => {
  if (!available) return;
  const file = join(scratch, 'report.html');
  writeFileSync(file, renderHtml(await hostileReport()));
  url = pathToFileURL(file).href;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
});

test.after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The entries of a tar without its end-of-archive blocks, to append to. */
function tarBody(tar: Buffer): Buffer {
  let offset = 0;
  while (offset + 512 <= tar.length && tar.subarray(offset, offset + 512).some((b) => b !== 0)) {
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return tar.subarray(0, offset);
}

async function open(javaScriptEnabled = true, at = url): Promise<{ page: Page; problems: string[] }> {
  assert.ok(browser, `no browser at ${executablePath}: install Debian's chromium package`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  const problems: string[] = [];
  // Anything that runs from the report (alert) or loads from outside is a failure.
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
  await page.goto(at);
  return { page, problems };
}

const visible = (page: Page) => page.locator('.finding:visible').count();

browserTest('renders: verdict, chart, findings, and the hostile name as text; nothing runs or loads', async () => {
  const { page, problems } = await open();
  assert.is(await page.locator('.verdict .word').textContent(), 'FAIL');
  assert.ok(await page.locator('svg.chart rect').count() > 5, 'the summary chart has bars');
  assert.ok(await page.locator('.finding').first().isVisible());
  assert.ok((await page.locator('.finding.sev-critical .path').allTextContents()).includes('m4/<img src=x onerror=alert(1)>.m4'));
  assert.is(await page.locator('main img, main script').count(), 0, 'no element made from report text');
  assert.equal(problems, [], 'the inline script runs under the page policy, and nothing else does');
  await page.context().close();
});

browserTest('filters: severity and category checkboxes change the visible findings', async () => {
  const { page, problems } = await open();
  const total = await page.locator('.finding').count();
  assert.ok(await page.locator('.filters').isVisible(), 'filters shown once the script runs');
  // Explained findings start hidden on a release with findings that matter.
  const start = await visible(page);
  // Three critical, and the high configure that is not what its planted inputs now generate.
  assert.is(start, 4, 'the three critical findings and the high one');
  assert.match((await page.locator('#shown').textContent()) ?? '', new RegExp(`^4 of ${total} findings shown$`));
  await page.locator('.filters label', { hasText: /^low/ }).click();
  const withLow = await visible(page);
  assert.is(withLow, 4 + 28);
  await page.locator('.filters label', { hasText: 'Known file of the build tools' }).click();
  assert.is(await visible(page), withLow - 26);
  await page.locator('.filters label', { hasText: /^critical/ }).click();
  assert.is(await visible(page), withLow - 26 - 3);
  await page.locator('#show-all').click();
  assert.is(await visible(page), total);
  assert.equal(problems, []);
  await page.context().close();
});

browserTest('diffs switch between unified and side by side; folders of the tree fold', async () => {
  const { page } = await open();
  const finding = page.locator('.finding', { hasText: 'src/hello.c' });
  assert.ok(await finding.locator('table.diff.unified').isVisible());
  assert.not.ok(await finding.locator('table.diff.split').isVisible());
  await page.locator('#view-split').check();
  assert.ok(await finding.locator('table.diff.split').isVisible());
  assert.ok(await finding.locator('table.diff.split td.add', { hasText: '#include <stdlib.h>' }).isVisible());
  await page.locator('#view-unified').check();
  const folder = page.locator('.tree details', { has: page.locator('summary .folder', { hasText: /^build-aux\/$/ }) });
  assert.not.ok(await folder.locator('li.file').first().isVisible(), 'explained folders start folded');
  await folder.locator('summary').click();
  assert.ok(await folder.locator('li.file').first().isVisible());
  await page.context().close();
});

browserTest('reads without script: every finding shown, filters hidden', async () => {
  const { page } = await open(false);
  assert.is(await visible(page), await page.locator('.finding').count());
  assert.not.ok(await page.locator('.filters').isVisible());
  await page.context().close();
});

browserTest('a screenshot is a real picture', async () => {
  const { page } = await open();
  const file = join(shots, 'cuckoo-report.png');
  await page.screenshot({ path: file, fullPage: true });
  const png = readFileSync(file);
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.is(width, 1280);
  assert.ok(height > 900, `full page height ${height}`);
  assert.ok(png.length > 50_000, `${png.length} bytes: more than a blank page`);
  await page.context().close();
});

browserTest('end to end: a release carrying a file named like markup; the page shows the name and runs nothing', async () => {
  // The clean sample with one more file, named <img src=x onerror=alert(1)>.m4.
  const clean = gunzipSync(readFileSync(join(root, 'samples/hello-1.0.tar.gz')));
  const tar = buildTar([{ raw: tarBody(clean) }, { path: `hello-1.0/${hostileName}`, content: 'AC_DEFUN([X], [<script>alert(4)</script>])\n' }]);
  const dir = mkdtempSync(join(scratch, 'e2e-'));
  const release = join(dir, 'hello-1.0.tar.gz');
  writeFileSync(release, await compress(tar, 'gzip'));
  const page = join(dir, 'report.html');
  // No reproduction: the markup name is what the page must show as text, and reasons with markup are the fixture's above.
  const r = await runCuckoo(['verify', release, '--repo', 'samples/hello.bundle', '--no-host-knowledge', '--no-reproduce', '--quiet', '--format', 'text', '--format', `html=${page}`]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const text = readFileSync(page, 'utf8');
  assert.not.match(text, /<img/i);
  const opened = await open(true, pathToFileURL(page).href);
  assert.ok((await opened.page.locator('.finding .path').allTextContents()).includes(hostileName), 'the name shown as text');
  assert.ok(await opened.page.locator('.tree a', { hasText: '<img src=x onerror=alert(1)>.m4' }).count() === 1, 'and in the tree');
  assert.is(await opened.page.locator('main img, main script').count(), 0);
  assert.equal(opened.problems, []);
  await opened.page.context().close();
});

test.run();
