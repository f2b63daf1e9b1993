import { isBinary } from '../places.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';

/**
 * Man pages rendered at `make dist` into other formats, in a documentation
 * folder away from their source: xz's `doc/man/txt/xz.txt` and
 * `pdf-a4/xz-a4.pdf` from `src/xz/xz.1`, libarchive's `doc/html/bsdtar.1.html`
 * and `doc/wiki/ManPageBsdtar1.wiki` from `tar/bsdtar.1`. Explained when the
 * page is in the tag and the file has the shape of its format, without the
 * parts of that format that run code (scripts in HTML, actions in PDF).
 */
interface Rendering {
  format: string;
  /** Group 1: the page's name, with or without its section. */
  name: RegExp;
  shape(content: Buffer): boolean;
}

const text = (content: Buffer, bytes = 65536) => content.subarray(0, bytes).toString('utf8');

const renderings: Rendering[] = [
  // groff -Tutf8 or mandoc: NAME as a section heading.
  { format: 'text', name: /^(.+?)(?:\.txt|\.0)$/, shape: (c) => !isBinary(c) && /^\s*NAME\s*$/m.test(text(c)) },
  { format: 'HTML', name: /^(.+?)\.html?$/, shape: (c) => !isBinary(c) && /<html/i.test(text(c, 4096)) && !/<script|<[^>]*\son\w+\s*=|javascript:/i.test(c.toString('utf8')) },
  // groff -Tpdf writes no JavaScript, launch or embedded-file actions.
  { format: 'PDF', name: /^(.+?)(?:-a4|-letter)?\.pdf$/, shape: (c) => c.subarray(0, 5).toString('latin1') === '%PDF-' && !/\/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction)\b/.test(c.toString('latin1')) },
  { format: 'roff', name: /^(.+\.[1-9][a-z]*)$/, shape: (c) => !isBinary(c) && /^\.TH\s/m.test(text(c)) },
  // libarchive's mdoc2wiki: `ManPageArchiveEntryAcl3.wiki` for archive_entry_acl.3.
  { format: 'wiki', name: /^ManPage(.+)\.wiki$/, shape: (c) => !isBinary(c) && /manual page/.test(text(c, 200)) },
];

/** Tag man pages by lower-cased name (`bsdtar.1`), stem (`bsdtar`) and squashed name (`bsdtar1`). */
const indexes = new WeakMap<AnalysisContext, Map<string, string[]>>();
function pages(ctx: AnalysisContext): Map<string, string[]> {
  let index = indexes.get(ctx);
  if (index) return index;
  index = new Map();
  for (const [path, entry] of ctx.tagByPath) {
    const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    const m = /^(.+)\.[1-9][a-z]*$/.exec(name);
    if (entry.type !== 'file' || !m) continue;
    for (const key of new Set([name, m[1]!, name.replace(/[._-]/g, '')])) {
      const list = index.get(key);
      if (list) list.push(path);
      else index.set(key, [path]);
    }
  }
  indexes.set(ctx, index);
  return index;
}

export const renderedManpage: Rule = {
  name: 'rendered-manpage',
  changes: ['only-in-release'],
  async judge(change, ctx): Promise<Judgement | undefined> {
    const release = change.release;
    if (release?.type !== 'file') return undefined;
    const dirs = change.path.split('/').slice(0, -1);
    // Only documentation folders: a page's rendering has no business in src/.
    if (!dirs.some((d) => /^(?:doc|docs|man|html|txt|pdf|wiki|text)$/i.test(d))) return undefined;
    const name = change.path.slice(change.path.lastIndexOf('/') + 1);
    for (const r of renderings) {
      const m = r.name.exec(name);
      if (!m) continue;
      const key = m[1]!.toLowerCase();
      const sources = (pages(ctx).get(key) ?? []).filter((p) => p !== change.path);
      if (sources.length === 0) continue;
      const content = await ctx.releaseContent(release);
      if (!content || !r.shape(content)) return undefined;
      return {
        category: 'rendered-manpage',
        severity: 'low',
        reasons: [`${r.format} rendering of a man page`, `the page ${sources.slice(0, 3).join(', ')} is in the tag`],
      };
    }
    return undefined;
  },
};
