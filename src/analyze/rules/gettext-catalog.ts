import { moByteOrder } from '../mo.js';
import { parsePo } from '../po.js';
import { catalogRefresh, tagCatalog } from '../tag-catalog.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { splitPath } from '../places.js';
import { compiledFacts, readPoCatalog, type CompiledFacts } from '../translations/against-tag.js';
import { quotationOnly, quotScripts } from '../translations/quot.js';
import type { TagEntry } from '../../git/types.js';

/**
 * Files gettext writes into `po/` at `make dist`: compiled catalogs (`.gmo`),
 * the template (`.pot`) and `stamp-po`. A `.gmo` is binary and ships to users'
 * machines, so it is explained only when every translation it carries is one
 * the tag's `.po` already has in effect: a catalog cannot smuggle in text the
 * translators never wrote.
 */

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const inTag = (ctx: AnalysisContext, path: string) => ctx.tagByPath.get(path)?.type === 'file';

/** gettext's files that mark a folder as a catalog folder. */
const catalogMarkers = ['POTFILES.in', 'Makevars', 'LINGUAS', 'po4a.conf'];

async function compiledCatalog(dir: string, stem: string, bytes: Buffer, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const order = moByteOrder(bytes);
  if (!order) return undefined;
  const poPath = join(dir, `${stem}.po`);
  const po = ctx.tagByPath.get(poPath);
  if (po?.type !== 'file') return quotCompiled(dir, stem, bytes, order, ctx);
  const catalog = await tagCatalog(po, ctx);
  const fromTag = compiledFacts(bytes, catalog);
  const refreshed = fromTag ? undefined : await fromRefreshed(bytes, poPath, po, ctx);
  const facts = fromTag ?? refreshed;
  if (!facts) return undefined;
  const { translations, convertedFrom } = facts;
  const where = refreshed
    ? `in effect in ${poPath} as the release ships it, which msgmerge refreshed from the tag's: every translation in effect there is the tag's, ${refreshed.revived} of them ${refreshed.revived === 1 ? 'an obsolete translation' : 'obsolete translations'} of the tag back in effect (see its finding)`
    : `in effect in ${poPath} in the tag`;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [
      `GNU MO catalog (${order === 'le' ? 'little' : 'big'}-endian magic), compiled by msgfmt`,
      `all ${translations} translations it carries are ${where}${convertedFrom ? `, converted from its ${convertedFrom} to UTF-8 (as msgfmt of gettext 0.22 and later writes them)` : ''}`,
    ],
  };
}

/**
 * A `.gmo` msgfmt compiled from the release's `.po` after msgmerge refreshed
 * it: msgmerge puts an obsolete translation of the tag back in effect when
 * its message returns (shadow 4.17.4's `po/de.po`), and msgfmt compiles it
 * in, so the tag's translations in effect do not cover the catalog. It is
 * then checked against the release's `.po`, only when that file passes the
 * refresh rule's test (refreshFacts): every translation in effect in it is
 * the tag's, in effect or obsolete, with the same text. No text the tag's
 * translators did not write gets in either way.
 */
async function fromRefreshed(bytes: Buffer, poPath: string, po: TagEntry, ctx: AnalysisContext): Promise<(CompiledFacts & { revived: number }) | undefined> {
  const release = ctx.releaseModified?.get(poPath);
  if (release?.type !== 'file') return undefined;
  const after = await ctx.releaseContent(release);
  if (!after) return undefined;
  const refresh = await catalogRefresh(po, release, after, ctx);
  if (!refresh || refresh.revived === 0) return undefined;
  const facts = compiledFacts(bytes, readPoCatalog(after));
  return facts && { ...facts, revived: refresh.revived };
}

/**
 * Whether the release alone has at `path` a file of gettext's, byte for byte
 * (by the index): autopoint and gettextize copy `po/`'s build files
 * (Rules-quot, the sed scripts) at bootstrap, and many projects keep them out
 * of git.
 */
function isGettextCopy(path: string, ctx: AnalysisContext): boolean {
  const entry = ctx.releaseOnly?.get(path);
  if (entry?.type !== 'file' || entry.blobId === undefined) return false;
  return ctx.knowledge?.byName(splitPath(path).name).some((f) => f.blobId === entry.blobId && f.origin.package === 'gettext') === true;
}

interface QuotFound {
  translations: number;
  rules: string;
  /** Those of Rules-quot and the sed script that are gettext's copies in the release, not the tag's. */
  copies: string[];
}

/**
 * `en@quot.po` or `en@boldquot.po` as Rules-quot writes it (see quot.ts):
 * the tag has Rules-quot and the sed script, or the release has gettext's own
 * copies of them (see isGettextCopy), and each translation is its message with
 * only its quotation marks changed.
 */
