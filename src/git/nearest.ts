/**
 * Which existing tags come closest to a wanted version, for error hints
 * ("nearest tags: v5.6.0, v5.6.2"). Pure and linear in the number of tags.
 */

/** The version part of a tag or version string, with separators unified: `curl-7_88_1` → `7.88.1`. */
export function versionKey(text: string): string {
  const start = text.search(/\d/);
  if (start < 0) return '';
  return text.slice(start).toLowerCase().replace(/[-_]/g, '.');
}

/**
 * Up to `max` tag names ordered by edit distance of their version to
 * `version`, then by numeric closeness component by component (5.6.1 is
 * nearer 5.6.2 than 5.6.10), then by name.
 */
export function nearestTags(tags: readonly string[], version: string, max = 5): string[] {
  const want = versionKey(version);
  const wantNumbers = numbers(want);
  const scored: Array<{ name: string; score: number; gaps: number[] }> = [];
  for (const name of tags) {
    const key = versionKey(name);
    if (key === '') continue;
    const got = numbers(key);
    const gaps = wantNumbers.map((n, i) => Math.abs(n - (got[i] ?? 0)));
    scored.push({ name, score: editDistance(key, want), gaps });
  }
  scored.sort((a, b) => a.score - b.score || compareGaps(a.gaps, b.gaps) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

function numbers(key: string): number[] {
  return (key.match(/\d+/g) ?? []).map(Number);
}

function compareGaps(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
