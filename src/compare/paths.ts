/**
 * Archive paths are data, never file-system paths. These helpers normalise them
 * the way extractors do (`./a//b/` → `a/b`) and flag the ones no extractor
 * should be trusted with.
 */

export interface NormalisedPath {
  /** Segments after dropping empty and `.` segments. */
  segments: string[];
  /** Why the path is unsafe, if it is. */
  unsafe?: string;
}

export function normalisePath(raw: string): NormalisedPath {
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (raw.startsWith('/')) return { segments, unsafe: 'absolute path' };
  if (/^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\')) return { segments, unsafe: 'absolute Windows path' };
  if (segments.includes('..')) return { segments, unsafe: 'path with `..` components' };
  if (segments.length === 0) return { segments, unsafe: 'empty path' };
  return { segments };
}

/**
 * How many leading folders to strip, given the paths of the release's files
 * (folders left out). With `requested`, that many. Otherwise one
 * when every entry sits under the same top-level folder (`xz-5.6.1/`), unless the
 * tag itself has that folder at its top and keeping it matches more paths.
 */
export function detectStrip(
  releasePaths: string[][],
  tagTopLevel: Set<string>,
  tagPaths: Set<string>,
  requested?: number,
): number {
  if (requested !== undefined) return requested;
  if (releasePaths.length === 0) return 0;
  const first = releasePaths[0]![0];
  // Only a folder is stripped: every path (of files, not folders) must lie below it.
  const common = releasePaths.every((s) => s[0] === first && s.length > 1);
  if (!common || first === undefined) return 0;
  if (!tagTopLevel.has(first)) return 1;
  let kept = 0;
  let stripped = 0;
  for (const s of releasePaths) {
    if (tagPaths.has(s.join('/'))) kept++;
    if (tagPaths.has(s.slice(1).join('/'))) stripped++;
  }
  return stripped > kept ? 1 : 0;
}
