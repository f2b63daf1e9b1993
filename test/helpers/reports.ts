import type { Finding } from '../../src/report/finding.js';
import type { Report } from '../../src/report/report.js';
import { severityCounts } from '../../src/report/report.js';
import { runCuckooHere } from './cli.js';

const cache = new Map<string, Promise<Report>>();

/** The real report of a bundled sample, run once per test process (independent of this machine's tools). */
export function sampleReport(which: 'clean' | 'tampered'): Promise<Report> {
  let r = cache.get(which);
  if (!r) {
    const release = which === 'clean' ? 'samples/hello-1.0.tar.gz' : 'samples/tampered/hello-1.0.tar.gz';
    r = runCuckooHere(['verify', release, '--repo', 'samples/hello.bundle', '--no-host-knowledge', '--format', 'json']).then((res) => {
      if (res.code !== 0 && res.code !== 1) throw new Error(`cuckoo exited ${res.code}: ${res.stderr}`);
      return JSON.parse(res.stdout) as Report;
    });
    cache.set(which, r);
  }
  return r.then((report) => structuredClone(report));
}

export const hostileName = 'm4/<img src=x onerror=alert(1)>.m4';

/**
 * The tampered report plus findings whose path, reasons and diff carry markup:
 * HTML that would run, Markdown table breaks and code spans. Renderers must show
 * them as text.
 */
export async function hostileReport(): Promise<Report> {
  const report = await sampleReport('tampered');
  const hostile: Finding = {
    id: 'CKhostile0001',
    path: hostileName,
    change: 'only-in-release',
    category: 'unexplained',
    severity: 'critical',
    reasons: ['a | pipe, a `code span`, <script>alert(2)</script> and **bold**', '"quotes" & \'apostrophes\''],
    evidence: {
      release: { type: 'file', mode: '0644', size: 42, blobId: 'a'.repeat(40) },
      diff: '@@ -0,0 +1,2 @@\n+<script>alert(3)</script>\n+``` fence breaker',
      added: 2,
      removed: 0,
    },
  };
  report.findings.unshift(hostile);
  report.severities = severityCounts(report.findings);
  report.counts.onlyInRelease++;
  return report;
}

/** A report with `n` generated findings of each of medium, low and info, to push size limits. */
export async function hugeReport(n: number): Promise<Report> {
  const report = await sampleReport('tampered');
  for (const severity of ['medium', 'low', 'info'] as const) {
    for (let i = 0; i < n; i++) {
      report.findings.push({
        id: `CK${severity}${i}`,
        path: `gen/${severity}/file-${String(i).padStart(5, '0')}.c`,
        change: 'only-in-release',
        category: severity === 'medium' ? 'unexplained' : 'known-good',
        severity,
        reasons: [`generated finding ${i} with a reason long enough to take some room in a table row`],
        evidence: {},
      });
    }
  }
  report.severities = severityCounts(report.findings);
  return report;
}
