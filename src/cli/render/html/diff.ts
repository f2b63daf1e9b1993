import { html, type Html } from './escape.js';

interface Line {
  kind: ' ' | '+' | '-';
  text: string;
  old?: number;
  new?: number;
}
interface Hunk {
  header: string;
  lines: Line[];
}

/** Parse the bounded unified diff the report carries (tag → release). */
export function parseUnified(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let oldNo = 0;
  let newNo = 0;
  for (const raw of diff.split('\n')) {
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (m) {
      oldNo = Number(m[1]);
      newNo = Number(m[2]);
      hunks.push({ header: raw, lines: [] });
      continue;
    }
    const hunk = hunks.at(-1);
    if (!hunk || raw.startsWith('---') || raw.startsWith('+++') || raw.startsWith('\\')) continue;
    const kind = raw[0] === '+' || raw[0] === '-' ? raw[0] : ' ';
    const text = raw.slice(1);
    if (kind === '+') hunk.lines.push({ kind, text, new: newNo++ });
    else if (kind === '-') hunk.lines.push({ kind, text, old: oldNo++ });
    else hunk.lines.push({ kind, text, old: oldNo++, new: newNo++ });
  }
  return hunks;
}

const cls = { ' ': 'ctx', '+': 'add', '-': 'del' } as const;

function unified(hunks: Hunk[]): Html {
  return html`<table class="diff unified"><colgroup><col class="lnc"><col class="lnc"><col></colgroup><tbody>${hunks.map(
    (h) => html`<tr class="hunk"><td colspan="3">${h.header}</td></tr>${h.lines.map(
      (l) => html`<tr class="${cls[l.kind]}"><td class="ln">${l.old ?? ''}</td><td class="ln">${l.new ?? ''}</td><td class="code"><span class="mark">${l.kind}</span>${l.text}</td></tr>`,
    )}`,
  )}</tbody></table>`;
}

/** Removed and added runs side by side, paired line by line; context on both sides. */
function split(hunks: Hunk[]): Html {
  const rows: Html[] = [];
  for (const h of hunks) {
    rows.push(html`<tr class="hunk"><td colspan="4">${h.header}</td></tr>`);
    let i = 0;
    while (i < h.lines.length) {
      const line = h.lines[i]!;
      if (line.kind === ' ') {
        rows.push(html`<tr class="ctx"><td class="ln">${line.old}</td><td class="code">${line.text}</td><td class="ln">${line.new}</td><td class="code">${line.text}</td></tr>`);
        i++;
        continue;
      }
      const dels: Line[] = [];
      const adds: Line[] = [];
      while (i < h.lines.length && h.lines[i]!.kind === '-') dels.push(h.lines[i++]!);
      while (i < h.lines.length && h.lines[i]!.kind === '+') adds.push(h.lines[i++]!);
      for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
        const d = dels[k];
        const a = adds[k];
        rows.push(
          html`<tr><td class="ln">${d?.old ?? ''}</td><td class="code ${d ? 'del' : 'empty'}">${d?.text ?? ''}</td><td class="ln">${a?.new ?? ''}</td><td class="code ${a ? 'add' : 'empty'}">${a?.text ?? ''}</td></tr>`,
        );
      }
    }
  }
  return html`<table class="diff split"><colgroup><col class="lnc"><col><col class="lnc"><col></colgroup><thead><tr><th colspan="2">tag</th><th colspan="2">release</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Both views; a page-wide switch (CSS only, so it works without script) shows one. */
export function diffView(diff: string): Html {
  const hunks = parseUnified(diff);
  if (hunks.length === 0) return html`<pre class="raw">${diff}</pre>`;
  return html`<div class="diffs">${unified(hunks)}${split(hunks)}</div>`;
}
