import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { categoryInfo, type Category, type Finding } from '../../report/finding.js';
import { driftInfo, driftKinds, type Drift, type DriftItem } from '../../report/drift.js';
import type { Report } from '../../report/report.js';
import { atLeast, type Severity } from '../../report/severity.js';
import { visible } from './visible.js';

export interface SarifOptions {
  /** The exit code the verdict gives; recorded in the invocation (no times: output stays deterministic). */
  exitCode: number;
  /** Also list explained (low, info) findings, as `kind: pass` results. */
  verbose: boolean;
  /**
   * The run's `automationDetails.id` (SARIF 2.1.0 §3.17.4, `category/` or
   * `category/instance`). GitHub code scanning keys an analysis on the tool
   * and this id, and refuses an upload whose runs share both: `cuckoo batch`
   * gives each entry's run `cuckoo/<name>/`.
   */
  automationId?: string;
}

// SARIF 2.1.0 §3.27.10: error = a serious problem, warning = a problem, note = a minor one.
const levelOf: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

// A category's severity depends on the finding (an unexplained file is high or
// critical by where it sits), so rules carry no default. Results carry the
// severity three ways: level for every viewer, rank (§3.27.24, 0-100) as SARIF's
// own scale, and a CVSS-like `security-severity` (>=9 critical, >=7 high, >=4
// medium) in their property bag for consumers that read it there.
const securitySeverity: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '2.0', info: '0.0' };
const rank: Record<Severity, number> = { critical: 95, high: 80, medium: 50, low: 20, info: 0 };

const categories = Object.keys(categoryInfo) as Category[];

function rule(category: Category): ReportingDescriptor {
  return descriptor(category, categoryInfo[category]);
}

function descriptor(id: string, info: { title: string; help: string }): ReportingDescriptor {
  return {
    id,
    name: info.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: info.title },
    fullDescription: { text: info.help.replace(/`/g, '') },
    help: { text: info.help.replace(/`/g, ''), markdown: `**${info.title}**\n\n${info.help}` },
    properties: { tags: ['security', 'supply-chain', 'release-integrity'] },
  };
}

/** Archive paths as URI references: each segment percent-encoded, the slashes kept. */
export function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function location(f: Finding): Location {
  // A file only in the tag has no place in the release; it is located in the tag's tree.
  const base = f.change === 'only-in-tag' ? 'TAGROOT' : 'RELEASEROOT';
  // Lines carried from the tag's own sources did not count; start at one that did.
  const signal = f.evidence.signals?.find((s) => !s.fromTag) ?? f.evidence.signals?.[0];
  return {
    physicalLocation: {
      artifactLocation: { uri: pathUri(f.path), uriBaseId: base },
      // The first signal line is where a reader should start; line numbers stay out of the fingerprint.
      ...(signal && signal.line > 0 ? { region: { startLine: signal.line, snippet: { text: visible(signal.text) } } } : {}),
    },
  };
}

/**
 * A plain-text SARIF message from names and reasons the release and the
 * repository wrote: control characters shown as escapes, and `[`/`]` escaped
 * (§3.11.6), so a file named `[x](https://…)` is no link in a viewer.
 */
function plainText(text: string): string {
  return visible(text).replace(/[[\]]/g, '\\$&');
}

function result(f: Finding): Result {
  const info = categoryInfo[f.category];
  const explained = !atLeast(f.severity, 'medium');
  return {
    ruleId: f.category,
    ruleIndex: categories.indexOf(f.category),
    // Explained findings are results that passed the check (§3.27.9); their level must then be none.
    ...(explained ? { kind: 'pass' as const, level: 'none' as const } : { kind: 'fail' as const, level: levelOf[f.severity] }),
    message: { text: plainText(`${info.title}: ${f.path}. ${f.reasons.join('; ')}`) },
    locations: [location(f)],
    // The finding id hashes change, path and category only: the same finding in
    // the next release keeps its identity, so dashboards track it instead of opening a new alert.
    partialFingerprints: { 'cuckooFinding/v1': f.id },
    rank: rank[f.severity],
    // Accepted findings stay visible to dashboards, marked as suppressed outside the code (§3.35).
    ...(f.allowed ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: `policy rule ${f.allowed.rule}: ${f.allowed.reason}` }] } : {}),
    ...(f.known ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: 'known from the baseline report' }] } : {}),
    properties: {
      severity: f.severity,
      change: f.change,
      'security-severity': securitySeverity[f.severity],
      ...(f.evidence.signals?.length ? { signals: f.evidence.signals.map((s) => `line ${s.line}: ${s.signal}`) } : {}),
    },
  };
}

