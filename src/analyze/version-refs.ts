/**
 * A URL that named a branch in the tag and names the release in the release:
 * release scripts pin links to what was released, `…/blob/master/COPYING` →
 * `…/blob/v2.38.1/COPYING`, `?h=master` → `?h=v2.38.1`, `/raw/main/` →
 * `/raw/2.38.1/`. Only a whole path segment or query value that was a usual
 * branch name, on a line with a URL, and only the release's own version
 * (with or without `v`) in its place.
 */
import { escapeRegExp } from './regexp.js';

const branches = '(?:master|main|trunk|devel|develop|HEAD)';
/** What may follow a segment or query value. */
const end = `(?=[/&#?"'\\s)>\\]]|$)`;


/** The version refs `after` puts where `before` names a branch, or undefined when that is not the only change. */
export function branchPinned(before: string, after: string, releaseVersion: string): string[] | undefined {
  if (!after.includes('://')) return undefined;
  const version = new RegExp(`(?<=[/=])v?${escapeRegExp(releaseVersion)}${end}`, 'g');
  const branch = new RegExp(`(?<=[/=])${branches}${end}`, 'g');
  const pinned = after.match(version) ?? [];
  const named = before.match(branch) ?? [];
  if (pinned.length === 0 || pinned.length !== named.length) return undefined;
  if (after.replace(version, '\u0000') !== before.replace(branch, '\u0000')) return undefined;
  return named.map((b, i) => `${b} → ${pinned[i]}`);
}
