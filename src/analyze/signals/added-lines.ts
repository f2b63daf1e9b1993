/**
 * The 1-based line numbers of `release` whose text (trimmed) appears nowhere
 * in `tag`. For a modified build file only these can carry what the tag does
 * not explain; a signal on a line the tag already has was reviewed in git.
 * A multiset would be more exact, but moved lines are not new code.
 */
export function addedLines(tag: string, release: string): Set<number> {
  const known = new Set(tag.split('\n').map((l) => l.trim()));
  const added = new Set<number>();
  for (const [k, line] of release.split('\n').entries()) {
    if (!known.has(line.trim())) added.add(k + 1);
  }
  return added;
}
