/**
 * A release whose paths barely overlap the tag's is not that tag's release,
 * however harmless each difference looks: under a tenth of either side in
 * common (of the tag's, only while under half of the release's files are the
 * tag's) fails the release with one critical finding, naming the tags of a
 * local repository that share the most paths with it.
 */
import { findingId } from '../analyze/analyze.js';
import type { Change } from '../compare/change.js';
import { tagsByOverlap } from '../git/overlap.js';
import type { RepoHandle } from '../git/types.js';
import type { Finding } from '../report/finding.js';
import type { Counts } from '../report/report.js';

export interface Overlap {
  common: number;
  release: number;
  tag: number;
  /** Of `common`, release-only files whose bytes are a compared submodule's file. */
  copies: number;
}

/**
 * `unshippedSubmoduleFiles`: files of compared submodules the release lacks,
 * left out of the tag's side. A project ships the part of a submodule it uses
 * (coreutils 9.1 ships a few hundred of gnulib's 10,000 files, copied to lib/
 * and m4/), so the rest says nothing about whether the release comes from this tag.
 * `submoduleCopies`: release-only files with the bytes of a compared
 * submodule's file, which count as the tag's on both sides: diffutils 3.8's
 * own tree has 88 files, and 881 of its release's 1,074 are gnulib's copied.
 */
export function overlapOf(counts: Counts, unshippedSubmoduleFiles = 0, submoduleCopies = 0): Overlap {
  const shared = counts.identical + counts.modified;
  return {
    common: shared + submoduleCopies,
    release: shared + counts.onlyInRelease,
    tag: shared + counts.onlyInTag - unshippedSubmoduleFiles + submoduleCopies,
    copies: submoduleCopies,
  };
}

/**
 * Under a tenth of the release's files in common with the tag, or under a
 * tenth of the tag's while under half of the release's are (a side with no
 * file does not count). A release that is mostly the tag's files may ship a
 * small part of its tree: shadow 4.13's `make dist` leaves out the 10,000
 * files of its tests/, and 534 of its 1,034 files are the tag's.
 */
export function isUnrelated(o: Overlap): boolean {
  const fewOfRelease = (tenths: number) => o.release > 0 && o.common * 10 < o.release * tenths;
  return fewOfRelease(1) || (o.tag > 0 && o.common * 10 < o.tag && (o.release === 0 || fewOfRelease(5)));
}

export async function unrelatedFinding(name: string, ref: string, o: Overlap, repo: RepoHandle, releasePaths: () => ReadonlySet<string>): Promise<Finding> {
  // Only a local repository has every tag's tree at hand; a remote one was fetched for one tag.
  const nearest = repo.kind === 'remote' || repo.promisor ? [] : await tagsByOverlap(repo, releasePaths()).catch(() => []);
  const better = nearest.filter((t) => t.common > o.common);
  return {
    id: findingId({ kind: 'integrity', path: name } as unknown as Change, 'unrelated-release'),
    path: name,
    change: 'integrity',
    category: 'unrelated-release',
    severity: 'critical',
    reasons: [
      `${o.common} of the release's ${o.release} files and of the ${o.tag} files of ${ref} share a path${o.copies > 0 ? ` (${o.copies} of them as copies of a submodule's files)` : ''}: this release does not come from this tag`,
      better.length > 0
        ? `tags sharing more paths with it: ${better.map((t) => `${t.tag} (${t.common} of ${o.release})`).join(', ')}`
        : repo.kind === 'remote' || repo.promisor
          ? 'check the tag, and --strip if the release has an extra top folder'
          : 'no recent tag of the repository shares more paths with it: check --repo, --tag and --strip',
    ],
    evidence: {},
  };
}
