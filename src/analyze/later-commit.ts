import { isBinary } from './places.js';
import type { AnalysisContext } from './rule.js';
import type { Change } from '../compare/change.js';

/**
 * For a modified file no rule explains: a commit made after the tag that adds
 * the lines the release adds, the same or alike (lighttpd 1.4.69's
 * `src/Makefile.am` has the `chmod u+w … || true` line of a commit made 20
 * minutes after the tag, in an earlier wording). It says where the change
 * may come from; it explains nothing, so the finding keeps its severity.
 *
 * A line the release adds is a line of its file that the tag's file lacks
 * (trimmed, blank lines aside). It is matched by a line the commit adds to
 * that path, equal when trimmed, or alike: every word of the release's line
 * in the commit's line in order, the commit's line at most twice as many
 * words. The commit must match at least half of them.
 */

/** Most lines the release may add for the search: past that, no one commit's change. */
const maxAdded = 200;
/** Most files a run looks this up for. */
const maxLookups = 16;
const lookups = new WeakMap<AnalysisContext, number>();

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const words = (line: string) => line.split(/\s+/);

function alike(mine: string, theirs: string): boolean {
  const a = words(mine);
  const b = words(theirs);
  if (b.length > 2 * a.length) return false;
  let at = 0;
  for (const w of b) if (at < a.length && w === a[at]) at++;
  return at === a.length;
}

/** How long, in the largest whole unit: `1 minute`, `20 minutes`, `24 hours`, `3 days`. */
const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
const span = (seconds: number) => {
  const s = Math.max(0, seconds);
  if (s < 3600) return count(Math.max(1, Math.round(s / 60)), 'minute');
  if (s < 2 * 86400) return count(Math.round(s / 3600), 'hour');
  return count(Math.round(s / 86400), 'day');
};

export async function laterCommitReason(change: Change, ctx: AnalysisContext): Promise<string | undefined> {
  const history = ctx.history;
  if (!history?.laterChanges || change.kind !== 'modified' || change.release?.type !== 'file' || change.tag?.type !== 'file') return undefined;
  const done = lookups.get(ctx) ?? 0;
  if (done >= maxLookups) return undefined;
  const [mine, theirs] = await Promise.all([ctx.releaseContent(change.release), ctx.tagContent(change.tag).catch(() => undefined)]);
  if (!mine || !theirs || isBinary(mine)) return undefined;
  const tagLines = new Set(lines(theirs.toString('utf8')));
  const added = [...new Set(lines(mine.toString('utf8')).filter((l) => !tagLines.has(l)))];
  if (added.length === 0 || added.length > maxAdded) return undefined;
  lookups.set(ctx, done + 1);
  const commits = await history.laterChanges(change.path).catch(() => undefined);
  let best: { id: string; time: number; subject: string; same: number; like: number } | undefined;
  for (const commit of commits ?? []) {
    const theirLines = [...new Set(commit.added.map((l) => l.trim()).filter((l) => l !== ''))];
    const theirSet = new Set(theirLines);
    let same = 0;
    let like = 0;
    for (const line of added) {
      if (theirSet.has(line)) same++;
      else if (theirLines.some((t) => alike(line, t))) like++;
    }
    if (same + like > (best ? best.same + best.like : 0)) best = { id: commit.id, time: commit.time, subject: commit.subject, same, like };
  }
  if (!best || 2 * (best.same + best.like) < added.length) return undefined;
  const tagTime = ctx.tagCommit?.date;
  const when = tagTime !== undefined ? `, committed ${best.time >= tagTime ? `${span(best.time - tagTime)} after` : `${span(tagTime - best.time)} before`} the tagged commit` : '';
  const n = best.same + best.like;
  const what = best.like === 0 ? 'the same' : best.same === 0 ? 'like' : 'the same or like';
  return `a commit the tag does not reach adds ${what} line${n === 1 ? '' : 's'} (${n} of the ${added.length} line${added.length === 1 ? '' : 's'} the release adds): ${best.id.slice(0, 12)} (${JSON.stringify(best.subject.slice(0, 80))})${when}; the release may have been made from a later commit than the tag, or changed by hand`;
}
