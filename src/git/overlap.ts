/**
 * Which tags of a local repository share the most paths with a release: when
 * a release does not come from the tag it was checked against, the report
 * names the tags it may come from. Each tag costs one `git ls-tree`, so only
 * the newest are asked.
 */
import { gitText } from './run.js';
import type { RepoHandle } from './types.js';

export interface TagOverlap {
  tag: string;
  /** Release paths the tag's tree has. */
  common: number;
}

/** Up to `max` of the `asked` newest tags, by paths in common with `paths`, best first; only tags sharing at least one. */
export async function tagsByOverlap(repo: RepoHandle, paths: ReadonlySet<string>, opts: { asked?: number; max?: number } = {}): Promise<TagOverlap[]> {
  const listed = await gitText(repo, ['for-each-ref', '--sort=-creatordate', `--count=${opts.asked ?? 30}`, '--format=%(refname:short)', 'refs/tags/']);
  const out: TagOverlap[] = [];
  for (const tag of listed.split('\n').filter(Boolean)) {
    const names = await gitText(repo, ['ls-tree', '-r', '-z', '--name-only', '--end-of-options', `refs/tags/${tag}^{tree}`]).catch(() => '');
    let common = 0;
    for (const name of names.split('\0')) if (name && paths.has(name)) common++;
    if (common > 0) out.push({ tag, common });
  }
  return out.sort((a, b) => b.common - a.common || (a.tag < b.tag ? -1 : 1)).slice(0, opts.max ?? 3);
}
