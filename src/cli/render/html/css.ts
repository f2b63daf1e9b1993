import { severityColour } from './chart.js';

const badgeColours = Object.entries(severityColour)
  .map(([s, c]) => `.badge.sev-${s}{background:${c}}.finding.sev-${s}{border-left-color:${c}}`)
  .join('\n');

/** The page's only style sheet, inline so the file opens anywhere, offline. */
export const css = `
:root{color-scheme:light dark;--fg:#1d2125;--bg:#fff;--muted:#5f6b76;--line:#dde2e6;--panel:#f6f8fa;--add:#e6ffec;--addm:#abf2bc;--del:#ffebe9;--delm:#ffc1bc}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ec;--bg:#15181b;--muted:#9aa4ae;--line:#30363d;--panel:#1e2227;--add:#12361f;--addm:#1f6f3a;--del:#3d1518;--delm:#80242b}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
code,.code,.path,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.verdict{display:flex;gap:16px;align-items:center;padding:14px 18px;border-radius:8px;color:#fff;margin-bottom:12px}
.verdict .word{font-size:26px;font-weight:800;letter-spacing:.04em}
.verdict.pass{background:#2f9e44}.verdict.review{background:#b07d00}.verdict.fail{background:#b3261e}
.facts{border-collapse:collapse}.facts th{text-align:left;color:var(--muted);font-weight:600;padding:2px 14px 2px 0;vertical-align:top}
.facts td{padding:2px 0;overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:92px;background:var(--panel)}
.card b{display:block;font-size:20px}.card span{color:var(--muted);font-size:12px}.card span.badge{color:#fff}.card span.badge.sev-medium{color:#1d2125}
.chart{max-width:900px;font-size:12px;fill:var(--fg)}.chart .caption{fill:var(--muted)}
.legend{list-style:none;padding:0;display:flex;gap:14px;color:var(--muted);font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
.badge{display:inline-block;min-width:58px;text-align:center;color:#fff;border-radius:10px;padding:0 8px;font-size:11.5px;font-weight:700;text-transform:uppercase}
${badgeColours}
.badge.sev-medium{color:#1d2125}
.badge.accepted{background:#6c757d}
.filters{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line);z-index:1;display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px;align-items:center}
.filters legend{float:left;color:var(--muted);margin-right:6px;font-size:12px}
.filters label{border:1px solid var(--line);border-radius:12px;padding:1px 9px;cursor:pointer;font-size:12.5px;user-select:none}
.filters label:has(input:checked){background:var(--panel);border-color:var(--muted)}
.filters label:has(input:not(:checked)){opacity:.5;text-decoration:line-through}
.filters input{margin:0 4px 0 0}
.count{color:var(--muted);font-size:12.5px}
.js-only{display:none}.js .js-only{display:flex}
.finding{border:1px solid var(--line);border-left:5px solid;border-radius:6px;margin:6px 0;background:var(--bg)}
.finding>summary{padding:6px 10px;cursor:pointer;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.finding>summary .path{font-weight:600;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:12.5px}
.why{color:var(--muted);font-size:12px;font-style:italic;flex:1 1 200px;min-width:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.finding>summary{flex-wrap:nowrap}.finding>summary .path,.finding>summary .badge{flex:none}.finding>summary .meta{flex:none}
.finding .body{padding:0 14px 12px}
.reasons{margin:6px 0;padding-left:20px}
.help{color:var(--muted);font-size:12.5px;margin:10px 0 0}
.evidence,.signals{border-collapse:collapse;margin:8px 0;font-size:12.5px}
.evidence th{text-align:left;color:var(--muted);font-weight:600;padding:2px 12px 2px 0;vertical-align:top}
.signals th,.signals td{border:1px solid var(--line);padding:2px 6px;text-align:left}
.diffhead{margin:10px 0 4px;font-size:12.5px;color:var(--muted)}.plus{color:#2f9e44}.minus{color:#b3261e}
.diff{border-collapse:collapse;width:100%;border:1px solid var(--line);table-layout:fixed}
.diff td{padding:0 6px;vertical-align:top;white-space:pre-wrap;overflow-wrap:anywhere}
.diff col.lnc{width:48px}
.diff .ln{text-align:right;color:var(--muted);user-select:none;font-family:ui-monospace,monospace;font-size:11.5px}
.diff .hunk td{background:var(--panel);color:var(--muted);font-family:ui-monospace,monospace;font-size:11.5px}
.diff tr.add td,.diff td.add{background:var(--add)}.diff tr.del td,.diff td.del{background:var(--del)}
.diff tr.add .mark,.diff tr.del .mark{font-weight:700}
.diff td.empty{background:var(--panel)}.diff th{font-weight:600;text-align:left;padding:2px 6px;background:var(--panel)}
.diff .mark{display:inline-block;width:1.2em;color:var(--muted)}
.diff.split{display:none}
body:has(#view-split:checked) .diff.split{display:table}
body:has(#view-split:checked) .diff.unified{display:none}
.views{font-size:12.5px;color:var(--muted)}
.tree ul{list-style:none;padding-left:18px;margin:2px 0}.tree>ul{padding-left:0}
.tree summary{cursor:pointer}.tree .folder{font-family:ui-monospace,monospace;font-weight:600}
.tree li.file{padding:1px 0}.tree .badge{min-width:0;font-size:10px}
.tree a{color:inherit;font-family:ui-monospace,monospace}
.note{color:var(--muted)}
[hidden]{display:none!important}
`;
