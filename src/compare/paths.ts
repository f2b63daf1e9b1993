/**
 * Archive paths are data, never file-system paths. These helpers normalise them
 * the way extractors do (`./a//b/` → `a/b`) and flag the ones no extractor
 * should be trusted with.
 */

export interface NormalisedPath {
  /** The segments left after dropping empty and `.` ones, joined by `/` ('' when none are left). */
  path: string;
  /** Why the path is unsafe, if it is. */
  unsafe?: string;
}

/**
 * Already normal but for a folder's trailing slash: no empty, `.` or `..`
 * segment and no leading `/` or `\`. Most archive paths are, and need no split.
 */
const plain = /^(?![/\\]|[A-Za-z]:[\\/])(?!\.\.?(?:\/|$))(?!.*\/\/)(?!.*\/\.\.?(?:\/|$))./s;

export function normalisePath(raw: string): NormalisedPath {
  if (plain.test(raw)) return { path: raw.endsWith('/') ? raw.slice(0, -1) : raw };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  const path = segments.join('/');
  if (raw.startsWith('/')) return { path, unsafe: 'absolute path' };
  if (/^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\')) return { path, unsafe: 'absolute Windows path' };
  if (segments.includes('..')) return { path, unsafe: 'path with `..` components' };
  if (segments.length === 0) return { path, unsafe: 'empty path' };
  return { path };
}

/** `path` (normalised) without its first `n` segments, or undefined when it has no more than `n`. */
export function stripSegments(path: string, n: number): string | undefined {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const slash = path.indexOf('/', start);
    if (slash === -1) return undefined;
    start = slash + 1;
  }
  return start === 0 ? path : path.slice(start);
}

/** The first segment of a normalised path. */
export function topSegment(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

/**
 * How many leading folders to strip, from the normalised paths of the
 * release's files (folders left out), seen one at a time. With a requested
 * count, that many. Otherwise one when every file sits under the same
 * top-level folder (`xz-5.6.1/`), unless the tag itself has that folder at its
 * top and keeping it matches more paths.
 */
export class StripDetector {
  private first: string | undefined;
  private common = true;
  private kept = 0;
  private stripped = 0;

  constructor(
    private readonly tagTopLevel: ReadonlySet<string>,
    private readonly tagPaths: { has(path: string): boolean },
  ) {}

  add(path: string): void {
    if (!this.common) return;
    const first = (this.first ??= topSegment(path));
    // Only a folder is stripped: every path (of files, not folders) must lie below it.
    if (!(path.length > first.length && path.startsWith(first) && path[first.length] === '/')) {
      this.common = false;
      return;
    }
    if (!this.tagTopLevel.has(first)) return;
    if (this.tagPaths.has(path)) this.kept++;
    if (this.tagPaths.has(path.slice(first.length + 1))) this.stripped++;
  }

  strip(requested?: number): number {
    if (requested !== undefined) return requested;
    if (this.first === undefined || !this.common) return 0;
    if (!this.tagTopLevel.has(this.first)) return 1;
    return this.stripped > this.kept ? 1 : 0;
  }
}

/** StripDetector over a list. */
export function detectStrip(
  releasePaths: string[],
  tagTopLevel: ReadonlySet<string>,
  tagPaths: { has(path: string): boolean },
  requested?: number,
): number {
  const detector = new StripDetector(tagTopLevel, tagPaths);
  for (const path of releasePaths) detector.add(path);
  return detector.strip(requested);
}
