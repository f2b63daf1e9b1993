import type { TagEntry } from '../git/types.js';
import { parsePo, poCatalog, type PoCatalog } from './po.js';
import { sharedWork, type AnalysisContext } from './rule.js';

/**
 * A tag's `.po` parsed once per run: the catalog refresh rule reads it for the
 * release's `.po`, the compiled catalog rule for the release's `.gmo`.
 */
export function tagCatalog(entry: TagEntry, ctx: AnalysisContext): Promise<PoCatalog> {
  return sharedWork(ctx, `po:${entry.oid}`, async () => poCatalog(parsePo((await ctx.tagContent(entry)).toString('utf8'))));
}
