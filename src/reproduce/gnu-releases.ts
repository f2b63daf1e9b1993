/**
 * The GNU release tarballs `cuckoo tools install` accepts: each pinned by the
 * sha256 of a file that was downloaded and hashed, so a mirror (or whoever sits
 * between cuckoo and it) cannot hand over other code under a release's name.
 * The tools built from them run on release input, in the sandbox but with the
 * user's trust; an unpinned version is refused rather than trusted on first use.
 *
 * Each sha256 was checked on Debian's source package (bookworm's, or trixie's
 * for the versions bookworm does not have), whose `.orig`
 * tarball is GNU's release tarball unchanged (Debian keeps upstream's bytes;
 * apt checks them against the signed archive index, and automake's also
 * against Jim Meyering's signature, debian/upstream/signing-key.asc):
 *
 *   apt-get source --download-only autoconf2.69 autoconf automake-1.16
 *   apt-get source --download-only -t trixie autoconf automake-1.17
 *   sha256sum *.orig.tar.*
 *
 * scripts/gnu-tarball.sh does the same for one tool. To add a version, hash a
 * tarball from a source you trust (and its GNU signature, `.sig` next to it on
 * ftp.gnu.org), add it here with where it was checked, and send the change.
 */
import type { ToolName } from './tools.js';

export interface GnuRelease {
  tool: ToolName;
  version: string;
  /** The file's name on GNU's mirrors, under `<mirror>/<tool>/`. */
  file: string;
  sha256: string;
  /** Where the sha256 was checked. */
  checkedOn: string;
}

export const gnuReleases: readonly GnuRelease[] = [
  {
    tool: 'autoconf',
    version: '2.69',
    file: 'autoconf-2.69.tar.xz',
    sha256: '64ebcec9f8ac5b2487125a86a7760d2591ac9e1d3dbd59489633f9de62a57684',
    checkedOn: 'Debian bookworm autoconf2.69_2.69.orig.tar.xz (source 2.69-3.1)',
  },
  {
    tool: 'autoconf',
    version: '2.71',
    // Debian's .orig of 2.71 is GNU's .tar.gz, so that is the one pinned.
    file: 'autoconf-2.71.tar.gz',
    sha256: '431075ad0bf529ef13cb41e9042c542381103e80015686222b8a9d4abef42a1c',
    checkedOn: 'Debian bookworm autoconf_2.71.orig.tar.gz (source 2.71-3)',
  },
  {
    tool: 'automake',
    version: '1.16.5',
    file: 'automake-1.16.5.tar.xz',
    sha256: 'f01d58cd6d9d77fbdca9eb4bbd5ead1988228fdb73d6f7a201f5f8d6b118b469',
    checkedOn: 'Debian bookworm automake-1.16_1.16.5.orig.tar.xz (source 1:1.16.5-1.3), signature by Jim Meyering checked',
  },
  {
    tool: 'autoconf',
    version: '2.72',
    file: 'autoconf-2.72.tar.xz',
    sha256: 'ba885c1319578d6c94d46e9b0dceb4014caafe2490e437a0dbca3f270a223f5a',
    checkedOn: 'Debian trixie autoconf_2.72.orig.tar.xz (source 2.72-3.1)',
  },
  {
    tool: 'automake',
    version: '1.17',
    file: 'automake-1.17.tar.xz',
    sha256: '8920c1fc411e13b90bf704ef9db6f29d540e76d232cb3b2c9f4dc4cc599bd990',
    checkedOn: 'Debian trixie automake-1.17_1.17.orig.tar.xz (source 1:1.17-4)',
  },
];

/**
 * Versions built from the tool's own repository instead (`cuckoo tools install
 * TOOL@VERSION --git CLONE`), for releases whose tarball could not be checked
 * here: each pinned by the commit its release tag names. A git commit id
 * names the whole tree it was made from, so a clone (or a mirror) with that
 * commit has exactly those sources; a tag of that name pointing elsewhere is
 * refused. The build runs the repository's `bootstrap` (it needs autoconf and
 * perl), then configure, make and make install, all in the sandbox; the
 * manuals are not made (`INFO_DEPS=`), the programs and their data are.
 *
 * Each was built here from a mirror of the tool's repository, and its
 * programs were tried on releases that name the version.
 */
export interface GitRelease {
  tool: ToolName;
  version: string;
  /** The release tag. */
  tag: string;
  /** The commit the tag names: what is built. */
  commit: string;
  /** How it was checked. */
  checkedOn: string;
}

