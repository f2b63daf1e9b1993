import { headerEnd, headerFields, isActive, isHeader, obsoleteTranslations, poKey, readPo, type PoCatalog, type PoEntry } from '../po.js';
import { sharedWork } from '../rule.js';
import type { Rule } from '../rule.js';
import { tagCatalog } from '../tag-catalog.js';

/**
 * `make dist` runs msgmerge over every `.po` against the fresh template: it
 * rewrites `#:` references, header dates, adds new messages untranslated or
 * as fuzzy guesses, turns vanished ones into `#~` obsolete entries, and puts
 * an obsolete one back in effect when its message returns. None of that
 * changes a translation's text (fuzzy and empty ones are not compiled), so
 * that is the test: every translation the release puts in effect must be in
 * the tag, with the same text, in effect or obsolete (shadow 4.13's
 * man/po/da.po brings back `#~ msgid "13"`).
 */

/** Past this many translations in effect that the tag has not in effect, a catalog is not a refresh: msgmerge brings back a few. */
const maxUnmatched = 1000;

/** Header fields msgmerge copies from the new template. */
const refreshedFields = new Set(['POT-Creation-Date', 'Report-Msgid-Bugs-To', 'Project-Id-Version']);

/**
 * The header fields that differ, all of them ones msgmerge writes, or
 * undefined. msgmerge also fills an empty Language from the catalog's name
 * (shadow 4.13's po/pt_BR.po: `Language: ` → `Language: pt_BR`).
 */
function headerChanges(a: Map<string, string>, b: Map<string, string>, language: string | undefined): string[] | undefined {
  const changed: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(name) === b.get(name)) continue;
    const filled = name === 'Language' && !a.get(name) && language !== undefined && b.get(name) === language;
    if (!refreshedFields.has(name) && !filled) return undefined;
    changed.push(name);
  }
  return changed;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface Comparison {
  /** The release's header entry. */
  headerEntry: PoEntry | undefined;
  /** A template that carries a translation. */
  translated: boolean;
  /** A translation in effect in the release that the tag does not have in effect, with that text. */
  differs: boolean;
  /** Translations in effect in the release, the same in the tag. */
  kept: number;
  /**
   * Translations in effect in the release that the tag does not have in
   * effect (MO key, text): each must be one of the tag's obsolete ones,
   * which msgmerge brought back, for the catalog to be a refresh.
   */
  unmatched: Array<[string, string]>;
  /** Messages the tag does not have, and how many of them are fuzzy. */
  added: number;
  fuzzy: number;
}

/** The release's catalog against the tag's, entry by entry. The release's entries are looked at as they are read, none kept (see readPo). */
export function comparePo(afterBytes: Buffer, catalog: PoCatalog, template: boolean): Comparison {
  const c: Comparison = { headerEntry: undefined, translated: false, differs: false, kept: 0, unmatched: [], added: 0, fuzzy: 0 };
  readPo(afterBytes, (e) => {
    if (!c.headerEntry && isHeader(e)) c.headerEntry = e;
    if (template) {
      c.translated ||= e.msgid !== '' && e.msgstr.some((s) => s !== '');
      return;
    }
    if (e.obsolete) return;
    const key = poKey(e);
    if (isActive(e)) {
      const text = e.msgstr.join('\0');
      if (catalog.active.get(key) === text) c.kept++;
      else if (catalog.active.has(key) || c.unmatched.length >= maxUnmatched) c.differs = true;
      else {
        // Not in effect in the tag: one of its obsolete translations, or not msgmerge's doing (judge decides).
        c.unmatched.push([key, text]);
        return;
      }
    }
    if (e.msgid !== '' && !catalog.known.has(key)) {
      c.added++;
      if (e.fuzzy) c.fuzzy++;
    }
  });
  return c;
}

/**
 * The comparison without reading the release's entries, when msgmerge changed
 * the header alone (the template's date moved, no message did): past their
 * headers the two files are the same bytes, so the release's entries are the
 * tag's, and every translation in effect is kept. Undefined otherwise, and
 * when a key comes twice in effect (the catalog keeps one text of the two).
 */
export async function sameAfterHeader(afterBytes: Buffer, tagContent: () => Promise<Buffer>, catalog: PoCatalog): Promise<Comparison | undefined> {
  if (catalog.activeEntries !== catalog.active.size) return undefined;
  const after = headerEnd(afterBytes);
  if (after === undefined) return undefined;
  const tagBytes = await tagContent();
  const before = headerEnd(tagBytes);
  if (before === undefined || !afterBytes.subarray(after).equals(tagBytes.subarray(before))) return undefined;
  let headerEntry: PoEntry | undefined;
  readPo(afterBytes.subarray(0, after), (e) => (headerEntry ??= e));
  return { headerEntry, translated: false, differs: false, kept: catalog.active.size, unmatched: [], added: 0, fuzzy: 0 };
}

export const poRefresh: Rule = {
  name: 'po-refresh',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    if (release?.type !== 'file' || tag?.type !== 'file') return undefined;
    const template = change.path.endsWith('.pot');
    if (!template && !change.path.endsWith('.po')) return undefined;
    const afterBytes = await ctx.releaseContent(release);
    if (!afterBytes) return undefined;
    const catalog = await tagCatalog(tag, ctx);
    const { headerEntry, translated, differs, kept, unmatched, added, fuzzy } =
      (!template && (await sameAfterHeader(afterBytes, () => ctx.tagContent(tag), catalog))) || comparePo(afterBytes, catalog, template);
    if (differs) return undefined;
    if (unmatched.length > 0) {
      const obsolete = await sharedWork(ctx, `po-obsolete:${tag.oid}`, async () => obsoleteTranslations(await ctx.tagContent(tag)));
      if (!unmatched.every(([key, text]) => obsolete.get(key) === text)) return undefined;
    }
    const revived = unmatched.length;
    const header = headerChanges(catalog.header, headerFields(headerEntry), template ? undefined : /^([a-z]{2,3}(?:_[A-Z]{2})?(?:@[a-z]+)?)\.po$/.exec(change.path.split('/').pop()!)?.[1]);
    if (!header) return undefined;
    const reasons: string[] = [];
    if (template) {
      // A template carries no translations; one that does is not a template.
      if (translated) return undefined;
      reasons.push('gettext template regenerated from the sources: messages and references changed, no translations');
    } else {
      const inEffect = catalog.active;
      reasons.push(
        `refreshed by msgmerge: all ${plural(kept, 'translation')} in effect are unchanged from the tag`,
        `${plural(added, 'new message')} from the template (${fuzzy} fuzzy, not compiled; ${added - fuzzy} untranslated)`,
      );
      if (revived > 0) reasons.push(`${plural(revived, 'obsolete translation')} of the tag back in effect, the same text (msgmerge revives an obsolete entry whose message returns)`);
      const dropped = inEffect.size - kept;
      if (dropped > 0) reasons.push(`${plural(dropped, 'translation')} of the tag no longer in effect (obsolete or fuzzy now)`);
    }
    if (header.length > 0) reasons.push(`header fields refreshed: ${header.join(', ')}`);
    return { category: 'po-refresh', severity: 'low', reasons };
  },
};
