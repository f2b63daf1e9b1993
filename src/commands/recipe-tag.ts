/**
 * The last two parts every recipe needs, the same for Debian, RPM and Arch:
 * the repository (the recipe's own, else the --repo-map's) and the tag of
 * the upstream version among that repository's tags.
 */
import { pickTag, type TagLister } from './upstream-tag.js';
import { tagFromTemplate, type RepoMapEntry } from './repo-map.js';

export interface TagAsk {
  repo: string;
  version: string;
  /** Spellings the recipe states, tried first. */
  preferred: string[];
  names: string[];
  mapped?: RepoMapEntry;
  /** Tags the recipe recognises as this version by a rule of its own (a watch file's pattern and uversionmangle). */
  matches?: (tag: string) => boolean;
  /** What to add where when no tag fits, e.g. `"%global tag …" to the spec`. */
  fix: string;
}

/** The tag, or the one phrase saying what is missing. */
export async function recipeTag(ask: TagAsk, listTags: TagLister): Promise<{ tag: string } | { missing: string }> {
  const preferred = [...(ask.mapped?.tag ? [tagFromTemplate(ask.mapped.tag, ask.version)] : []), ...ask.preferred];
  try {
    const tags = await listTags(ask.repo);
    if (ask.matches) preferred.push(...tags.map((t) => t.name).filter(ask.matches));
    const picked = pickTag(tags, { version: ask.version, preferred, names: ask.names }, ask.repo);
    return 'tag' in picked ? picked : { missing: `${picked.missing}: add ${ask.fix}` };
  } catch (err) {
    return { missing: `the tags of ${ask.repo}: ${err instanceof Error ? err.message : String(err)} (check the repository named for ${ask.names[0] ?? 'it'})` };
  }
}
