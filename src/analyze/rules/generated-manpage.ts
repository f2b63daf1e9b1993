import type { Change } from '../../compare/change.js';
import { looksLikeHtml, runsCode, sourceWordsIn } from '../document-shape.js';
import { escapeRegExp } from '../regexp.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { isBinary, splitPath } from '../places.js';
import { tagPathsNamed } from '../tag-index.js';

/**
 * Man pages that `make dist` renders from a source in the tag: asciidoctor
 * (`addpart.8.adoc`), pandoc or ronn (`.md`, `.ronn`), pod2man (`.pod`),
 * docbook (`.xml`), configure (`.1.in`), and po4a translations of a page the
 * tag has. The source lies beside the page, or, for a page in a section
 * folder (`man/man8/chgpasswd.8`), beside that folder (`man/chgpasswd.8.xml`,
 * shadow's layout); a page in a language's section folder
 * (`man/de/man8/chgpasswd.8`) is that source translated with the language's
 * catalog (`man/po/de.po`). Explained only with a roff `.TH` header, so a
 * script cannot pass for documentation by its file name alone. A page whose
 * source is not beside it may take the one source of its name the tag has
 * below its folder, when a build file there names it (rsync's `rrsync.1`
 * from `support/rrsync.1.md`, a rule of its Makefile.in).
 *
 * The HTML rendering of such a source, as rsync's md-convert, pandoc and
 * Docutils write it (`rsync.1.html`, flac's `man/flac.html`, OpenVPN's
 * `doc/openvpn.8.html`), is explained when it is a man page's (a section in
 * its name, or in its title: `flac(1)`), runs no code in a browser, and
 * carries the words of its source.
 */
const manName = /^(.+)\.([1-9])[a-z]*$/;
const sourceExtensions = ['.adoc', '.asciidoc', '.txt', '.md', '.ronn', '.pod', '.xml', '.in', '.scd', '.rst'];

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const inTag = (ctx: AnalysisContext, path: string) => ctx.tagByPath.get(path)?.type === 'file';

/** The `.TH` title, unescaped, or undefined when the page has no header. */
function headerTitle(text: string): string | undefined {
  const m = /^\.TH[ \t]+("[^"\n]*"|\S+)/m.exec(text);
  return m ? m[1]!.replace(/^"|"$/g, '').replace(/\\-/g, '-').replace(/\\&/g, '') : undefined;
}

function source(dir: string, name: string, stem: string, ctx: AnalysisContext): string | undefined {
  for (const base of [name, stem]) {
    for (const ext of sourceExtensions) {
      const candidate = join(dir, base + ext);
      if (inTag(ctx, candidate)) return candidate;
    }
  }
  return undefined;
}

/** The build files of a folder that may name a page's source. */
const buildFiles = ['Makefile.am', 'Makefile.in', 'Makefile', 'GNUmakefile', 'meson.build', 'CMakeLists.txt'];

/**
 * The one file of the tag named `base` and a source extension, away from
 * the page in `dir`, when a build file of the tag in `dir` names it by its
 * path from there (rsync's Makefile.in: `rrsync.1: support/rrsync.1.md`);
 * undefined when there is none, more than one, or no build file names it.
 */
async function namedSource(dir: string, base: string, extensions: readonly string[], ctx: AnalysisContext): Promise<string | undefined> {
  const found = extensions.flatMap((ext) => tagPathsNamed(ctx, base + ext).filter((p) => inTag(ctx, p)));
  const only = found.length === 1 ? found[0]! : undefined;
  if (!only || (dir && !only.startsWith(`${dir}/`))) return undefined;
  const relative = Buffer.from(dir ? only.slice(dir.length + 1) : only);
  for (const file of buildFiles) {
    const entry = ctx.tagByPath.get(join(dir, file));
    if (entry?.type !== 'file') continue;
    const text = await ctx.tagContent(entry).catch(() => undefined);
    if (text?.includes(relative)) return only;
  }
  return undefined;
}

/** What an HTML rendering is made from: markup, not a configure template. */
const markupExtensions = sourceExtensions.filter((ext) => ext !== '.in');
/** Of the source's words, the share its rendering must carry; and the fewest words that say anything. */
const carriedShare = 0.9;
const fewestWords = 10;

/** An HTML page rendered from a man page's markup source in the tag, or undefined. */
async function htmlRendering(change: Change, dir: string, name: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const m = /^(.+)\.html?$/i.exec(name);
  const release = change.release;
  if (!m || release?.type !== 'file') return undefined;
  const base = m[1]!;
  const beside = markupExtensions.map((ext) => join(dir, base + ext)).find((p) => inTag(ctx, p));
  const path = beside ?? (await namedSource(dir, base, markupExtensions, ctx));
  const entry = path === undefined ? undefined : ctx.tagByPath.get(path);
  if (!entry) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content || isBinary(content)) return undefined;
  const page = content.toString('utf8');
  if (!looksLikeHtml(page) || runsCode(page)) return undefined;
  // A man page's rendering: its section in the name (`rsync.1.html`) or in the title (pandoc's `flac(1)`).
  const title = /<title>([^<]*)<\/title>/i.exec(page.slice(0, 16384))?.[1] ?? '';
  if (!manName.test(base) && !new RegExp(`(?:^|[^\\w.-])${escapeRegExp(base)}\\([1-9][a-z]*\\)`, 'i').test(title)) return undefined;
  const words = sourceWordsIn((await ctx.tagContent(entry)).toString('utf8'), page);
  if (words.of < fewestWords || words.carried < carriedShare * words.of) return undefined;
  return {
    category: 'generated-manpage',
    severity: 'low',
    reasons: [
      'HTML rendering of a man page, with no script, event handler or javascript: URL',
      `rendered from ${path}, in the tag${beside ? '' : ', which a build file beside the page names'}: it carries ${words.carried} of the ${words.of} words of that source`,
    ],
  };
}

