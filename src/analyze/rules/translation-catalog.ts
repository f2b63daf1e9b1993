import { parsePo, type PoEntry } from '../po.js';
import { splitPath } from '../places.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { compareCatalogs, differenceDiff, languageCode, readCatalog, type Catalog, type CatalogSummary } from '../translations/catalog.js';
import { gmoInEffect } from '../translations/catalog-task.js';
import { catalogThread, catalogWork, queuedWork } from '../translations/catalog-thread.js';
import { folderDomain, translationSetup, type TranslationSetup } from '../translations/setup.js';
import { plural } from '../../plural.js';

/**
 * Catalogs a bootstrap downloads rather than keeps in git. gnulib's bootstrap
 * fetches every po/LL.po the Translation Project has for the package's domain
 * and writes po/LINGUAS; `make dist` ships them (msgmerged) with their
 * compiled .gmo. Without network such a .po is judged by its shape, and the
 * reasons say it was not compared; with --fetch-translations it is compared
 * with the file the Translation Project publishes for its domain and version.
 */

/** Most differing messages shown in a diff. */
const maxMessages = 40;

interface PoVerdict {
  judgement: Judgement | undefined;
  /** The catalog, when the judgement explains it: without its entries when a worker read it. */
  catalog?: Catalog | CatalogSummary;
  /** What the worker found of its `.gmo` (gmoInEffect), when a worker read it. */
  gmo?: number;
}

const verdicts = new WeakMap<object, Map<string, Promise<PoVerdict>>>();

const join = (dir: string, name: string) => `${dir}/${name}`;

async function releaseText(ctx: AnalysisContext, path: string): Promise<string | undefined> {
  const entry = ctx.releaseOnly?.get(path);
  if (entry?.type !== 'file') return undefined;
  return (await ctx.releaseContent(entry))?.toString('utf8');
}

async function tagText(ctx: AnalysisContext, path: string): Promise<string | undefined> {
  const entry = ctx.tagByPath.get(path);
  return entry?.type === 'file' ? (await ctx.tagContent(entry)).toString('utf8') : undefined;
}

