import { headerFields } from '../po.js';
import type { TagEntry } from '../../git/types.js';
import type { ReleaseEntry } from '../../release/entry.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { catalogRefresh, tagCatalog } from '../tag-catalog.js';
import { comparePo } from '../translations/against-tag.js';
import { plural } from '../../plural.js';

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


export const poRefresh: Rule = {
  name: 'po-refresh',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    if (release?.type !== 'file' || tag?.type !== 'file') return undefined;
    const template = change.path.endsWith('.pot');
    if (!template && !change.path.endsWith('.po')) return undefined;
    if (template) return templateRefresh(release, tag, ctx);
    const afterBytes = await ctx.releaseContent(release);
    if (!afterBytes) return undefined;
    const facts = await catalogRefresh(tag, release, afterBytes, ctx);
    if (!facts) return undefined;
    const { kept, added, fuzzy, revived, inEffect } = facts;
    const header = headerChanges(facts.tagHeader, facts.releaseHeader, /^([a-z]{2,3}(?:_[A-Z]{2})?(?:@[a-z]+)?)\.po$/.exec(change.path.split('/').pop()!)?.[1]);
    if (!header) return undefined;
    const reasons = [
      `refreshed by msgmerge: all ${plural(kept, 'translation')} in effect are unchanged from the tag`,
      `${plural(added, 'new message')} from the template (${fuzzy} fuzzy, not compiled; ${added - fuzzy} untranslated)`,
    ];
    if (revived > 0) reasons.push(`${plural(revived, 'obsolete translation')} of the tag back in effect, the same text (msgmerge revives an obsolete entry whose message returns)`);
    const dropped = inEffect - kept;
    if (dropped > 0) reasons.push(`${plural(dropped, 'translation')} of the tag no longer in effect (obsolete or fuzzy now)`);
    if (header.length > 0) reasons.push(`header fields refreshed: ${header.join(', ')}`);
    return { category: 'po-refresh', severity: 'low', reasons };
  },
};

/** A gettext template (`.pot`) xgettext wrote again: messages and references changed, no translation in it. */
async function templateRefresh(release: ReleaseEntry, tag: TagEntry, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const afterBytes = await ctx.releaseContent(release);
  if (!afterBytes) return undefined;
  const catalog = await tagCatalog(tag, ctx);
  const { headerEntry, translated } = comparePo(afterBytes, catalog, true);
  // A template carries no translations; one that does is not a template.
  if (translated) return undefined;
  const header = headerChanges(catalog.header, headerFields(headerEntry), undefined);
  if (!header) return undefined;
  const reasons = ['gettext template regenerated from the sources: messages and references changed, no translations'];
  if (header.length > 0) reasons.push(`header fields refreshed: ${header.join(', ')}`);
  return { category: 'po-refresh', severity: 'low', reasons };
}