async function quotCatalog(dir: string, stem: string, bytes: Buffer, ctx: AnalysisContext): Promise<QuotFound | undefined> {
  const script = quotScripts.get(stem);
  const rules = join(dir, 'Rules-quot');
  if (!script) return undefined;
  const parts = [rules, join(dir, script)];
  const copies = parts.filter((p) => !inTag(ctx, p));
  if (!copies.every((p) => isGettextCopy(p, ctx))) return undefined;
  const translations = quotationOnly(bytes, stem === 'en@boldquot');
  return translations === undefined ? undefined : { translations, rules, copies };
}

/** What the reason says of gettext's copies in the release. */
const copiedText = (copies: string[]) =>
  copies.length === 0 ? '' : ` (${copies.join(' and ')} ${copies.length === 1 ? 'is a file' : 'are files'} of gettext's, in the release alone: autopoint or gettextize copies them)`;

function quotJudgement(dir: string, stem: string, found: QuotFound): Judgement {
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [
      `English catalog with quotation marks, which ${found.rules}${found.copies.length > 0 ? '' : ' in the tag'} writes from the template with msgfilter and ${join(dir, quotScripts.get(stem)!)}${copiedText(found.copies)}`,
      `each of its ${found.translations} translations is its message with only its quotation marks made typographic${stem === 'en@boldquot' ? ' and bold' : ''}: no text of its own`,
    ],
  };
}

/** A `.gmo` compiled from such a catalog of the release (the tag has none of that name): its translations are that catalog's. */
async function quotCompiled(dir: string, stem: string, bytes: Buffer, order: 'le' | 'be', ctx: AnalysisContext): Promise<Judgement | undefined> {
  const poPath = join(dir, `${stem}.po`);
  const entry = quotScripts.has(stem) ? ctx.releaseOnly?.get(poPath) : undefined;
  const po = entry?.type === 'file' ? await ctx.releaseContent(entry) : undefined;
  if (!po || !(await quotCatalog(dir, stem, po, ctx))) return undefined;
  const facts = compiledFacts(bytes, readPoCatalog(po));
  if (!facts) return undefined;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [
      `GNU MO catalog (${order === 'le' ? 'little' : 'big'}-endian magic), compiled by msgfmt`,
      `all ${facts.translations} translations it carries are in effect in ${poPath} as the release ships it, each its message with only its quotation marks changed (see its finding)`,
    ],
  };
}

function template(dir: string, text: string, ctx: AnalysisContext): Judgement | undefined {
  if (!/^msgid ""$/m.test(text) || !/^"Content-Type: text\/plain; charset=/m.test(text)) return undefined;
  const marker = catalogMarkers.map((m) => join(dir, m)).find((p) => inTag(ctx, p));
  if (!marker) return undefined;
  // A template lists the strings to translate; a translation in it is not a template's shape.
  const entries = parsePo(text);
  if (entries.some((e) => e.msgid !== '' && e.msgstr.some((s) => s !== ''))) return undefined;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [`gettext template with ${entries.length - 1} messages and no translations`, `${marker} in the tag says this folder holds catalogs`],
  };
}

function stamp(dir: string, text: string, ctx: AnalysisContext): Judgement | undefined {
  // gettext's po/Makefile writes the word `timestamp` (or a date) into it.
  if (text.length > 64 || !/^[\w :.,+-]*\n?$/.test(text)) return undefined;
  const marker = catalogMarkers.map((m) => join(dir, m)).find((p) => inTag(ctx, p));
  if (!marker) return undefined;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [`make's timestamp for the catalogs (content: ${JSON.stringify(text.trim())})`, `${marker} in the tag says this folder holds catalogs`],
  };
}

export const gettextCatalog: Rule = {
  name: 'gettext-catalog',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file') return undefined;
    const { dir, name } = splitPath(change.path);
    const stem = name.replace(/\.po$/, '');
    const kind = name === 'stamp-po' ? 'stamp' : name.endsWith('.gmo') ? 'gmo' : name.endsWith('.pot') ? 'pot' : quotScripts.has(stem) && stem !== name ? 'quot' : undefined;
    if (!kind) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content) return undefined;
    if (kind === 'gmo') return compiledCatalog(dir, name.slice(0, -'.gmo'.length), content, ctx);
    if (kind === 'quot') {
      const found = await quotCatalog(dir, stem, content, ctx);
      return found && quotJudgement(dir, stem, found);
    }
    const text = content.toString('utf8');
    return kind === 'pot' ? template(dir, text, ctx) : stamp(dir, text, ctx);
  },
};
