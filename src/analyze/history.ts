/** What the analysis may ask of the repository's history. Implemented over git in src/git/. */
export interface IgnoreEvidence {
  /** The ignore file and the rule that matches (`m4/.gitignore`, `build-to-host.m4`). */
  file: string;
  rule: string;
  /** The commit that added the rule, and when, relative to the tag. */
  commit?: string;
  date?: string;
  daysBeforeTag?: number;
  subject?: string;
}

/** A commit as a ChangeLog written from the log would show it. */
export interface LoggedCommit {
  id: string;
  /** Committer date, Unix seconds (gitlog-to-changelog dates entries by it). */
  time: number;
  /** Author date, Unix seconds (Mercurial's date, which hg-git keeps as it). */
  authored?: number;
  /** `Name  <email>` as recorded, and as the mailmap gives it when that differs. */
  authors: string[];
  /** The committer's name as recorded, and as the mailmap gives it when that differs. */
  committers?: string[];
  /** `%s%n%b`: the subject line, then the body. */
  message: string;
}

export interface LaterChange {
  id: string;
  /** Committer date, Unix seconds. */
  time: number;
  subject: string;
  /** The lines its patch adds to the path. */
  added: string[];
}

export interface HistoryLookup {
  /** The .gitignore rule at the tag that hides this path, and where it came from. */
  ignoredBy(path: string): Promise<IgnoreEvidence | undefined>;
  /** Paths of files that changed between the previous tag and this one, for binary files. */
  changedBinariesSincePreviousTag(): Promise<{ previousTag: string; paths: string[] } | undefined>;
  /** Whether any commit in the history up to the tag had a blob with this id (and at which path). */
  blobInHistory(blobId: string): Promise<{ path: string; commit: string } | undefined>;
  /**
   * The blobs blobInHistory may be asked about, told before it is: one walk
   * of the history then looks for all of them at once, where each would
   * otherwise cost a walk of its own.
   */
  expectBlobs?(blobIds: readonly string[]): void;
  /**
   * Commits the tag does not reach, on a branch or tag of the repository,
   * committed from a day before the tag to 30 days after it, that change
   * this path: oldest first, each with the lines its patch adds there.
   */
  laterChanges?(path: string): Promise<LaterChange[] | undefined>;
  /** The committer time (Unix seconds) of the last commit the tag reaches that changed any of these paths, as `git log -1 --format=%ct -- PATHS` gives it. */
  lastChangeTime?(paths: readonly string[]): Promise<number | undefined>;
  /** Commit messages up to the tag, newest first: committed at or after `since` (Unix seconds), at most `maxCount`. */
  commitLog?(options: { since?: number; maxCount: number }): Promise<LoggedCommit[] | undefined>;
}
