import { categoryInfo, type ContentMatch, type Finding, type SideEvidence } from '../../../report/finding.js';
import { atLeast } from '../../../report/severity.js';
import { changeText } from '../labels.js';
import { diffView } from './diff.js';
import { html, type Html } from './escape.js';

function side(label: string, s: SideEvidence | undefined): Html | '' {
  if (!s) return '';
  const link = s.linkTarget !== undefined ? html` → <code>${s.linkTarget}</code>` : '';
  return html`<tr><th>${label}</th><td>${s.type} ${s.mode}, ${s.size} bytes${link}${s.blobId ? html`<br>blob <code>${s.blobId}</code>` : ''}${s.sha256 ? html`<br>sha256 <code>${s.sha256}</code>` : ''}</td></tr>`;
}

/** Provenance: why cuckoo believes (or does not) where this file came from. */
function evidence(f: Finding): Html {
  const e = f.evidence;
  const matches = e.matches?.length
    ? html`<tr><th>same content as</th><td>${e.matches.map((m) => html`<div>${matchSource(m)} <code>${m.path}</code> (blob <code>${m.blobId.slice(0, 12)}</code>)</div>`)}</td></tr>`
    : '';
  const submodule = e.submodule ? html`<tr><th>submodule</th><td>${e.submodule.name} at <code>${e.submodule.path}</code>, commit <code>${e.submodule.commit}</code></td></tr>` : '';
  const archive = e.archivePath && e.archivePath !== f.path ? html`<tr><th>stored as</th><td><code>${e.archivePath}</code></td></tr>` : '';
  const copies = e.copies?.length ? html`<tr><th>copies</th><td>${e.copies.map((c) => html`<div>entry ${c.index}: ${c.type} ${c.size} bytes ${c.blobId?.slice(0, 12) ?? ''}</div>`)}</td></tr>` : '';
  const rows = html`${side('release', e.release)}${side('tag', e.tag)}${matches}${submodule}${archive}${copies}`;
  return rows.value ? html`<table class="evidence">${rows}</table>` : html``;
}

function signals(f: Finding): Html | '' {
  const s = f.evidence.signals;
  if (!s?.length) return '';
  return html`<table class="signals"><thead><tr><th>line</th><th>signal</th><th>text</th></tr></thead><tbody>${s.map(
    (x) =>
      html`<tr><td class="ln">${x.line}</td><td>${x.signal}${x.fromTag ? html`<br><small>not counted: ${x.fromTag.path} line ${x.fromTag.line} in the tag</small>` : ''}</td><td><code>${x.text}</code></td></tr>`,
  )}</tbody></table>`;
}

function body(f: Finding): Html {
  const e = f.evidence;
  const d = e.diff
    ? html`<div class="diffhead">diff ${f.change === 'only-in-release' ? 'genuine file' : 'tag'} → release: <span class="plus">+${e.added ?? 0}</span> <span class="minus">−${e.removed ?? 0}</span>${e.diffTruncated ? ' (cut; the JSON report has the limits)' : ''}</div>${diffView(e.diff)}`
    : e.binary
      ? html`<p class="note">binary content; no text diff</p>`
      : e.diffNote
        ? html`<p class="note">${e.diffNote}</p>`
        : '';
  return html`<ul class="reasons">${f.reasons.map((r) => html`<li>${r}</li>`)}</ul>${signals(f)}${d}${evidence(f)}<p class="help"><b>${categoryInfo[f.category].title}.</b> ${categoryInfo[f.category].help}</p>`;
}

/**
 * One finding as a details element: critical and high ones open, so they are
 * read first; explained ones closed with their first reason (the provenance)
 * on the line, the whole evidence one click away. Data
 * attributes carry severity and category for the filters.
 */
export function findingHtml(f: Finding): Html {
  // Accepted findings (policy, baseline) start closed and say why they no longer count.
  const accepted = f.allowed ? `allowed by policy rule ${f.allowed.rule}: ${f.allowed.reason}` : f.known ? 'known from the baseline report: does not count' : undefined;
  const open = atLeast(f.severity, 'high') && !accepted;
  const mark = accepted ? html` <span class="badge accepted">${f.allowed ? 'allowed' : 'known'}</span>` : '';
  return html`<details class="finding sev-${f.severity}" id="${f.id}" data-severity="${f.severity}" data-category="${f.category}"${open ? html` open` : ''}><summary><span class="badge sev-${f.severity}">${f.severity}</span>${mark} <span class="path">${f.path}</span> <span class="meta">${changeText[f.change]} · ${categoryInfo[f.category].title}</span>${open ? '' : html`<span class="why">${accepted ?? f.reasons[0] ?? ''}</span>`}</summary><div class="body">${accepted ? html`<p class="note">${accepted}</p>` : ''}${body(f)}</div></details>`;
}

/** `library automake 1.16.5`, `history at 1a2b3c4d5e6f`, `tag`. */
function matchSource(m: ContentMatch): string {
  if (m.source === 'library') {
    const patched = m.variant ? ` as patched by ${m.variant.distribution} ${m.variant.release} (${m.variant.patches.join(', ')})` : '';
    return `library ${m.package ?? ''} ${m.version ?? ''}${patched}${m.versionNeutral ? ' (apart from its version string)' : ''}`.replace(/ +/g, ' ');
  }
  if (m.source === 'history' && m.commit) return `history at ${m.commit.slice(0, 12)}`;
  return m.source;
}