/** Drift items as results of their own rules (`drift/newly-release-only`, …), after the findings' rules. */
function driftResult(item: DriftItem): Result {
  const explained = !atLeast(item.severity, 'medium');
  const base = item.kind === 'binary-changed-in-git' ? 'TAGROOT' : item.kind === 'no-longer-release-only' ? 'PREVIOUSROOT' : 'RELEASEROOT';
  return {
    ruleId: `drift/${item.kind}`,
    ruleIndex: categories.length + driftKinds.indexOf(item.kind),
    ...(explained ? { kind: 'pass' as const, level: 'none' as const } : { kind: 'fail' as const, level: levelOf[item.severity] }),
    message: { text: plainText(`${driftInfo[item.kind].title}: ${item.path}. ${item.reasons.join('; ')}`) },
    locations: [{ physicalLocation: { artifactLocation: { uri: pathUri(item.path), uriBaseId: base } } }],
    partialFingerprints: { 'cuckooDrift/v1': item.id },
    rank: rank[item.severity],
    properties: { severity: item.severity, drift: item.kind, 'security-severity': securitySeverity[item.severity] },
  };
}

function driftResults(drift: Drift, verbose: boolean): Result[] {
  return drift.items.filter((i) => verbose || atLeast(i.severity, 'medium')).map(driftResult);
}

/**
 * SARIF 2.1.0 for code-scanning dashboards. Dashboards such as GitHub code
 * scanning open an alert for every result whatever its level, and an autotools
 * release has hundreds of explained files: alerts nobody should triage. So
 * explained (low, info) findings are left out unless --verbose, and even then
 * carry `kind: pass`; the run's properties still count them.
 */
export function renderSarif(report: Report, options: SarifOptions): string {
  const shown = report.findings.filter((f) => options.verbose || atLeast(f.severity, 'medium'));
  const prefix = report.release.prefix ? ` (its top-level folder ${report.release.prefix}/ stripped)` : '';
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cuckoo',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: [...categories.map(rule), ...(report.drift ? driftKinds.map((k) => descriptor(`drift/${k}`, driftInfo[k])) : [])],
          },
        },
        ...(options.automationId !== undefined ? { automationDetails: { id: options.automationId } } : {}),
        invocations: [{ executionSuccessful: true, exitCode: options.exitCode }],
        originalUriBaseIds: {
          RELEASEROOT: { description: { text: `The root of the release ${report.release.source}${prefix}, sha256 ${report.release.sha256}` } },
          TAGROOT: { description: { text: `The tree of ${report.tag.ref} (commit ${report.tag.commit}) in ${report.tag.repo}` } },
          ...(report.drift ? { PREVIOUSROOT: { description: { text: `The root of the previous release ${report.drift.previous.source}, sha256 ${report.drift.previous.sha256}` } } } : {}),
        },
        results: [...shown.map(result), ...(report.drift ? driftResults(report.drift, options.verbose) : [])],
        columnKind: 'unicodeCodePoints',
        properties: {
          reportSchema: report.schema,
          verdict: report.verdict,
          failOn: report.failOn,
          release: { source: report.release.source, sha256: report.release.sha256 },
          tag: { repo: report.tag.repo, ref: report.tag.ref, commit: report.tag.commit },
          counts: report.counts,
          severities: report.severities,
          explainedOmitted: report.findings.length - shown.length,
          ...(report.reproduction ? { reproduction: report.reproduction } : {}),
          ...(report.rebuild ? { rebuild: report.rebuild } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
