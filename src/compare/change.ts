import type { ArchiveAttributes, Submodule, TagEntry } from '../git/types.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { ChangeKind } from '../report/finding.js';

/** One path that differs, before any judgement. Each path appears in exactly one Change. */
export interface Change {
  kind: ChangeKind;
  /** The path relative to the release root (after stripping), or the stored path for unsafe entries. */
  path: string;
  /** The copy an extractor keeps (the last one); hard links resolved to their target's content. */
  release?: ReleaseEntry;
  tag?: TagEntry;
  /** Blob id `git archive` would write for the tag entry (after export-subst, eol, ident). */
  expectedOid?: string;
  attributes?: ArchiveAttributes;
  /** All copies of a duplicated path, in archive order. */
  copies?: ReleaseEntry[];
  /** The submodule (not compared) that contains this release path. */
  submodule?: Submodule;
  /** For paths in both: what differs. */
  contentDiffers?: boolean;
  modeDiffers?: boolean;
  /** For unsafe entries and broken links: what is wrong. */
  problem?: string;
  /** Other release paths that are the same file on case-insensitive or normalising file systems. */
  collidesWith?: Array<{ path: string; entry: ReleaseEntry }>;
}

/** Every release entry the changes name: the kept copy, all copies of a duplicated path, the paths it collides with. */
export function* releaseEntriesOf(changes: Iterable<Change>): Generator<ReleaseEntry> {
  for (const c of changes) {
    if (c.release) yield c.release;
    if (c.copies) yield* c.copies;
    if (c.collidesWith) for (const other of c.collidesWith) yield other.entry;
  }
}

/** The tag side as `git archive` would write it. */
export interface TagSide {
  /** Files, symlinks and gitlinks of the tag, plus the trees of compared submodules (prefixed). */
  entries: TagEntry[];
  /** Non-default archive attributes by path. */
  attributes: Map<string, ArchiveAttributes>;
  /** Blob ids after archive conversion, where they differ from the stored blob. */
  archiveOids: Map<string, string>;
  /** Submodules whose content is not compared. */
  uncompared: Submodule[];
  /** `entries` by path, when the caller has them so already. */
  byPath?: ReadonlyMap<string, TagEntry>;
}

export interface Comparison {
  changes: Change[];
  identical: number;
  /** The stripped top-level folder ('' when none). */
  prefix: string;
  strip: number;
  /** Release entries left out of the comparison and why (e.g. files above --strip). */
  notes: string[];
}
