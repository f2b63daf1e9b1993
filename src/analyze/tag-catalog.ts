import type { TagEntry } from '../git/types.js';
import { catalogBuilder, readPo, type PoCatalog } from './po.js';
import { sharedWork, type AnalysisContext } from './rule.js';

/**
 * A tag's `.po` parsed once per run: the catalog refresh rule reads it for the
 * release's `.po`, the compiled catalog rule for the release's `.gmo`.
 * Both sides are read as latin1, one character per byte: the comparison is
 * byte for byte whatever the catalog's charset (two different invalid UTF-8
 * sequences never compare equal), and decoding is a copy, not a UTF-8 pass
 * over tens of MB of translations. These rules show counts, never the text.
 * What is kept is the comparison's maps, not the entries (see readPo).
 */
export function tagCatalog(entry: TagEntry, ctx: AnalysisContext): Promise<PoCatalog> {
  return sharedWork(ctx, `po:${entry.oid}`, async () => {
    const builder = catalogBuilder();
    readPo(await ctx.tagContent(entry), builder.add);
    return builder.done();
  });
}