/** A section folder (`man8`), and the folder it is in. */
const sectionFolder = /^(?:(.*)\/)?man[1-9][a-z]*$/;
/** A language's folder (`de`, `zh_CN`, `sr@latin`), and the folder it is in. */
const languageFolder = /^(?:(.*)\/)?([a-z]{2,3}(?:_[A-Z]{2})?(?:@[a-z]+)?)$/;

/**
 * The source of a page in a section folder: beside that folder, or, when the
 * folder is in a language's, beside the language's with its catalog in
 * `po/` there. The paths of the tag it was made from.
 */
function sectionSource(dir: string, name: string, stem: string, ctx: AnalysisContext): { source: string; catalog?: string } | undefined {
  const section = sectionFolder.exec(dir);
  if (!section) return undefined;
  const parent = section[1] ?? '';
  const beside = source(parent, name, stem, ctx);
  if (beside) return { source: beside };
  const language = languageFolder.exec(parent);
  if (!language) return undefined;
  const base = language[1] ?? '';
  const translated = source(base, name, stem, ctx);
  const catalog = join(join(base, 'po'), `${language[2]}.po`);
  return translated && inTag(ctx, catalog) ? { source: translated, catalog } : undefined;
}

/** po4a writes `<po4a dir>/man/<lang>/<page>` from `<po4a dir>/<lang>.po` and the English page. */
function po4aSource(path: string, name: string, ctx: AnalysisContext): string[] | undefined {
  const m = /^(?:(.*)\/)?man\/([A-Za-z_@]+)\/[^/]+$/.exec(path);
  if (!m) return undefined;
  const base = m[1] ?? '';
  const config = join(base, 'po4a.conf');
  const po = join(base, `${m[2]}.po`);
  if (!inTag(ctx, config) || !inTag(ctx, po)) return undefined;
  for (const p of tagPathsNamed(ctx, name)) if (p.includes('/') && inTag(ctx, p) && !p.startsWith(`${join(base, 'man')}/`)) return [p, po, config];
  return undefined;
}

export const generatedManpage: Rule = {
  name: 'generated-manpage',
  changes: ['only-in-release'],
  async judge(change, ctx): Promise<Judgement | undefined> {
    const release = change.release;
    if (release?.type !== 'file') return undefined;
    const { dir, name } = splitPath(change.path);
    const m = manName.exec(name);
    if (!m) return htmlRendering(change, dir, name, ctx);
    const content = await ctx.releaseContent(release);
    if (!content) return undefined;
    const alias = /^\.so ((?:[^\s/]+\/)?([^\s/]+))\s*$/.exec(content.subarray(0, 512).toString('utf8'));
    if (alias) {
      // A one-line `.so` stub that renders another page (asciidoctor writes
      // one per extra name); it can only include that page.
      const target = manName.exec(alias[2]!);
      const targetSource = target && source(dir, alias[2]!, target[1]!, ctx);
      if (!targetSource) return undefined;
      return { category: 'generated-manpage', severity: 'low', reasons: [`man page alias: only \`.so ${alias[1]}\``, `the source of that page, ${targetSource}, is in the tag`] };
    }
    // The title need not be the file name (bsdtar.1 is `.TH TAR`), but a page has one.
    const title = headerTitle(content.subarray(0, 16384).toString('utf8'));
    if (!title) return undefined;
    const direct = source(dir, name, m[1]!, ctx);
    if (direct) {
      return { category: 'generated-manpage', severity: 'low', reasons: [`man page with a .TH header for ${title}`, `its source ${direct} is in the tag`] };
    }
    const inSection = sectionSource(dir, name, m[1]!, ctx);
    if (inSection) {
      const from = inSection.catalog ? `translated from ${inSection.source} with ${inSection.catalog}, both in the tag` : `its source ${inSection.source} is in the tag`;
      return { category: 'generated-manpage', severity: 'low', reasons: [`man page with a .TH header for ${title}`, from] };
    }
    const translated = po4aSource(change.path, name, ctx);
    if (!translated) {
      // A page in a section folder has its source where that layout puts it (above), or is not explained.
      const elsewhere = sectionFolder.test(dir) ? undefined : await namedSource(dir, name, sourceExtensions, ctx);
      if (!elsewhere) return undefined;
      return { category: 'generated-manpage', severity: 'low', reasons: [`man page with a .TH header for ${title}`, `its source ${elsewhere} is in the tag, and a build file beside the page names it`] };
    }
    return {
      category: 'generated-manpage',
      severity: 'low',
      reasons: [`man page with a .TH header for ${title}`, `translated by po4a from ${translated[0]} with ${translated[1]} (${translated[2]}), all in the tag`],
    };
  },
};
