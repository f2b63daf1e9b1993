import { driftInfo, driftKinds, type Drift, type DriftItem } from '../../../report/drift.js';
import { atLeast } from '../../../report/severity.js';
import { bySeverity, driftHeading, driftSummary } from '../labels.js';
import { diffView } from './diff.js';
import { html, type Html } from './escape.js';

function body(item: DriftItem): Html {
  const e = item.evidence;
  const diff = e.diff
    ? html`<div class="diffhead">diff previous release → release: <span class="plus">+${e.added ?? 0}</span> <span class="minus">−${e.removed ?? 0}</span>${e.diffTruncated ? ' (cut)' : ''}</div>${diffView(e.diff)}`
    : e.binary
      ? html`<p class="note">binary content; no text diff</p>`
      : e.diffNote
        ? html`<p class="note">${e.diffNote}</p>`
        : '';
  const blobs = e.git ? html`<p>blob ${e.git.before ? html`<code>${e.git.before}</code> → ` : ''}<code>${e.git.after}</code></p>` : '';
  const finding = e.finding ? html`<p>this release's finding: <a href="#${e.finding}">${e.finding}</a></p>` : '';
  return html`<ul class="reasons">${item.reasons.map((r) => html`<li>${r}</li>`)}</ul>${diff}${blobs}${finding}<p class="help"><b>${driftInfo[item.kind].title}.</b> ${driftInfo[item.kind].help}</p>`;
}

/** One drift item, styled as a finding; those that matter open. Outside #findings, so the filters leave it alone. */
function itemHtml(item: DriftItem): Html {
  const open = atLeast(item.severity, 'high');
  return html`<details class="finding sev-${item.severity}" id="${item.id}"${open ? html` open` : ''}><summary><span class="badge sev-${item.severity}">${item.severity}</span> <span class="path">${driftSummary(item)}</span> <span class="meta">${driftInfo[item.kind].title}</span>${open ? '' : html`<span class="why">${item.reasons[0] ?? ''}</span>`}</summary><div class="body">${body(item)}</div></details>`;
}

/** The drift section: worst first, then in kind order. */
export function driftSection(drift: Drift): Html {
  const counts = driftKinds.filter((k) => drift.counts[k] > 0).map((k) => `${drift.counts[k]} ${driftInfo[k].title.toLowerCase()}`);
  const items = bySeverity(drift.items).flatMap(([, g]) => g);
  return html`<section id="drift"><h2>${driftHeading(drift)}</h2>
<p>tag <code>${drift.previousTag.ref}</code> → <code>${drift.previousTag.commit}</code> · <code>${drift.previous.source}</code>, sha256 <code>${drift.previous.sha256}</code></p>
<p>${counts.length ? counts.join(' · ') : 'nothing outside git changed since the previous release'}</p>
${items.map(itemHtml)}
${drift.notes.length ? html`<ul>${drift.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
</section>`;
}
