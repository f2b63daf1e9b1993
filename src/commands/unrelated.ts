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

/** Most folder levels of the tag looked into for the release's files. */
const maxDepth = 3;

/**
 * The folder of the tag whose files are the release's, when the release was
 * made from part of the repository (smartmontools 7.3 from `smartmontools/`,
 * cracklib 2.9.6 from `src/`): the folder (with its `/`) under which the most
 * release paths are tag paths, with their count.
 */
export function folderOverlap(tagPaths: Iterable<string>, releasePaths: ReadonlySet<string>): { folder: string; common: number; files: number } | undefined {
  const counts = new Map<string, { common: number; files: number }>();
  for (const path of tagPaths) {
    let at = -1;
    for (let depth = 0; depth < maxDepth; depth++) {
      at = path.indexOf('/', at + 1);
      if (at < 0) break;
      const folder = path.slice(0, at + 1);
      let count = counts.get(folder);
      if (!count) counts.set(folder, (count = { common: 0, files: 0 }));
      count.files++;
      if (releasePaths.has(path.slice(at + 1))) count.common++;
    }
  }
  let best: { folder: string; common: number; files: number } | undefined;
  for (const [folder, { common, files }] of counts) if (common > 0 && (!best || common > best.common)) best = { folder, common, files };
  return best;
}

export async function unrelatedFinding(name: string, ref: string, o: Overlap, repo: RepoHandle, releasePaths: () => ReadonlySet<string>, tagPaths: Iterable<string> = []): Promise<Finding> {
  const paths = releasePaths();
  const folder = folderOverlap(tagPaths, paths);
  // A folder whose files the release has as a release has its tag's, and more of them than the tag's top.
  const inFolder = folder && folder.common > o.common && !isUnrelated({ common: folder.common, release: o.release, tag: folder.files, copies: 0 }) ? folder : undefined;
  // Only a local repository has every tag's tree at hand; a remote one was fetched for one tag.
  const nearest = inFolder || repo.kind === 'remote' || repo.promisor ? [] : await tagsByOverlap(repo, paths).catch(() => []);
  const better = nearest.filter((t) => t.common > o.common);
  return {
    id: findingId({ kind: 'integrity', path: name } as unknown as Change, 'unrelated-release'),
    path: name,
    change: 'integrity',
    category: 'unrelated-release',
    severity: 'critical',
    reasons: [
      `${o.common} of the release's ${o.release} files and of the ${o.tag} files of ${ref} share a path${o.copies > 0 ? ` (${o.copies} of them as copies of a submodule's files)` : ''}: this release does not come from this tag`,
      inFolder
        ? `${inFolder.common} of the release's ${o.release} files are files of the tag's folder ${inFolder.folder}: the release was made from that folder of the repository; compare with it: --tag-path ${inFolder.folder.replace(/\/$/, '')}`
        : better.length > 0
        ? `tags sharing more paths with it: ${better.map((t) => `${t.tag} (${t.common} of ${o.release})`).join(', ')}`
        : repo.kind === 'remote' || repo.promisor
          ? 'check the tag, and --strip if the release has an extra top folder'
          : 'no recent tag of the repository shares more paths with it: check --repo, --tag and --strip',
    ],
    evidence: {},
  };
}
