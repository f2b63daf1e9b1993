/**
 * A release whose paths barely overlap the tag's is not that tag's release,
 * however harmless each difference looks: under a tenth of either side in
 * common (of the tag's, only while under half of the release's files are the
 * tag's) fails the release with one critical finding, naming the tags of a
 * local repository that share the most paths with it. The count is settled
 * after the analysis, with what it found the other files made of (madeOverlap).
 */
import { findingId } from '../analyze/analyze.js';
import type { Change } from '../compare/change.js';
import { tagsByOverlap } from '../git/overlap.js';
import type { RepoHandle } from '../git/types.js';
import type { Finding } from '../report/finding.js';
import type { Counts } from '../report/report.js';
import { mayBeCopy } from './unavailable-submodules.js';

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

/**
 * Categories of a release-only file that the analysis found made from the
 * tag's files (re-made by its generators or scripts, configured from its
 * templates, written from its history). Not a copy of a tag file at another
 * path: a release made from a folder of the repository is all such copies,
 * and the finding is what names the folder to compare with.
 */
const madeFromTag = new Set<string>([
  'autotools-output',
  'parser-output',
  'bootstrap-output',
  'recipe-output',
  'rebuilt',
  'generated-docs',
  'generated-manpage',
  'rendered-manpage',
  'rendered-figure',
  'texinfo-output',
  'configured-file',
  'collected-lines',
  'trimmed-copy',
  'generated-changelog',
  'gettext-catalog',
  'python-sdist',
  'npm-package',
]);

/**
 * The overlap once the analysis has judged the release's files: a
 * release-only file it explained as made from the tag's files counts as the
 * tag's, and one the build tools copy into any release (`known-good`: a
 * gnulib macro, `config.guess`) as neither side's. A release of a project
 * with a gnulib submodule that could not be read, or one that leaves most of
 * its tag unshipped (libtasn1 4.19.0 ships 180 of the 2,434 files of its
 * tag, whose fuzz corpora it leaves out), is its tag's release by what it
 * is made of; a release of another project, whose files no rule can derive
 * from this tag, still shares few paths with it. With a submodule that could
 * not be read, a file that may be a copy of it (see mayBeCopy) is neither
 * side's either: the submodule's finding lists it as unchecked.
 */
export function madeOverlap(o: Overlap, findings: readonly Pick<Finding, 'change' | 'category' | 'severity'>[], submoduleUnavailable = false): Overlap {
  let made = 0;
  let neither = 0;
  for (const f of findings) {
    if (f.change !== 'only-in-release') continue;
    if (submoduleUnavailable && mayBeCopy(f)) neither++;
    else if (f.severity !== 'info' && f.severity !== 'low') continue;
    else if (f.category === 'known-good') neither++;
    else if (madeFromTag.has(f.category)) made++;
  }
  return { ...o, common: o.common + made, release: o.release - neither, tag: o.tag + made };
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