/**
 * What vouches for the commits of automake's older releases below: the
 * mirror's history, which 1.16.5's GNU tarball confirms.
 */
const automakeMirror = "a public mirror of automake's repository, whose v1.16.5 tree is file for file the GNU tarball of 1.16.5 (Debian's .orig: 1,484 files identical, none modified), this commit among its ancestors";

export const gitReleases: readonly GitRelease[] = [
  {
    tool: 'automake',
    version: '1.15.1',
    tag: 'v1.15.1',
    commit: '552a2732b706faba9bf627c53137cbafc385b708',
    checkedOn: `${automakeMirror}; its tag, by Mathieu Lirzin, carries a PGP signature, not checked here (no key); built from it here, its aclocal and automake re-made rpcsvc-proto 1.4.3's aclocal.m4 and three Makefile.in byte for byte, and opus 1.3.1's, tmux 3.3a's and tmux 3.5a's (3, 2 and 2 files) byte for byte or after the normalisations the report names`,
  },
  {
    tool: 'automake',
    version: '1.16.1',
    tag: 'v1.16.1',
    commit: '02c7c2d553872c6180e9f5970b8899b3317a132e',
    checkedOn: `${automakeMirror}; its tag, by Mathieu Lirzin, carries a PGP signature, not checked here (no key); built from it here, its aclocal and automake re-made the aclocal.m4 and Makefile.in of libxslt 1.1.35, libxml2 2.9.14, file 5.44, keepalived 2.2.7, libassuan 2.5.5, libusb 1.0.26, libnsl 1.3.0 and libunwind 1.8.1 (97 files) byte for byte or after the normalisations the report names`,
  },
  {
    tool: 'automake',
    version: '1.16.2',
    tag: 'v1.16.2',
    commit: '6774c9b219cd78445964cd694588cfc4df9b8316',
    checkedOn: `${automakeMirror}; its tag, by Jim Meyering, carries a PGP signature, not checked here (no key); built from it here, its aclocal and automake re-made the aclocal.m4 and Makefile.in of libvorbis 1.3.7, libcap-ng 0.8.3, libseccomp 2.5.4 and libevent 2.1.12 (40 files) byte for byte or after the normalisations the report names`,
  },
  {
    tool: 'automake',
    version: '1.16.3',
    tag: 'v1.16.3',
    commit: '0188451e9c4c2313fa6453cd42b0e857378db3b9',
    checkedOn: `${automakeMirror}; its tag, by Jim Meyering, carries a PGP signature, not checked here (no key); built from it here, its aclocal and automake re-made the aclocal.m4 and Makefile.in of gnupg 2.2.40, libgcrypt 1.10.1, libgpg-error 1.46 and libogg 1.3.5 (46 files) byte for byte or after the normalisations the report names`,
  },
  {
    tool: 'automake',
    version: '1.16.4',
    tag: 'v1.16.4',
    commit: '39c0005a1aadefdace6f2c741f8fd8a84e60f0f1',
    checkedOn: `${automakeMirror}; its tag, by Jim Meyering, carries a PGP signature, not checked here (no key); built from it here, its aclocal and automake re-made the aclocal.m4 and Makefile.in of libssh2 1.10.0 (7 files, byte for byte) and libunwind 1.6.2 (5, after the normalisations the report names)`,
  },
  {
    tool: 'automake',
    version: '1.18.1',
    tag: 'v1.18.1',
    commit: '153298e27fa9414b25453440a2f36e1bb7bedfc1',
    checkedOn: "a public mirror of automake's repository (tag v1.18.1, by Karl Berry); built from it here, its aclocal and automake re-made util-linux 2.41.5's aclocal.m4 and five Makefile.in, and rsync 3.5.0's aclocal.m4, byte for byte",
  },
];

/** Where the table lives, for messages that tell users how to add a version. */
export const gnuReleasesFile = 'src/reproduce/gnu-releases.ts';

export function findGnuRelease(tool: ToolName, version: string): GnuRelease | undefined {
  return gnuReleases.find((r) => r.tool === tool && r.version === version);
}

/** The pinned versions of `tool`, oldest first as listed. */
export function pinnedVersions(tool: ToolName): string[] {
  return gnuReleases.filter((r) => r.tool === tool).map((r) => r.version);
}

export function findGitRelease(tool: ToolName, version: string, table: readonly GitRelease[] = gitReleases): GitRelease | undefined {
  return table.find((r) => r.tool === tool && r.version === version);
}
