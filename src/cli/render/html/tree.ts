import { categoryInfo, type Finding } from '../../../report/finding.js';
import { atLeast, severityRank, type Severity } from '../../../report/severity.js';
import { html, type Html } from './escape.js';

interface Folder {
  folders: Map<string, Folder>;
  files: Array<{ name: string; finding: Finding }>;
  worst: Severity;
  count: number;
}

function folder(): Folder {
  return { folders: new Map(), files: [], worst: 'info', count: 0 };
}

function build(findings: readonly Finding[]): Folder {
  const root = folder();
  for (const f of findings) {
    const parts = f.path.split('/');
    const name = parts.pop()!;
    let node = root;
    const chain = [root];
    for (const p of parts) {
      if (!node.folders.has(p)) node.folders.set(p, folder());
      node = node.folders.get(p)!;
      chain.push(node);
    }
    node.files.push({ name, finding: f });
    for (const n of chain) {
      n.count++;
      if (severityRank(f.severity) > severityRank(n.worst)) n.worst = f.severity;
    }
  }
  return root;
}

function render(node: Folder): Html {
  const folders = [...node.folders].sort(([a], [b]) => a.localeCompare(b));
  const files = [...node.files].sort((a, b) => a.name.localeCompare(b.name));
  return html`<ul>${folders.map(
    ([name, sub]) =>
      // Folders holding something worth a look start open; the rest stay folded.
      html`<li><details${atLeast(sub.worst, 'medium') ? html` open` : ''}><summary><span class="folder">${name}/</span> <span class="meta">${sub.count} ${sub.count === 1 ? 'file' : 'files'}</span> <span class="badge sev-${sub.worst}">${sub.worst}</span></summary>${render(sub)}</details></li>`,
  )}${files.map(
    ({ name, finding: f }) =>
      html`<li class="file"><span class="badge sev-${f.severity}">${f.severity}</span> <a href="#${f.id}">${name}</a> <span class="meta">${categoryInfo[f.category].title}: ${f.reasons[0] ?? ''}</span></li>`,
  )}</ul>`;
}

/** The files the release adds to the tag, folded by folder, with what explains each. */
export function releaseOnlyTree(findings: readonly Finding[]): Html {
  const added = findings.filter((f) => f.change === 'only-in-release');
  if (added.length === 0) return html`<p class="note">The release adds no file to the tag.</p>`;
  return html`<div class="tree">${render(build(added))}</div>`;
}
