import type { Severity } from './severity.js';

/** How a path differs between the release and the tag (the report's `change`). */
export type ChangeKind =
  | 'only-in-release'
  | 'only-in-tag'
  | 'modified'
  | 'mode-changed'
  | 'type-changed'
  | 'duplicate-entry'
  | 'unsafe-entry'
  // The release file or the tag as a whole failed a check (checksum, signature, a moved tag).
  | 'integrity';

/** What a finding is judged to be. Each has a title and help text in `categoryInfo`. */
export type Category =
  | 'unsafe-path'
  | 'extractor-dependent'
  | 'hidden-data'
  | 'duplicate-path'
  | 'special-file'
  | 'broken-link'
  | 'export-ignored'
  | 'submodule-content'
  | 'lfs-object'
  | 'copied-from-tag'
  | 'autotools-output'
  | 'not-reproduced'
  | 'parser-output'
  | 'bootstrap-output'
  | 'rebuilt'
  | 'gettext-catalog'
  | 'po-refresh'
  | 'version-stamp'
  | 'generated-changelog'
  | 'changelog-mismatch'
  | 'translation-catalog'
  | 'translation-mismatch'
  | 'version-file'
  | 'configured-file'
  | 'collected-lines'
  | 'dependency-lines'
  | 'gettextize-edit'
  | 'trimmed-copy'
  | 'recipe-output'
  | 'generated-docs'
  | 'python-sdist'
  | 'npm-package'
  | 'from-history'
  | 'generated-manpage'
  | 'rendered-manpage'
  | 'rendered-figure'
  | 'texinfo-output'
  | 'known-good'
  | 'm4-lookalike'
  | 'suspicious-build-code'
  | 'not-shipped'
  | 'mode-change'
  | 'type-change'
  | 'dereferenced-link'
  | 'unexplained'
  | 'hash-collision'
  | 'submodule-unavailable'
  | 'unrelated-release'
  | 'checksum-mismatch'
  | 'bad-signature'
  | 'moved-tag';

/** One side of a difference, as evidence. */
export interface SideEvidence {
  type: string;
  mode: string;
  size: number;
  blobId?: string;
  sha256?: string;
  linkTarget?: string;
}

export interface ContentMatch {
  /**
   * Where identical content was found: the tag's tree, a compared submodule,
   * the tag's history, or the known-good library of build tool files.
   */
  source: 'tag' | 'submodule' | 'history' | 'library';
  /** The path in the tag, submodule or commit; for the library, the path inside its origin package. */
  path: string;
  blobId: string;
  /** For a history match, the commit that has this content at `path`. */
  commit?: string;
  /** For a library match, the package and version the known file comes from. */
  package?: string;
  version?: string;
  /** For a library match: equal apart from the tool version the file states. */
  versionNeutral?: boolean;
  /** For a library match with a distribution's patched copy: whose patches, published where. */
  variant?: { distribution: string; release: string; patches: string[]; source: string };
}

export interface Evidence {
  release?: SideEvidence;
  tag?: SideEvidence;
  /** Bounded unified diff, tag → release, for text files. */
  diff?: string;
  /** True when the diff was cut to the line limit. */
  diffTruncated?: boolean;
  /** Lines added and removed (whole file, even when the diff is cut). */
  added?: number;
  removed?: number;
  /** True when either side is binary, so no text diff is shown. */
  binary?: boolean;
  /** Why no diff is shown when one was expected. */
  diffNote?: string;
  matches?: ContentMatch[];
  /** Every copy of a duplicated path, in archive order. */
  copies?: Array<SideEvidence & { index: number }>;
  /** The archive path as stored, for unsafe and stripped entries. */
  archivePath?: string;
  /** Content signals of build code (suspicious-build-code), each with its line; `fromTag` when the line is a tag source's (not counted). */
  signals?: Array<{ signal: string; line: number; text: string; fromTag?: { path: string; line: number } }>;
  /** Release files a submodule that could not be fetched left unchecked. */
  notChecked?: string[];
  /** The submodule a path belongs to. */
  submodule?: { name: string; path: string; commit: string };
  /** Its generator, re-run on the release's own inputs in the sandbox, wrote these bytes (after the named normalisations). */
  reproduced?: ReproducedEvidence;
  /** Its generator was re-run and wrote other bytes (`diff` is regenerated → release), or could not be tried (`why`). */
  notReproduced?: NotReproducedEvidence;
  /** With --rebuild: what the project's release steps, run on the tag in the sandbox, wrote at this path. */
  rebuilt?: RebuiltEvidence;
}

