import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { colors, wantColor } from '../../src/cli/colors.js';
import { renderText, type TextOptions } from '../../src/cli/render/text.js';
import { visibleLength, wrapLine } from '../../src/cli/render/wrap.js';
import type { Report } from '../../src/report/report.js';
import { runCuckooHere } from '../helpers/cli.js';
import { hugeReport, sampleReport } from '../helpers/reports.js';

const plain = (width: number, more: Partial<TextOptions> = {}): TextOptions => ({ colors: colors(false), verbose: false, quiet: false, diffLines: 40, width, ...more });
const lines = (report: Report, options: TextOptions) => renderText(report, options).trimEnd().split('\n');

test('colour only on a terminal: NO_COLOR wins, FORCE_COLOR forces, dumb terminals get none', () => {
  assert.ok(wantColor({ isTTY: true }, {}));
  assert.not.ok(wantColor({ isTTY: false }, {}));
  assert.not.ok(wantColor({ isTTY: true }, { NO_COLOR: '1' }));
  assert.not.ok(wantColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }));
  assert.ok(wantColor({ isTTY: false }, { FORCE_COLOR: '1' }));
  assert.not.ok(wantColor({ isTTY: true }, { FORCE_COLOR: '0' }));
  assert.not.ok(wantColor({ isTTY: true }, { TERM: 'dumb' }));
  assert.ok(wantColor({ isTTY: true }, { NO_COLOR: '' }), 'an empty NO_COLOR does not count (no-color.org)');
});

test('a text report written to a file has no colour, even with FORCE_COLOR', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cuckoo-terminal-'));
  const args = ['verify', 'samples/tampered/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--no-host-knowledge'];
  const r = await runCuckooHere([...args, '--format', `text=${join(dir, 'r.txt')}`, '--format', 'markdown'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.is(r.code, 1, r.stderr);
  assert.not.match(readFileSync(join(dir, 'r.txt'), 'utf8'), '\x1b[');
  assert.not.match(r.stdout, '\x1b[', 'Markdown on stdout has no colour either');
  const painted = await runCuckooHere([...args, '--quiet'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.match(painted.stdout, '\x1b[');
  rmSync(dir, { recursive: true, force: true });
});

for (const width of [60, 80, 120]) {
  test(`every line fits a ${width}-column terminal, colours included`, async () => {
    for (const report of [await sampleReport('clean'), await sampleReport('tampered'), await hugeReport(50)]) {
      for (const verbose of [false, true]) {
        for (const line of lines(report, { ...plain(width, { verbose }), colors: colors(true) })) {
          const longWord = line.trim().split(' ').some((w) => visibleLength(w) > width - 12);
          assert.ok(visibleLength(line) <= width || longWord, `${visibleLength(line)} > ${width}: ${line}`);
        }
      }
    }
  });
}

test('wrapping keeps words whole and continues under the line\'s indent', () => {
  assert.equal(wrapLine('      · one two three four', 16), ['      · one two', '        three', '        four']);
  assert.equal(wrapLine('tag      v1.0 in some/repo', 18), ['tag      v1.0 in', '         some/repo']);
  assert.equal(wrapLine('short', 80), ['short']);
});

test('a clean release fits on one screen (24 lines of 80 columns)', async () => {
  const out = lines(await sampleReport('clean'), plain(80));
  assert.ok(out.length <= 24, `${out.length} lines:\n${out.join('\n')}`);
  assert.match(out.join('\n'), /^PASS /m);
});

test('a critical finding shows its reasons and the lines that matter before any noise', async () => {
  const report = await hugeReport(300);
  const out = lines(report, plain(80));
  const text = out.join('\n');
  const critical = out.findIndex((l) => l.startsWith('CRITICAL'));
  // After the header, the verdict, the counts and what reproduction proved (two lines at 80 columns).
  assert.ok(critical >= 0 && critical < 14, `the CRITICAL section starts at line ${critical}`);
  const medium = out.findIndex((l) => l.startsWith('MEDIUM'));
  assert.ok(medium > critical, 'medium findings come after the critical ones');
  const before = out.slice(critical, medium).join('\n');
  assert.match(before, /m4\/nls\.m4 +only in release/);
  assert.match(before, /serial 60 is higher than any known nls\.m4/);
  assert.match(before, /32 │ gt_nls_data=`LC_ALL=C grep -aErls/, 'the build-code lines that raised signals');
  assert.match(before, /35 │ LC_ALL=C sed/);
  assert.match(before, /\+#include <stdlib\.h>/, 'the diff lines of the modified source');
  assert.not.match(before, /gen\//, 'no generated noise in between');
  // 600 explained findings are one line without --verbose.
  assert.is(out.filter((l) => /known-good/.test(l)).length, 1);
  assert.match(text, /LOW, INFO \(635\): /);
});

test('--quiet is the verdict line alone', async () => {
  const out = lines(await sampleReport('tampered'), plain(100, { quiet: true }));
  assert.equal(out, ['FAIL  2 critical · 1 high · 0 medium · 28 low · 7 info   (fails at high and above)']);
});

test("signal lines carried from the tag's sources are shown with where they came from", async () => {
  const report = await sampleReport('tampered');
  const m4 = report.findings.find((f) => f.path === 'm4/nls.m4')!;
  for (const s of m4.evidence.signals!) if (s.line === 35) s.fromTag = { path: 'Makefile.am', line: 3 };
  const text = lines(report, plain(120)).join('\n');
  assert.match(text, /35 │ LC_ALL=C sed.* ← Makefile\.am:3$/m);
  assert.not.match(text, /32 │ .*←/);
});

test.run();
