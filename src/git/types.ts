import type { ObjectFormat } from '../release/entry.js';

/** A repository cuckoo may read. Always addressed by its git directory. */
export interface RepoHandle {
  /** What the user passed to --repo. */
  source: string;
  /** Absolute path of the git directory to pass as --git-dir. */
  gitDir: string;
  objectFormat: ObjectFormat;
  /**
   * 'local' (work tree or bare repository), 'bundle' (unbundled into cuckoo's
   * cache) or 'remote' (fetched from a URL into cuckoo's cache).
   */
  kind: 'local' | 'bundle' | 'remote';
  /**
   * A blobless partial clone in cuckoo's cache whose `origin` is the remote the
   * user named: git may fetch missing blobs from it (and only from it).
   */
  promisor?: boolean;
  /** Absolute path of its object folder, when already asked of git (`rev-parse --git-path objects`). */
  objectsDir?: string;
}

/** The ref the tag side was resolved from. */
export interface ResolvedRef {
  /** What the user gave or what was inferred: `v1.0`, or a commit id. */
  ref: string;
  /** Full ref name when it is a tag (`refs/tags/v1.0`). */
  refName?: string;
  /** Commit id the tag peels to. */
  commit: string;
  /** True for annotated tags (a tag object), false for lightweight tags and commits. */
  annotated: boolean;
  /** Set when the tag was inferred from the release name: the spellings that were tried, in order. */
  inferredFrom?: string[];
}

/** One tag of the repository, from `git for-each-ref refs/tags`. */
export interface TagRef {
  /** Short name: `v1.0`. */
  name: string;
  /** Full ref name: `refs/tags/v1.0`. */
  refName: string;
  /** The object the ref points to: a tag object for annotated tags, else the commit. */
  object: string;
  /** The commit the tag peels to; undefined when it peels to a tree or blob. */
  commit?: string;
  annotated: boolean;
  /** Unix seconds: the tagger date of an annotated tag, else the commit's committer date. */
  date?: number;
}

export type TagEntryType = 'file' | 'symlink' | 'submodule';

/** One entry of `git ls-tree -r -z` at the tag. */
export interface TagEntry {
  path: string;
  type: TagEntryType;
  /** Git mode as a number: 0o100644, 0o100755, 0o120000, 0o160000. */
  mode: number;
  /** Blob id (files, symlinks) or the pinned commit (submodules). */
  oid: string;
  /** Bytes of the blob (files, symlinks); 0 for submodules; -1 when unknown (a blobless partial clone). */
  size: number;
}

/** The attributes that change what `git archive` writes for a path. */
export interface ArchiveAttributes {
  exportIgnore: boolean;
  exportSubst: boolean;
  /** `crlf` when git archive would convert LF to CRLF for this path, else undefined. */
  eol?: 'crlf' | 'lf';
  /** The `ident` attribute: `$Id$` is expanded. */
  ident: boolean;
  /** `filter=lfs`, or content that is an LFS pointer. */
  lfs: boolean;
  /**
   * With eol 'crlf': the conversion follows `text=auto` rules, so git archive
   * converts only content it sees as text (no NUL, no lone CR, no CRLF already).
   */
  eolAuto?: boolean;
  /** The `filter` driver name (`lfs`, …). git archive runs its smudge command if the archiver configured one. */
  filter?: string;
  /** `working-tree-encoding` other than UTF-8: git archive re-encodes the UTF-8 blob to it. */
  workingTreeEncoding?: string;
}

export interface Submodule {
  name: string;
  path: string;
  url?: string;
  /** The commit the tag pins (the gitlink). */
  commit: string;
}
