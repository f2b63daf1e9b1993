import { isActive, parsePo, poHeader, poKey, type PoEntry } from '../po.js';
import type { Rule } from '../rule.js';
import { tagCatalog } from '../tag-catalog.js';

/**
 * `make dist` runs msgmerge over every `.po` against the fresh template: it
 * rewrites `#:` references, header dates, adds new messages untranslated or
 * as fuzzy guesses, and turns vanished ones into `#~` obsolete entries. None
 * of that changes a translation in effect (fuzzy and empty ones are not
 * compiled), so that is the test: every translation the release puts in
 * effect must already be in effect, with the same text, in the tag.
 */

/** Header fields msgmerge copies from the new template. */
const refreshedFields = new Set(['POT-Creation-Date', 'Report-Msgid-Bugs-To', 'Project-Id-Version']);

function headerChanges(before: PoEntry[], after: PoEntry[]): string[] | undefined {
  const a = poHeader(before);
  const b = poHeader(after);
  const changed: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(name) === b.get(name)) continue;
    if (!refreshedFields.has(name)) return undefined;
    changed.push(name);
  }
  return changed;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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
    const before = catalog.entries;
    const after = parsePo(afterBytes.toString('latin1'));
    const header = headerChanges(before, after);
    if (!header) return undefined;
    const reasons: string[] = [];
    if (template) {
      // A template carries no translations; one that does is not a template.
      if (after.some((e) => e.msgid !== '' && e.msgstr.some((s) => s !== ''))) return undefined;
      reasons.push('gettext template regenerated from the sources: messages and references changed, no translations');
    } else {
      const inEffect = catalog.active;
      let kept = 0;
      for (const e of after.filter(isActive)) {
        if (inEffect.get(poKey(e)) !== e.msgstr.join('\0')) return undefined;
        kept++;
      }
      const known = new Set(before.filter((e) => !e.obsolete).map(poKey));
      const added = after.filter((e) => !e.obsolete && e.msgid !== '' && !known.has(poKey(e)));
      const fuzzy = added.filter((e) => e.fuzzy).length;
      reasons.push(
        `refreshed by msgmerge: all ${plural(kept, 'translation')} in effect are unchanged from the tag`,
        `${plural(added.length, 'new message')} from the template (${fuzzy} fuzzy, not compiled; ${added.length - fuzzy} untranslated)`,
      );
      const dropped = inEffect.size - kept;
      if (dropped > 0) reasons.push(`${plural(dropped, 'translation')} of the tag no longer in effect (obsolete or fuzzy now)`);
    }
    if (header.length > 0) reasons.push(`header fields refreshed: ${header.join(', ')}`);
    return { category: 'po-refresh', severity: 'low', reasons };
  },
};
