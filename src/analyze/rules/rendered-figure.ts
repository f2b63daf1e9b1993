import { posix } from 'node:path';
import { imageFormat, pdfInert, pdfMayAct, pngIsImageOnly, runsCode, svgEmbeds } from '../document-shape.js';
import { escapeRegExp } from '../regexp.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';

/**
 * Figures of a manual that `make dist` renders from a drawing the tag holds
 * beside them: libgcrypt's and GnuPG's doc/Makefile.am list
 * `libgcrypt-modules.png` and `.pdf` among their built sources and make
 * them from `libgcrypt-modules.fig` with fig2dev (a `.fig.png:` suffix
 * rule), or from an `.svg`. Explained when a build file beside the figure
 * names it and has the rule that converts that kind of drawing into that
 * format, and the figure has the shape of its format without the parts
 * that run code (scripts and embedded documents in SVG; actions in PDF, its
 * object streams read too). PostScript, itself a program, is not taken.
 */

/** The drawings a figure is rendered from; the formats it is rendered to. */
const drawings = ['fig', 'svg', 'dia', 'dot', 'gv'];
const figureExtensions = /^(.+)\.(png|pdf|svg)$/i;
const buildFiles = ['Makefile.am', 'Makefile.in', 'Makefile', 'GNUmakefile'];

/** The figure's format when its bytes have that shape and nothing in them runs or rides along; undefined otherwise. */
function shapeOf(ext: string, bytes: Buffer): string | undefined {
  if (ext === 'svg') {
    const text = bytes.toString('utf8');
    return /<svg[\s>]/i.test(text.slice(0, 4096)) && !runsCode(text) && !svgEmbeds(text) ? 'SVG' : undefined;
  }
  const format = imageFormat(bytes);
  if (format !== ext.toUpperCase()) return undefined;
  if (format === 'PDF' ? pdfMayAct(bytes) : !pngIsImageOnly(bytes)) return undefined;
  return format;
}

/**
 * The build file beside the figure that names it and converts `from` into
 * its format: a suffix rule (`.fig.png:`), or a rule of the figure itself
 * (`name.png: name.fig`).
 */
async function namingRule(dir: string, name: string, stem: string, from: string, ext: string, ctx: AnalysisContext): Promise<string | undefined> {
  const suffixRule = new RegExp(`^\\.${escapeRegExp(from)}\\.${escapeRegExp(ext)}[ \\t]*:`, 'm');
  const ownRule = new RegExp(`^${escapeRegExp(name)}[ \\t]*:[^\\n]*\\b${escapeRegExp(`${stem}.${from}`)}\\b`, 'm');
  for (const file of buildFiles) {
    const path = dir ? `${dir}/${file}` : file;
    const entry = ctx.tagByPath.get(path);
    if (entry?.type !== 'file') continue;
    const text = (await ctx.tagContent(entry).catch(() => undefined))?.toString('utf8');
    if (!text || !new RegExp(`(?:^|[\\s=/])${escapeRegExp(name)}(?:$|[\\s\\\\])`, 'm').test(text)) continue;
    if (suffixRule.test(text) || ownRule.test(text)) return path;
  }
  return undefined;
}

export const renderedFigure: Rule = {
  name: 'rendered-figure',
  changes: ['only-in-release'],
  async judge(change, ctx): Promise<Judgement | undefined> {
    const release = change.release;
    if (release?.type !== 'file') return undefined;
    const dir = posix.dirname(change.path) === '.' ? '' : posix.dirname(change.path);
    const name = posix.basename(change.path);
    const m = figureExtensions.exec(name);
    if (!m) return undefined;
    const [stem, ext] = [m[1]!, m[2]!.toLowerCase()];
    const sources = drawings.filter((d) => d !== ext && ctx.tagByPath.get(`${dir ? `${dir}/` : ''}${stem}.${d}`)?.type === 'file');
    if (sources.length === 0) return undefined;
    for (const from of sources) {
      const rule = await namingRule(dir, name, stem, from, ext, ctx);
      if (!rule) continue;
      const content = await ctx.releaseContent(release);
      const format = content && shapeOf(ext, content);
      if (!format) return undefined;
      return {
        category: 'rendered-figure',
        severity: 'low',
        reasons: [
          `a ${format} figure rendered from ${dir ? `${dir}/` : ''}${stem}.${from}, in the tag beside it`,
          `${rule} names it, with the rule that makes a .${ext} from a .${from}`,
          format === 'PDF' ? pdfInert : format === 'SVG' ? 'no script, event handler, javascript: URL or embedded document' : 'an image and nothing else: the chunks of one, little text, no byte after its end',
        ],
      };
    }
    return undefined;
  },
};
