import { imageFormat, looksLikeHtml, pdfMayAct, runsCode } from '../document-shape.js';
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
  { format: 'HTML', name: /^(.+?)\.html?$/, shape: (c) => !isBinary(c) && looksLikeHtml(text(c, 4096)) && !runsCode(c.toString('utf8')) },
  // groff -Tpdf writes no actions (pdfMayAct, which reads object streams too).
  { format: 'PDF', name: /^(.+?)(?:-a4|-letter)?\.pdf$/, shape: (c) => imageFormat(c) === 'PDF' && !pdfMayAct(c) },
  { format: 'roff', name: /^(.+\.[1-9][a-z]*)$/, shape: (c) => !isBinary(c) && /^\.TH\s/m.test(text(c)) },
  // libarchive's mdoc2wiki: `ManPageArchiveEntryAcl3.wiki` for archive_entry_acl.3.
  { format: 'wiki', name: /^ManPage(.+)\.wiki$/, shape: (c) => !isBinary(c) && /manual page/.test(text(c, 200)) },
];

/**
 * BSD's preformatted pages: OpenSSH's `make distprep` writes `ssh.0` beside
 * `ssh.1` with mandoc -Tascii. Outside a documentation folder a page is
 * believed only there, beside its source, when its title line names that
 * page and section (`SSH(1)   General Commands Manual   SSH(1)`).
 */
function catPage(path: string, content: Buffer, ctx: AnalysisContext): string | undefined {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const m = /^(.+)\.0$/.exec(path.slice(slash + 1));
  if (!m) return undefined;
  const source = (pages(ctx).get(m[1]!.toLowerCase()) ?? []).find((p) => p.startsWith(dir) && !p.slice(dir.length).includes('/'));
  if (!source || isBinary(content)) return undefined;
  const section = /\.([1-9][a-z]*)$/.exec(source)![1]!;
  const head = text(content);
  const title = /^(\S+)\(([1-9][a-z]*)\)\s.*\s\1\(\2\)[ \t]*$/m.exec(head.slice(0, head.indexOf('\n') + 1 || head.length).trimEnd());
  if (!title || title[1]!.toLowerCase() !== m[1]!.toLowerCase() || title[2] !== section || !/^\s*NAME\s*$/m.test(head)) return undefined;
  return source;
}

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
    // Only documentation folders: a page's rendering has no business in src/, unless it is beside its page.
    if (!dirs.some((d) => /^(?:doc|docs|man|html|txt|pdf|wiki|text)$/i.test(d))) {
      if (!change.path.endsWith('.0')) return undefined;
      const content = await ctx.releaseContent(release);
      const source = content && catPage(change.path, content, ctx);
      if (!source) return undefined;
      return {
        category: 'rendered-manpage',
        severity: 'low',
        reasons: ['text rendering of a man page (a BSD cat page), titled with its name and section', `beside its page ${source} in the tag`],
      };
    }
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
