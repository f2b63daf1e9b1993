import type { TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { PoCatalog } from './po.js';
import { sharedWork, type AnalysisContext } from './rule.js';
import { readPoCatalog, refreshFacts, type RefreshFacts } from './translations/against-tag.js';

/**
 * A tag's `.po` parsed once per run (see readPoCatalog): the catalog refresh
 * rule reads it for the release's `.po`, the compiled catalog rule for the
 * release's `.gmo`.
 */
export function tagCatalog(entry: TagEntry, ctx: AnalysisContext): Promise<PoCatalog> {
  return sharedWork(ctx, `po:${entry.oid}`, async () => readPoCatalog(await ctx.tagContent(entry)));
}

/**
 * Whether the release's `.po` (`release`, its bytes `after`) is a msgmerge
 * refresh of the tag's (see refreshFacts), worked out once per run: the
 * refresh rule asks it for the `.po`, the compiled catalog rule for the
 * `.gmo` msgfmt made from it.
 */
export function catalogRefresh(tag: TagEntry, release: ReleaseEntry, after: Buffer, ctx: AnalysisContext): Promise<RefreshFacts | undefined> {
  const key = `po-refresh:${tag.oid}\0${release.blobId ?? release.sha256 ?? release.path}`;
  return sharedWork(ctx, key, async () => refreshFacts(after, await ctx.tagContent(tag), await tagCatalog(tag, ctx)));
}
