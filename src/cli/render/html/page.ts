import { createHash } from 'node:crypto';
import { categoryInfo, type Category } from '../../../report/finding.js';
import type { Report } from '../../../report/report.js';
import { atLeast } from '../../../report/severity.js';
import { bySeverity, severitiesDown, verdictText, rebuildLine, reproductionLine } from '../labels.js';
import { legend, summaryChart } from './chart.js';
import { css } from './css.js';
import { Html, html } from './escape.js';
import { driftSection } from './drift.js';
import { findingHtml } from './findings.js';
import { script } from './script.js';
import { releaseOnlyTree } from './tree.js';

// Our own constant CSS and script are trusted markup; nothing from the report reaches them.
const ownCss = new Html(css);
const ownScript = new Html(script);

function facts(report: Report): Html {
  const r = report.release;
  const t = report.tag;
  return html`<table class="facts">
<tr><th>release</th><td><code>${r.source}</code> · ${r.format} via ${r.decoder} · ${r.entries} entries${r.prefix ? html` · prefix <code>${r.prefix}/</code>` : ''}</td></tr>
<tr><th>sha256</th><td><code>${r.sha256}</code></td></tr>
<tr><th>tag</th><td><code>${t.ref}</code> → <code>${t.commit}</code>${t.annotated ? ' (annotated)' : ''} in <code>${t.repo}</code>${t.inferredFrom ? ', inferred from the release name' : ''}</td></tr>
${r.comment ? html`<tr><th>archive comment</th><td><code>${r.comment}</code></td></tr>` : ''}
${reproductionLine(report) ? html`<tr><th>reproduced</th><td>${reproductionLine(report).replace(/^generated files: /, '')}</td></tr>` : ''}
${rebuildLine(report) ? html`<tr><th>rebuilt</th><td>${rebuildLine(report).replace(/^rebuilt from the tag: /, '')}</td></tr>` : ''}
<tr><th>tool</th><td>cuckoo ${report.tool.version} · report ${report.schema}</td></tr>
</table>`;
}

function cards(report: Report): Html {
  const k = report.counts;
  const items: Array<[number, string]> = [
    [k.identical, 'identical'],
    [k.onlyInRelease, 'only in release'],
    [k.onlyInTag, 'only in tag'],
    [k.modified, 'modified'],
    ...(k.exportIgnored ? ([[k.exportIgnored, 'export-ignored']] as Array<[number, string]>) : []),
    ...(k.irregular ? ([[k.irregular, 'irregular']] as Array<[number, string]>) : []),
  ];
  const sev = severitiesDown.map((s) => html`<div class="card"><b>${report.severities[s]}</b><span class="badge sev-${s}">${s}</span></div>`);
  return html`<div class="cards">${sev}</div><div class="cards">${items.map(([n, label]) => html`<div class="card"><b>${n}</b><span>${label}</span></div>`)}</div>`;
}

/** Filter chips: on a release with findings that matter, explained ones start hidden. */
function filters(report: Report): Html {
  const matters = report.findings.some((f) => atLeast(f.severity, 'medium'));
  const present = new Set(report.findings.map((f) => f.category));
  const categories = (Object.keys(categoryInfo) as Category[]).filter((c) => present.has(c));
  const severityBoxes = bySeverity(report.findings).map(
    ([s, g]) => html`<label><input type="checkbox" name="severity" value="${s}"${!matters || atLeast(s, 'medium') ? html` checked` : ''}>${s} (${g.length})</label>`,
  );
  const categoryBoxes = categories.map((c) => html`<label title="${categoryInfo[c].help}"><input type="checkbox" name="category" value="${c}" checked>${categoryInfo[c].title}</label>`);
  return html`<form class="filters js-only" aria-label="filters"><fieldset><legend>severity</legend>${severityBoxes}</fieldset><fieldset><legend>category</legend>${categoryBoxes}</fieldset><button type="button" id="show-all">show all</button><span class="count" id="shown"></span></form>`;
}

const viewSwitch = html`<p class="views">diffs: <label><input type="radio" name="view" id="view-unified" checked> unified</label> <label><input type="radio" name="view" id="view-split"> side by side</label></p>`;

/**
 * One self-contained page: inline CSS, inline SVG, one inline script allowed
 * by hash in a content security policy that also forbids every network fetch,
 * so a report opened from an email or a CI artefact loads nothing and, should
 * escaping ever miss, runs nothing it carries.
 */
export function renderHtml(report: Report): string {
  const scriptHash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; form-action 'none'; base-uri 'none'`;
  const name = report.release.source.split('/').pop() ?? report.release.source;
  const worstFirst = bySeverity(report.findings).flatMap(([, g]) => g);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>cuckoo: ${verdictText[report.verdict]} · ${name} against ${report.tag.ref}</title>
<style>${ownCss}</style>
</head>
<body>
<main>
<header>
<div class="verdict ${report.verdict}"><span class="word">${verdictText[report.verdict]}</span><span>${name} against ${report.tag.ref} · fails at ${report.failOn} and above</span></div>
${facts(report)}
</header>
<section id="summary"><h2>Summary</h2>
${cards(report)}
${summaryChart(report)}
${legend()}
</section>
<section id="findings"><h2>Findings (${report.findings.length})</h2>
${filters(report)}
${viewSwitch}
${worstFirst.length ? worstFirst.map(findingHtml) : html`<p class="note">No differences: every file matches the tag.</p>`}
</section>
${report.drift ? driftSection(report.drift) : ''}
<section id="tree"><h2>Files only in the release (${report.counts.onlyInRelease})</h2>
${releaseOnlyTree(report.findings)}
</section>
${report.notes.length ? html`<section id="notes"><h2>Notes</h2><ul>${report.notes.map((n) => html`<li>${n}</li>`)}</ul></section>` : ''}
</main>
<script>${ownScript}</script>
</body>
</html>
`;
  return page.value;
}
