import { driftCounts, driftItems, type ReleaseOnlySet } from '../analyze/drift.js';
import type { DiffOptions } from '../analyze/evidence.js';
import { binaryChanges, type BinaryChange } from '../git/history.js';
import type { RepoHandle } from '../git/types.js';
import type { Limits } from '../limits.js';
import type { Drift } from '../report/drift.js';
import type { Finding } from '../report/finding.js';
import { openPreviousRelease, type PreviousOptions } from './previous-release.js';
import { releaseName, type ReleaseSourceOptions } from './release-source.js';
import type { TagSideOptions } from './tag-side.js';

/** This release, as drift needs it. */
export interface CurrentRelease {
  set: ReleaseOnlySet;
  findings: readonly Finding[];
  repo: RepoHandle;
  commit: string;
  tagRef: string;
}

/** The report's drift section: this release against the previous one (`--previous`). */
export async function driftSince(
  options: PreviousOptions & Pick<TagSideOptions, 'repo' | 'submodules' | 'submoduleSources' | 'tagPath'> & Pick<ReleaseSourceOptions, 'cacheDir' | 'http'>,
  current: CurrentRelease,
  read: { limits: Limits; preferJs: boolean; diff: DiffOptions },
): Promise<Drift> {
  const previous = await openPreviousRelease(options, { ...read, objectFormat: current.repo.objectFormat });
  try {
    const notes = [...previous.notes];
    if (previous.commit === current.commit) notes.push(`the previous tag ${previous.previousTag.ref} and ${current.tagRef} are the same commit`);
    // Evidence, not a check: a repository that cannot answer (a blobless remote clone) costs a note.
    const binaries = await binaryChanges(current.repo, previous.commit, current.commit).catch((err: unknown): BinaryChange[] => {
      notes.push(`binary files changed in git between the tags could not be listed: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    });
    const items = await driftItems({
      previous: previous.set,
      current: current.set,
      findings: current.findings,
      binaries,
      labels: { previous: releaseName(options.previous), previousTag: previous.previousTag.ref, tag: current.tagRef },
      diff: read.diff,
    });
    return { previous: previous.previous, previousTag: previous.previousTag, counts: driftCounts(items), items, notes };
  } finally {
    await previous.close();
  }
}
