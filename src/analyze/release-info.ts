/**
 * Facts about the release and the tag that some rules need beyond the trees:
 * the version the release claims (from its top folder or file name) and the
 * tagged commit. Optional: a rule that needs one and lacks it explains nothing.
 */
export interface ReleaseInfo {
  /** `7.88.1` for curl-7.88.1.tar.gz. */
  releaseVersion?: string;
  /** The commit the tag peels to; date in unix seconds (committer date). */
  tagCommit?: { id: string; date: number };
}
