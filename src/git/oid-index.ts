import type { TagEntry } from './types.js';

/** Tag entries by blob id, as the analysis looks them up (read-only). */
export interface OidLookup {
  has(oid: string): boolean;
  get(oid: string): readonly TagEntry[] | undefined;
}

/**
 * Tag entries by blob id. Most blobs have one path, so they get no array of
 * their own: a kernel-sized tree has 90,000 of them, and an array each cost
 * more than the entries.
 */
export class OidIndex implements OidLookup {
  private readonly first = new Map<string, TagEntry>();
  /** Every entry of a blob that more than one path holds, in tree order. */
  private readonly shared = new Map<string, TagEntry[]>();

  add(entry: TagEntry): void {
    const earlier = this.first.get(entry.oid);
    if (earlier === undefined) {
      this.first.set(entry.oid, entry);
      return;
    }
    const list = this.shared.get(entry.oid);
    if (list) list.push(entry);
    else this.shared.set(entry.oid, [earlier, entry]);
  }

  has(oid: string): boolean {
    return this.first.has(oid);
  }

  get(oid: string): readonly TagEntry[] | undefined {
    const first = this.first.get(oid);
    if (first === undefined) return undefined;
    return this.shared.get(oid) ?? [first];
  }

  /**
   * The tag's own string for a blob id it has, else `oid`: a release file
   * identical to the tag's can hold the tag's copy instead of one of its own.
   */
  intern(oid: string): string {
    return this.first.get(oid)?.oid ?? oid;
  }
}

/** Blob ids the tag can give back: its entries' and those `git archive` converts them to. */
export interface TagOids {
  has(oid: string): boolean;
  /** Whether git stores a blob of that id (not one only git archive's conversion writes). */
  stored(oid: string): boolean;
  /** See OidIndex.intern. */
  intern(oid: string): string;
}

/** `entries` and `converted` are read live: ids added to either later count from then on. */
export function tagOids(entries: OidIndex, converted: ReadonlySet<string>): TagOids {
  return {
    has: (oid) => entries.has(oid) || converted.has(oid),
    stored: (oid) => entries.has(oid),
    intern: (oid) => entries.intern(oid),
  };
}
