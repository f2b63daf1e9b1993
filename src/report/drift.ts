import type { Evidence, SideEvidence } from './finding.js';
import type { Severity } from './severity.js';

/**
 * How the release differs from the previous release in what git does not
 * explain (`--previous`). xz 5.6.0 was the first release whose tarball alone
 * carried the doctored m4/build-to-host.m4 (CVE-2024-3094), in the release
 * cycle that added the binary test files hiding the payload to git: both
 * halves show up here as drift.
 */
export type DriftKind =
  /** Release-only now (not in the tag, or other bytes than the tag), not in the previous release's set. */
  | 'newly-release-only'
  /** Release-only in both releases, with other bytes now. */
  | 'release-only-changed'
  /** Release-only in the previous release, now in the tag or gone. */
  | 'no-longer-release-only'
  /** A build tool version (autoconf, automake, libtool, gettext) or an m4 serial that changed. */
  | 'generator-changed'
  /** A binary file of git added or modified between the two tags. */
  | 'binary-changed-in-git';

/** The diff fields are a finding's, but go from the previous release to this one. */
export interface DriftEvidence extends Pick<Evidence, 'diff' | 'diffTruncated' | 'added' | 'removed' | 'binary' | 'diffNote'> {
  /** The file in the previous release and in this one. */
  previous?: SideEvidence;
  release?: SideEvidence;
  /** For generator-changed: the tool and both versions. */
  generator?: { tool: string; previous: string; current: string };
  /** For binary-changed-in-git: how git changed it, and the blob ids. */
  git?: { status: 'added' | 'modified'; before?: string; after: string };
  /** The id of this release's finding for the same path. */
  finding?: string;
}

export interface DriftItem {
  /** Stable across runs for the same kind and path. */
  id: string;
  kind: DriftKind;
  path: string;
  severity: Severity;
  reasons: string[];
  evidence: DriftEvidence;
}

export interface Drift {
  previous: {
    source: string;
    sha256: string;
    format: string;
    prefix: string;
    entries: number;
    url?: string;
    fromCache?: boolean;
  };
  previousTag: { ref: string; commit: string; annotated: boolean; inferredFrom?: string[] };
  /** How many items of each kind. */
  counts: Record<DriftKind, number>;
  /** Kind order, then path order. */
  items: DriftItem[];
  notes: string[];
}

export const driftKinds = ['newly-release-only', 'release-only-changed', 'no-longer-release-only', 'generator-changed', 'binary-changed-in-git'] as const satisfies readonly DriftKind[];

/** The text of every drift kind, for every report format (a new kind does not compile without it). */
export const driftInfo: Record<DriftKind, { title: string; help: string }> = {
  'newly-release-only': {
    title: 'Newly release-only',
    help: 'This release carries the file outside git (or with other bytes than the tag), and the previous release did not. A new file the build runs that no rule explains is how the xz backdoor (CVE-2024-3094) first shipped: read it.',
  },
  'release-only-changed': {
    title: 'Release-only file changed',
    help: 'The file is outside git in both releases, and its bytes changed between them. The diff goes from the previous release to this one.',
  },
  'no-longer-release-only': {
    title: 'No longer release-only',
    help: 'The previous release carried the file outside git; this one ships it as the tag has it, or not at all.',
  },
  'generator-changed': {
    title: 'Generator version changed',
    help: 'The release was made with another version of a build tool (autoconf, automake, libtool, gettext) or ships another serial of an m4 macro. Expected when the maintainer upgrades; alone it is information.',
  },
  'binary-changed-in-git': {
    title: 'Binary file changed in git',
    help: 'A binary file of the repository was added or changed between the two tags. The xz backdoor hid its payload in binary test files committed to git; build code that reads such files is judged by the build-signals rule.',
  },
};