const linguas = (text: string) => text.split('\n').flatMap((l) => l.replace(/#.*/, '').trim().split(/\s+/)).filter((w) => w !== '');

/** Where the language is listed: the tag's LINGUAS (which must list it), or the one bootstrap wrote. */
async function listing(dir: string, lang: string, ctx: AnalysisContext): Promise<string | undefined> {
  const tag = await tagText(ctx, join(dir, 'LINGUAS'));
  if (tag !== undefined) return linguas(tag).includes(lang) ? `${dir}/LINGUAS in the tag lists ${lang}` : undefined;
  const written = await releaseText(ctx, join(dir, 'LINGUAS'));
  if (written !== undefined) return linguas(written).includes(lang) ? `listed in ${dir}/LINGUAS, which bootstrap writes from what it downloaded` : undefined;
  return 'bootstrap downloads every language the Translation Project has';
}

/** The comparison's judgement, or why there was none. */
async function compared(lang: string, domain: string, catalog: Catalog, ctx: AnalysisContext, shape: string[]): Promise<Judgement | { notCompared: string }> {
  const source = ctx.translations!;
  let published: Awaited<ReturnType<typeof source.published>>;
  try {
    published = await source.published(domain, lang, catalog.version);
  } catch (err) {
    return { notCompared: err instanceof Error ? err.message : String(err) };
  }
  if (!published) {
    return {
      category: 'translation-mismatch',
      severity: 'medium',
      reasons: [`${source.base} publishes no catalog of ${domain} in ${lang}${catalog.version ? ` (neither for ${catalog.version} nor a latest one)` : ''}, yet the release has one`, ...shape],
    };
  }
  let theirs: PoEntry[];
  try {
    theirs = parsePo(published.text);
  } catch (err) {
    return { notCompared: `${published.url} does not parse (${err instanceof Error ? err.message : String(err)})` };
  }
  const difference = compareCatalogs(catalog.entries, theirs);
  const which = published.latest ? `the latest catalog ${published.url} (the one of ${catalog.version ?? 'its version'} is not published; the latest may be newer than the release)` : published.url;
  if (difference.changed.length === 0) {
    return {
      category: 'translation-catalog',
      severity: 'low',
      reasons: [...shape, `all ${plural(catalog.translated, 'translation')} in effect are those of ${which}`],
    };
  }
  return {
    category: 'translation-mismatch',
    severity: 'medium',
    reasons: [
      `${difference.changed.length} of ${plural(catalog.translated, 'translation')} in effect differ from ${which}`,
      ...shape.slice(0, 1),
    ],
    evidence: { diff: differenceDiff(difference, maxMessages), added: difference.changed.length, removed: difference.changed.filter((c) => c.published !== undefined).length },
  };
}

/**
 * The catalog as a worker read it ahead (prepare), without its entries, else
 * read here. Comparing it with the published one needs the entries, so no
 * worker reads ahead when fetching is allowed.
 */
async function readDownloaded(path: string, domain: string, lang: string, ctx: AnalysisContext): Promise<{ catalog: Catalog | CatalogSummary | string; gmo?: number } | undefined> {
  const ahead = await queuedWork(ctx.tagByPath)?.answer(path);
  if (ahead) return ahead;
  const text = await releaseText(ctx, path);
  return text === undefined ? undefined : { catalog: readCatalog(path, text, domain, lang) };
}

async function judgePo(path: string, dir: string, lang: string, setup: TranslationSetup, domain: string, ctx: AnalysisContext): Promise<PoVerdict> {
  const listed = await listing(dir, lang, ctx);
  if (!listed) return { judgement: undefined };
  const read = await readDownloaded(path, domain, lang, ctx);
  if (!read) return { judgement: undefined };
  const { catalog, gmo } = read;
  const where = `${setup.script} in the tag downloads the ${domain} catalogs (${domain}: ${setup.domainSource}) from the Translation Project (${setup.url.replace('%s', domain)})`;
  const unexplained = (why: string): PoVerdict => ({ judgement: { category: 'unexplained', severity: 'medium', reasons: ['not in the tag, and no rule explains it', `${where}, but ${why}`] } });
  if (typeof catalog === 'string') return unexplained(catalog);
  // A header naming another package is only believed when the published catalog has these translations.
  const other = catalog.otherPackage ? `its header names ${JSON.stringify(catalog.projectId)}, not ${domain}` : undefined;
  if (other && !ctx.translations) return unexplained(`${other} (--fetch-translations compares it with the published one)`);
  const shape = [
    `translation of ${domain} into ${lang} (${catalog.projectId}${catalog.lastTranslator ? `, last translator ${catalog.lastTranslator}` : ''}): ${where}`,
    `parses as a catalog with ${plural(catalog.translated, 'translation')} in effect${other ? ` (${other})` : ''}; no build code or encoded data in it; ${listed}`,
  ];
  let why = "fetching them is off (--fetch-translations compares it)";
  if (ctx.translations && 'entries' in catalog) {
    const judgement = await compared(lang, domain, catalog, ctx, shape);
    if (!('notCompared' in judgement)) return { judgement, ...(judgement.category === 'translation-catalog' ? { catalog } : {}) };
    if (other) return unexplained(`${other}, and the published catalog could not be had: ${judgement.notCompared}`);
    why = judgement.notCompared;
  }
  return {
    judgement: { category: 'translation-catalog', severity: 'low', reasons: [...shape, `judged by its shape only, not compared with the Translation Project's copy: ${why}`] },
    catalog,
    ...(gmo === undefined ? {} : { gmo }),
  };
}

function poVerdict(path: string, dir: string, lang: string, setup: TranslationSetup, domain: string, ctx: AnalysisContext): Promise<PoVerdict> {
  let byPath = verdicts.get(ctx.tagByPath);
  if (!byPath) verdicts.set(ctx.tagByPath, (byPath = new Map()));
  let verdict = byPath.get(path);
  if (!verdict) byPath.set(path, (verdict = judgePo(path, dir, lang, setup, domain, ctx)));
  return verdict;
}

/** A .gmo compiled from a downloaded .po: every translation it carries is in effect there. */
async function compiled(path: string, dir: string, lang: string, setup: TranslationSetup, domain: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const poPath = join(dir, `${lang}.po`);
  if (ctx.tagByPath.has(poPath) || !ctx.releaseOnly?.has(poPath)) return undefined;
  const verdict = await poVerdict(poPath, dir, lang, setup, domain, ctx);
  if (!verdict.catalog) return undefined;
  let translations = verdict.gmo;
  if ('entries' in verdict.catalog) {
    const entry = ctx.releaseOnly.get(path);
    const bytes = entry?.type === 'file' ? await ctx.releaseContent(entry) : undefined;
    translations = bytes ? gmoInEffect(bytes, verdict.catalog.entries) : undefined;
  }
  if (translations === undefined) return undefined;
  return {
    category: 'translation-catalog',
    severity: 'low',
    reasons: [`GNU MO catalog compiled by msgfmt from ${poPath}: all ${plural(translations, 'translation')} it carries are in effect there`, `${poPath} is a catalog the bootstrap downloads (see its finding)`],
  };
}

/** po/LINGUAS as bootstrap writes it: the languages it downloaded, each with its .po in the release. */
async function languageList(path: string, dir: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const text = await releaseText(ctx, path);
  if (text === undefined || text.length > 64 * 1024) return undefined;
  const langs = linguas(text);
  if (langs.length === 0 || !langs.every((l) => languageCode.test(l) && (ctx.releaseOnly?.has(join(dir, `${l}.po`)) || ctx.tagByPath.has(join(dir, `${l}.po`))))) return undefined;
  return { category: 'translation-catalog', severity: 'low', reasons: [`the list of ${plural(langs.length, 'language')} bootstrap downloaded, each with its ${dir}/LL.po in the release`] };
}

/** Makevars variables (gettext's Makevars.template) that bootstrap fills in from bootstrap.conf. */
const makevarsNames = new Set([
  'DOMAIN', 'subdir', 'top_builddir', 'XGETTEXT_OPTIONS', 'COPYRIGHT_HOLDER', 'PACKAGE_GNU', 'MSGID_BUGS_ADDRESS', 'EXTRA_LOCALE_CATEGORIES',
  'USE_MSGCTXT', 'MSGMERGE_OPTIONS', 'MSGINIT_OPTIONS', 'PO_DEPENDS_ON_POT', 'DIST_DEPENDS_ON_UPDATE_PO',
]);

/**
 * po/Makevars that bootstrap writes from gettext's template: make includes it,
 * so only plain assignments of the template's variables pass, with no make
 * function, no command substitution and no rule.
 */
async function makevars(path: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const text = await releaseText(ctx, path);
  if (text === undefined || text.length > 64 * 1024) return undefined;
  const logical = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const names: string[] = [];
  for (const line of logical) {
    const m = /^([A-Za-z_]+)\s*[:+?]?=(.*)$/.exec(line);
    // bootstrap ends XGETTEXT_OPTIONS with `$${end_of_xgettext_options+}`, an escaped empty shell expansion.
    const value = m?.[2]!.replace('$${end_of_xgettext_options+}', '');
    if (!m || !makevarsNames.has(m[1]!) || /[`;|&]|\$(?!\([A-Za-z_]+\))/.test(value!)) return undefined;
    names.push(m[1]!);
  }
  if (!names.includes('DOMAIN')) return undefined;
  return {
    category: 'translation-catalog',
    severity: 'low',
    reasons: ["gettext's Makevars as bootstrap writes it from Makevars.template and bootstrap.conf", `only plain assignments of the template's variables (${names.join(', ')}): no make function, command or rule`],
  };
}

export const translationCatalog: Rule = {
  name: 'translation-catalog',
  changes: ['only-in-release'],
  /** A worker reads the downloaded catalogs, with their `.gmo`, while the other files are judged (catalog-thread.ts). */
  async prepare(changes, ctx) {
    if (ctx.translations || !ctx.releaseOnly) return undefined;
    const releaseOnly = ctx.releaseOnly;
    const candidates = changes.filter((c) => {
      const { dir, name } = splitPath(c.path);
      return c.kind === 'only-in-release' && (dir === 'po' || dir === 'runtime-po') && name.endsWith('.po') && releaseOnly.get(c.path)?.type === 'file';
    });
    // The tag's setup is read only for a release with catalogs it could have downloaded.
    const setup = candidates.length > 0 ? await translationSetup(ctx) : undefined;
    if (!setup) return undefined;
    const tasks: Array<{ path: string; domain: string; lang: string; gmo: string }> = [];
    let bytes = 0;
    for (const { path } of candidates) {
      const { dir, name } = splitPath(path);
      const domain = folderDomain(dir, setup);
      const lang = name.slice(0, -'.po'.length);
      if (!domain || !languageCode.test(lang) || !ctx.tagByPath.has(join(dir, 'POTFILES.in'))) continue;
      const gmo = join(dir, `${lang}.gmo`);
      tasks.push({ path, domain, lang, gmo });
      bytes += releaseOnly.get(path)!.size + Math.max(0, releaseOnly.get(gmo)?.size ?? 0);
    }
    if (tasks.length === 0 || bytes < catalogThread.workerFrom) return undefined;
    const work = catalogWork(ctx.tagByPath);
    const content = async (path: string) => {
      const entry = releaseOnly.get(path);
      return entry?.type === 'file' ? ctx.releaseContent(entry) : undefined;
    };
    for (const { path, domain, lang, gmo } of tasks) {
      work.ahead(path, async () => {
        const po = await content(path);
        const compiled = await content(gmo);
        return po && { path, domain, lang, po, ...(compiled ? { gmo: compiled } : {}) };
      });
    }
    return () => work.close();
  },
  async judge(change, ctx) {
    if (change.release?.type !== 'file') return undefined;
    const { dir, name } = splitPath(change.path);
    if (dir !== 'po' && dir !== 'runtime-po') return undefined;
    const setup = await translationSetup(ctx);
    const domain = setup && folderDomain(dir, setup);
    if (!setup || !domain || !ctx.tagByPath.has(join(dir, 'POTFILES.in'))) return undefined;
    if (name === 'LINGUAS') return languageList(change.path, dir, ctx);
    if (name === 'Makevars') return makevars(change.path, ctx);
    const m = /^(.+)\.(po|gmo)$/.exec(name);
    if (!m || !languageCode.test(m[1]!)) return undefined;
    if (m[2] === 'gmo') return compiled(change.path, dir, m[1]!, setup, domain, ctx);
    const { judgement } = await poVerdict(change.path, dir, m[1]!, setup, domain, ctx);
    // Its entries hold the whole catalog's text: once the .po is judged they go
    // (its .gmo sorts before it, and one judged later reads the .po again).
    verdicts.get(ctx.tagByPath)?.delete(change.path);
    return judgement;
  },
};
