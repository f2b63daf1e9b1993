/**
 * Known-good files: what autoconf, automake, libtool, gettext, gnulib,
 * autoconf-archive and friends copy into releases. The index holds names,
 * serials and hashes; their texts, for diffs, ship beside it (texts-file.ts).
 */
export interface KnownFile {
  /** File name as tools install it (`build-to-host.m4`, `install-sh`). */
  name: string;
  /** Path inside its origin package (`/usr/share/aclocal/nls.m4`). */
  path: string;
  /** Macro serial, for m4 files that declare one. */
  serial?: number;
  /**
   * For m4 files: sha256 of the text without comment lines (`m4CodeHash` in
   * src/analyze/m4.ts). Same name, serial and code hash means a genuine copy
   * whose comments (copyright years) were updated.
   */
  codeHash?: string;
  /**
   * sha256 of the text (for m4 files, its code) with the tool's own version
   * replaced by a placeholder (`versionNeutralHash` in version-neutral.ts):
   * a copy that differs only in the version string it states
   * (`2.4.7-dirty`) still matches. Absent when the text never states it.
   */
  versionHash?: string;
  /**
   * As versionHash, with GNU's home page address also replaced
   * (`stampNeutralHash`): libtool built from its git checkout states
   * `http://www.gnu.org/s/libtool/` in ltmain.sh's help text where the
   * release tarball's says `…/software/libtool/`. Absent when the text
   * states no such address.
   */
  stampHash?: string;
  /** Git blob id (sha1 object format) of the bytes. */
  blobId: string;
  /** Git blob id in the sha256 object format. */
  blobId256?: string;
  /** sha256 of the bytes; for versions of the m4 history, its first 128 bits (history-file.ts). */
  sha256: string;
  size: number;
  /** The tool and its upstream version; a vendor variant's is the upstream file's it was patched from. */
  origin: { package: string; version: string };
  /** A distribution's patched copy of the upstream file (variant.ts). */
  variant?: VendorVariant;
}

/**
 * A tool file as a distribution installs it: the upstream file with the
 * distribution's published patches applied (scripts/build-variants.mjs).
 * Maintainers who run autoreconf on Fedora or PLD Linux ship these copies.
 */
export interface VendorVariant {
  /** `PLD Linux`, `OpenMandriva`. */
  distribution: string;
  /** The distribution's package and release the patches come from: `libtool-2.4.7-10`. */
  release: string;
  /** The patches applied, in the order the package applies them. */
  patches: string[];
  /** Where the patches are published: the packaging repository and its commit. */
  source: string;
  /** Git blob id (sha1) of the upstream file the patches apply to. */
  base: string;
  /** Unified diff from the upstream file to this one: the variant's text is rebuilt from it. */
  diff: string;
}

export interface KnowledgeLookup {
  /**
   * Known files with exactly these bytes (by git blob id in either format, or
   * sha256). `name`, when the caller knows the file's name, spares the m4
   * history a load for names it cannot hold.
   */
  byHash(id: string, name?: string): KnownFile[];
  /** Every known version of a file name. */
  byName(name: string): KnownFile[];
  /** The bytes of a known file when a genuine copy is at hand (host folders, shipped texts), for diffs. */
  content(file: KnownFile): Promise<Buffer | undefined>;
}