/** A bounded diff as evidence carries it: of a finding (tag → release) or of a rebuilt file (rebuilt → release). */
export type DiffFields = Pick<Evidence, 'diff' | 'diffTruncated' | 'added' | 'removed' | 'binary' | 'diffNote'>;

export interface RebuiltEvidence extends DiffFields {
  /** `identical`: the rebuild wrote these bytes; `different`: other bytes (`diff` is rebuilt → release); `absent`: no step wrote this path. */
  outcome: 'identical' | 'different' | 'absent';
  /** Tools that write this file and ran at a stand-in version (--rebuild-nearest): `libtool 2.4.7 for 2.4.6`. */
  nearest?: string[];
  /** The rebuild stopped at this step: an absent file proves little. */
  incomplete?: string;
}

export interface ReproducedEvidence {
  generator: string;
  tool: string;
  version: string;
  /** The command, run in the project folder it names. */
  command: string;
  /** Empty: byte for byte. */
  normalisations: Array<{ name: string; forgives: string }>;
  seconds: number;
  /** Taken from cuckoo's cache of an earlier run on the same inputs. */
  cached: boolean;
  /** Inputs it was given that are not the tag's files; each has its own finding. */
  untrustedInputs: string[];
}

export interface NotReproducedEvidence {
  generator: string;
  tool: string;
  version?: string;
  /** `different`: it ran and wrote other bytes; `not-tried`: it could not run here. */
  outcome: 'different' | 'not-tried';
  why: string;
  /** How to have it tried (a tool version to install, a sandbox). */
  hint?: string;
  command?: string;
  seconds?: number;
  /** Lines only the release's copy has, and lines only the regenerated one has. */
  added?: number;
  removed?: number;
}

export interface Finding {
  /** Stable across runs for the same path, change and category. */
  id: string;
  path: string;
  change: ChangeKind;
  category: Category;
  severity: Severity;
  reasons: string[];
  evidence: Evidence;
  /** Allowed by a rule of the --policy file: kept in the report, not counted toward the verdict. */
  allowed?: Allowance;
  /** Already in the --baseline report (same path, category and release content): not counted. */
  known?: true;
}

/** The policy rule that allows a finding. */
export interface Allowance {
  /** The rule's position in the policy's `allow` list, from 1. */
  rule: number;
  reason: string;
  /** The sha256 the rule names, when it names one: it allows that content only. */
  sha256?: string;
}

export interface CategoryInfo {
  title: string;
  help: string;
}

/**
 * The text of every category. A new category does not compile without its entry
 * here, so reports in every format can always explain what they show.
 */
