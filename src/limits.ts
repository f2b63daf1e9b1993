/** Safety limits for hostile input. Each has a CLI flag to raise it. */
export interface Limits {
  /** Most entries an archive may hold (--max-entries). */
  maxEntries: number;
  /** Most bytes all entries may unpack to (--max-total-size). */
  maxTotalBytes: number;
  /** Most bytes of one file held in memory for analysis and diffs (--max-file-memory). Larger files are hashed only. */
  maxFileMemory: number;
}

export const defaultLimits: Limits = {
  maxEntries: 1_000_000,
  maxTotalBytes: 16 * 1024 ** 3,
  maxFileMemory: 8 * 1024 ** 2,
};

/** Which flag raises which limit, for error hints. */
export const limitFlags: Record<keyof Limits, string> = {
  maxEntries: '--max-entries',
  maxTotalBytes: '--max-total-size',
  maxFileMemory: '--max-file-memory',
};