export const categoryInfo: Record<Category, CategoryInfo> = {
  'checksum-mismatch': {
    title: 'Checksum mismatch',
    help: 'The release file does not have the sha256 that --sha256 or the --checksums file says it must have. It is not the file the project published, or it was damaged on the way.',
  },
  'bad-signature': {
    title: 'Signature does not verify',
    help: 'The detached signature of the release does not match its bytes, or it was made by a key that is not in --keyring. Either way the release is not vouched for by the keys you trust.',
  },
  'moved-tag': {
    title: 'Tag moved',
    help: 'The remote tag now points to another object than when cuckoo first saw it. Published tags should never move; a moved release tag is how a compromised repository can pass a new release off as an old one.',
  },
  'unsafe-path': {
    title: 'Unsafe archive path',
    help: 'An absolute path or one with `..` components. Extracting it could write outside the target folder, so it is never resolved and never compared.',
  },
  'extractor-dependent': {
    title: 'Extractor-dependent archive entry',
    help: "An entry that different tools unpack differently: a zip member whose local header, data descriptor or byte range contradicts the central directory, or that overlaps another member or hides bytes between members; a tar entry whose pax or GNU records give another name, target or size than its header; a name with a NUL byte; a path that is the same file as another on case-insensitive or normalising file systems (macOS, Windows); or entries after a tar's end-of-archive block, which only readers that skip zero blocks unpack. What was reviewed need not be what gets built.",
  },
  'hidden-data': {
    title: 'Data no extractor shows',
    help: 'Bytes after the end-of-archive blocks of a tar that are not zero padding. Every extractor stops before them, so nobody who unpacks the release sees or reviews them; release tools do not write them.',
  },
  'duplicate-path': {
    title: 'Path stored more than once',
    help: 'The archive holds the same path several times. Extractors keep the last copy; if the copies differ, what you get depends on how the archive is unpacked.',
  },
  'special-file': {
    title: 'Device, FIFO or unknown entry',
    help: 'Source releases have no reason to carry device nodes or FIFOs. They are reported and never followed.',
  },
  'broken-link': {
    title: 'Hard link to nothing',
    help: 'A hard link whose target is not an earlier entry of the archive. Extractors fail or link to a file outside the release.',
  },
  'export-ignored': {
    title: 'Left out by export-ignore',
    help: 'The tag marks this path `export-ignore` in .gitattributes, so `git archive` leaves it out too.',
  },
  'submodule-content': {
    title: 'Submodule content',
    help: 'The path lies inside a submodule the tag pins, and submodules were not compared (--no-submodules). Without that flag cuckoo compares it with the submodule at its pinned commit.',
  },
  'lfs-object': {
    title: 'Git LFS object',
    help: 'The tag stores a Git LFS pointer here, and the release file has exactly the content that pointer names (same sha256 and size).',
  },
  'copied-from-tag': {
    title: 'Copy of a file in the tag',
    help: 'The release file is byte-identical to a file at another path of the tag (or of a submodule at its pinned commit).',
  },
  'autotools-output': {
    title: 'Generated by autotools',
    help: 'A file that autoconf or automake generates at `make dist` time, with the generator header it claims and its source in the tag.',
  },
  'bootstrap-output': {
    title: 'Written by the bootstrap, reproduced',
    help: "A file the tag's bootstrap writes (with one of the project's own scripts, or gnulib-tool at the commit the tag pins), re-run in the sandbox on the tag's files: it wrote these bytes. A bootstrap script of the tag other than gnulib's (strace's `bootstrap`, an `autogen.sh`) may be run whole, with the autotools left out (reproduction re-runs those apart).",
  },
  'not-reproduced': {
    title: 'Not what its generator writes',
    help: "A generated file (configure, aclocal.m4, config.h.in, Makefile.in) whose generator, re-run by cuckoo at the version the file names on the release's own inputs in a sandbox, writes other bytes. The diff shows what the release's copy has that the generator did not write: code planted in a generated file keeps the generator's header, and only re-running the generator tells them apart.",
  },
  'parser-output': {
    title: 'Parser, scanner or wrapper generated by bison, flex or SWIG',
    help: "A parser bison wrote from a grammar in the tag (parse.c from parse.y), or a scanner flex wrote from a .l file in the tag, as `make dist` ships it. cuckoo re-runs the version its header names on the source, as automake's rule does (the release's ylwrap, bison -y or flex, the project's AM_YFLAGS or AM_LFLAGS), and compares bytes; one it could not re-make is judged by its shape only and stays worth a look, since it is compiled into the program. A Python module SWIG wrote from an interface file of the tag (its header, the Makefile.am rule that runs swig, the `%module` of its name) is judged by its shape only, as SWIG is not re-run, and stays worth a look for the same reason.",
  },
  rebuilt: {
    title: 'Rebuilt from the tag',
    help: "The project's own release steps (autogen.sh or bootstrap, configure, make distdir; or the policy's rebuild.steps), run by cuckoo on the tag in a sandbox with --rebuild, wrote this file byte for byte. That alone explains it: it is what the tag makes.",
  },
  'unrelated-release': {
    title: 'Not this tag\'s release',
    help: "Under a tenth of the release's files share a path with the tag, or under a tenth of the tag's while under half of the release's do: whatever each difference looks like, this release was not made from this tag. The reasons name the tags of a local repository that share the most paths with it; check --repo, --tag and --strip.",
  },
  'submodule-unavailable': {
    title: 'Submodule could not be fetched',
    help: 'A submodule the tag pins could not be fetched, so the release files inside it, and those no rule explains (which may be copies of it), were not checked; they are listed in the evidence. The run is incomplete (exit code 3 when nothing else fails). Pass --submodule NAME=PATH|URL with a repository that has the pinned commit.',
  },
  'hash-collision': {
    title: 'SHA-1 collision with a tag blob',
    help: "The release file has the SHA-1 blob id of a file in the tag but other bytes: sha256 of the two differs. Two contents with one SHA-1 come only from a collision attack (SHAttered, 2017; chosen-prefix, 2020), which git's own SHA-1DC refuses and a plain SHA-1 does not. cuckoo confirms every SHA-1 match in a SHA-1 repository with sha256 of both sides.",
  },
  'known-good': {
    title: 'Known file of the build tools',
    help: 'Byte-identical to a file that autoconf, automake, libtool, gettext, gnulib, autoconf-archive or pkg-config install and copy into releases (config.guess, install-sh, m4 macros, po/ templates). The evidence names the tool and version.',
  },
  'm4-lookalike': {
    title: 'Look-alike of a known m4 macro',
    help: 'The file carries the name of a macro the build tools ship but not its content: the same serial with different bytes, or a serial above every known version, which makes aclocal and `autoreconf -fi` keep it. The xz backdoor (CVE-2024-3094) hid in such a build-to-host.m4. Read the diff against the genuine file.',
  },
  'gettext-catalog': {
    title: 'Generated gettext catalog',
    help: 'A compiled catalog (.gmo) whose every translation is in effect in the matching .po of the tag, a template (.pot) without translations, or the stamp-po timestamp, in a folder the tag marks as a gettext catalog folder.',
  },
  'po-refresh': {
    title: 'Translation refreshed by msgmerge',
    help: 'A .po or .pot that `make dist` refreshed against the new template: references, header dates, new untranslated or fuzzy messages and obsolete entries changed, but every translation in effect is the one in the tag.',
  },
  'version-stamp': {
    title: 'Version and date stamped at release',
    help: 'The only changed lines differ from the tag by the release version and dates, as release scripts stamp them into man pages, headers and docs.',
  },
  'generated-changelog': {
    title: 'ChangeLog generated from git history',
    help: 'A ChangeLog in the shape gitlog-to-changelog (or a similar script) writes from the commit log: dated author entries followed by commit messages, none dated after the tagged commit.',
  },
  'changelog-mismatch': {
    title: 'ChangeLog text no commit wrote',
    help: "A ChangeLog in the layout gitlog-to-changelog writes from the commit log (or a CHANGES or NEWS in the layout of curl's log2changes.pl and libssh2's git2news.pl), with messages that match no commit the tag reaches (same author, same day, same text), or text the script does not write. The reasons and the diff show them: a log is not where code runs, but text in it that the history does not have was written by hand after the tag.",
  },
  'translation-catalog': {
    title: 'Translation downloaded at release',
    help: "A .po catalog that the project's bootstrap downloads from the Translation Project (translationproject.org) rather than keeping in git: its domain and language are the tag's, it parses as a catalog of this package, and it has no code-like content. With --fetch-translations it is compared with the Translation Project's published file; otherwise the reasons say it was judged by its shape only. A compiled catalog (.gmo) of such a .po is explained when every translation it carries is in effect in it, and so is the glue bootstrap writes beside them: po/LINGUAS listing the downloaded languages, and po/Makevars from gettext's template with plain assignments only.",
  },
  'translation-mismatch': {
    title: 'Translation differs from the published one',
    help: "A .po catalog that the bootstrap downloads from the Translation Project, but whose translations differ from the file the Translation Project publishes for this domain and version. The diff lists the messages whose translation is not the published one.",
  },
  'version-file': {
    title: 'Version file written at release',
    help: 'A one-line file such as .tarball-version that holds the release version or a git-describe string, as release scripts write it.',
  },
  'configured-file': {
    title: 'File configured from a template in the tag',
    help: 'The lines of FILE.in in the tag with each @NAME@ placeholder filled in with one value, as configure writes its outputs; nothing added, dropped or reordered, and in files the build runs no value that could run a command. Or the lines of a list template beside it (curl.tmpl for curl.vcxproj) with each placeholder line replaced by entries that each name a file of the tag or the release, and nothing else. Or the lines a Makefile.am rule of the tag echoes into an m4 file (autotest\'s package.m4), each @NAME@ alone in m4 quotes and filled in with a plain value, or into any file as they stand, with nothing make or the shell expands (echo "see NEWS" > ChangeLog). Or one plain word a dist-hook echoes from a make variable into a file the build does not run (echo $(COPYRIGHT_YEAR) > $(distdir)/.year): a value configure sets; or the time make dist ran, as its dist-hook writes it with date +%s. Or a configured file the tag commits, configured again with maintainer mode switched: both sides fill FILE.in of the tag with the same values but @MAINT@ and its kin.',
  },
  'collected-lines': {
    title: "Lines collected from the tag's files",
    help: "Every line that starts with one name (DEFINE_TEST) in the tag's source files of the same folder, in file-name order, as `cat test_*.c | grep '^DEFINE_TEST' > list.h` writes them: recomputed from the tag, byte for byte.",
  },
  'dependency-lines': {
    title: 'Dependency lists a tool wrote below its marker',
    help: "Prerequisite lines (`asm/eval.$(O): asm/eval.c asm/eval.h \\`) that a tool writes into a Makefile when the release is made, below a line of the tag's file that says what follows is generated (nasm's mkdep.pl, makedepend's `# DO NOT DELETE`): each target the object of a source file, no recipe, assignment or pattern among them, every file they depend on a file of the tag or the release, and above the marker the tag's lines, but for a plain value the tag's comment says that tool updates.",
  },
  'gettextize-edit': {
    title: 'Makefile.am as gettextize edits it',
    help: "The tag's Makefile.am with names put in front of an `EXTRA_DIST =` list, as gettextize's sed writes the gettext files it copies into the tree (`gettext.m4`, `iconv.m4`, `config.rpath`), once for each time it ran: each name a file gettext ships and a file of the release, every other line the tag's, in a project whose configure.ac calls AM_GNU_GETTEXT.",
  },
  'recipe-output': {
    title: 'Made by a Makefile.am recipe of the tag, reproduced',
    help: "A file a recipe of the tag's Makefile.am makes, re-made by that recipe in the sandbox on the tag's files: the dist-hook's sed edits of a file make dist copies (libusb's README without its badges), or a rule that writes a file with awk, sed or perl (libgpg-error's err-codes.h from err-codes.h.in). It gave these bytes.",
  },
  'trimmed-copy': {
    title: "The tag's file with lines cut from one end",
    help: "The tag's copy of the file with whole lines cut from its start or its end, nothing added or changed, where a build file of the tag (Makefile.am, GNUmakefile, cfg.mk, maint.mk) cuts it with tail or head when making the release, as libffi's dist-hook does to README.md. Never a file the build runs.",
  },
  'generated-docs': {
    title: 'API documentation generated from sources in the tag',
    help: 'HTML pages bearing the generator mark of gtk-doc or Doxygen, the fixed files those tools write beside them, and a whole Doxygen tag file, explained when the documentation sources (gtk-doc `*-docs.xml` or `*-sections.txt`, a Doxyfile) are in the tag. The build never runs them.',
  },
  'python-sdist': {
    title: 'Metadata a Python sdist build writes',
    help: 'PKG-INFO with the core metadata of the release version, setuptools\' *.egg-info files in their shapes, or setup.cfg with only an [egg_info] section appended, in a tag that is a Python project (pyproject.toml, setup.py or setup.cfg).',
  },
  'from-history': {
    title: 'Content from the tag\'s history',
    help: 'The release file is byte for byte a blob of the tag\'s own history: a file removed before the tag, or an older version of a tracked file. That names its origin, but an older version of a tracked file can undo a later fix, so it stays high.',
  },
  'npm-package': {
    title: 'package.json as published',
    help: 'package.json rewritten the way pnpm, yarn and release tools publish it: workspace: and catalog: ranges resolved, publishConfig overrides applied, the version set to the release\'s, development-only fields dropped. A new or changed script is never explained.',
  },
  'dereferenced-link': {
    title: 'Symlink stored as the file it points to',
    help: 'A symlink in the tag that the release stores as a regular file, byte for byte the file the link points to inside the tag, as `make dist` and `tar -h` write links; or a link to a folder of the tag that the release stores as a folder whose every file is a copy of the linked folder\'s file at the same place.',
  },
  'generated-manpage': {
    title: 'Man page generated from a source in the tag',
    help: 'A man page with a .TH header whose source with the same name (.adoc, .md, .pod, .xml, .ronn, .in, …) is in the tag, beside it or where a build file beside it names it, a one-line `.so` alias of such a page, a po4a translation of a page in the tag with its .po and po4a.conf in the tag, or a page help2man wrote that carries every word of its include file (`man/ls.x`) in the tag and has no request that runs a command or reads a file. Or the HTML rendering of such a source (pandoc, Docutils, md-convert): a page named for a man page, with no script, event handler or javascript: URL, that carries the words of its source.',
  },
  'suspicious-build-code': {
    title: 'Build code that hides and runs data',
    help: 'A file the build runs contains code shaped like the xz backdoor (CVE-2024-3094): it searches the source tree for a binary or test file, decodes it (tr character maps, byte slicing, decompression, base64) and feeds the result to a shell or eval, or it hooks the dynamic loader, writes into source files or fetches from the network. Each signal is listed with its line number; read those lines before you build.',
  },
  'rendered-manpage': {
    title: 'Man page rendered for the release',
    help: 'A text, HTML, PDF, roff or wiki rendering of a man page the tag has, in a documentation folder, with the shape of its format and none of the parts that run code (scripts in HTML, actions in PDF).',
  },
  'rendered-figure': {
    title: 'Figure rendered from a drawing in the tag',
    help: 'A PNG, PDF or SVG figure beside its drawing in the tag (.fig, .svg, .dia, .dot), which a build file there names and makes with a rule that converts that kind of drawing into that format (`.fig.png:` and fig2dev, as libgcrypt and GnuPG do), with the shape of its format and none of the parts that run code (scripts and embedded documents in SVG; actions in PDF, its object streams read too).',
  },
  'texinfo-output': {
    title: 'Generated by makeinfo',
    help: 'An Info manual with the makeinfo header naming its Texinfo source in the tag, the version.texi / stamp-vti pair automake writes next to such a source (only @set lines for the version and the date), or the PDF automake makes of a manual its Makefile.am lists, with no JavaScript, launch, embedded-file, opening, page or form action in its objects or object streams.',
  },
  'not-shipped': {
    title: 'In the tag, not in the release',
    help: 'The tag has this file but the release does not ship it. Release tarballs often leave out development files; check that nothing the build needs is missing.',
  },
  'mode-change': {
    title: 'Executable bit differs',
    help: 'The content matches the tag but the executable bit does not.',
  },
  'type-change': {
    title: 'File type differs',
    help: 'The tag and the release disagree on what this path is (file, symlink, directory, …).',
  },
  unexplained: {
    title: 'Unexplained difference',
    help: 'Nothing in the tag and no rule explains this difference. Read it before you trust the release.',
  },
};
