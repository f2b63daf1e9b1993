/**
 * What reproduction forgives, one named value each, applied only when the
 * bytes differ and only in the files of the generator named. Each says what
 * it forgives and where that difference comes from; a file that matches only
 * after some of them is reported with their names (low), never as identical.
 *
 * Kept narrow on purpose: each one rewrites a token or a line shape that the
 * named tool or release step is known to write, nothing that could carry a
 * command.
 */
import { diffLines } from 'diff';
import { m4CodeHash } from '../analyze/m4.js';
import { escapeRegExp } from '../analyze/regexp.js';
import { compareVersions } from './rebuild/toolchain.js';

export interface StabilizerInput {
  generator: string;
  toolVersion: string;
  /** The version the release claims (curl-7.88.1 → 7.88.1). */
  releaseVersion?: string;
  /** The tag's commit (hex). */
  commit?: string;
  /** The macro files aclocal copies from (its system and own folders), by name. */
  installedMacros?: ReadonlyMap<string, string>;
  /**
   * A known-good version of the macro file `name` whose code (`m4CodeHash`:
   * comment lines aside, which m4 discards) hashes to `codeHash`, named for
   * the report (`automake 1.16.5's python.m4`); undefined when none is.
   */
  knownGood?: (codeHash: string, name: string) => string | undefined;
  /**
   * For text the release's aclocal.m4 holds where aclocal copied the
   * installed macro file `name`: the text made of a known upstream file and
   * changes known copies of it make (a distribution's revision the library
   * lacks), named for the report; undefined when it is not, or not worked
   * out yet (the caller works out what was asked and runs again).
   */
  composed?: (text: string, name: string) => string | undefined;
}

export interface Stabilizer {
  name: string;
  /** What it forgives and why, for the report and the reader of this list. */
  forgives: string;
  generators: readonly string[];
  /** Both texts rewritten (and what was forgiven in this file, when it says more than `forgives`), or undefined when it does not apply. */
  apply(release: string, regenerated: string, input: StabilizerInput): [string, string, string?] | undefined;
}

/** Both texts put through `rewrite`, or undefined when it changes neither. */
function rewriteBoth(release: string, regenerated: string, rewrite: (text: string) => string): [string, string] | undefined {
  const a = rewrite(release);
  const b = rewrite(regenerated);
  return a !== release || b !== regenerated ? [a, b] : undefined;
}

/** An `apply` that puts both texts through `rewrite`, for files of that one version of the tool only. */
function rewriteFor(version: string, rewrite: (text: string) => string): Stabilizer['apply'] {
  return (release, regenerated, input) => (input.toolVersion === version ? rewriteBoth(release, regenerated, rewrite) : undefined);
}

const trailingBlankLines: Stabilizer = {
  name: 'trailing-blank-lines',
  forgives: 'blank lines at the end of the file (openssh 9.2p1: its release step leaves one more than autoconf writes)',
  generators: ['autoconf', 'autoheader', 'aclocal', 'automake'],
  apply(release, regenerated) {
    const trim = (s: string) => s.replace(/\n(?:[ \t]*\n)+$/, '\n');
    const tail = (s: string) => s.length - trim(s).length;
    // Only where the two ends differ: equal endings need no forgiving.
    if (tail(release) === tail(regenerated)) return undefined;
    return [trim(release), trim(regenerated)];
  },
};

const versionPlaceholder: Stabilizer = {
  name: 'version-placeholder',
  forgives:
    "a version placeholder of configure.ac (@@GIT_VERSION@@) that the project's own build replaces with the release version before it runs autoconf (git's Makefile does so for configure)",
  generators: ['autoconf', 'autoheader'],
  apply(release, regenerated, input) {
    if (!input.releaseVersion || !/@@[A-Z_]*VERSION@@/.test(regenerated)) return undefined;
    const version = input.releaseVersion;
    return [release, regenerated.replace(/@@[A-Z_]*VERSION@@/g, version)];
  },
};

/**
 * GnuPG's projects (libgpg-error, libgcrypt, gnupg, …) take their version and
 * revision from git while autoconf runs (`autogen.sh --find-version`, through
 * m4_esyscmd): in a tree without .git, as here, the version gets `-unknown`
 * and the revision `0000000`. What git would have given at the tag is known:
 * the release's version, not a development one, and the tag's commit
 * abbreviated as the release has it (7 digits or more) with its first four as
 * a decimal (libgpg-error 1.46: ea03187, 59907; libgcrypt 1.10.1: ae0e5678;
 * gnupg 2.2.40: 2e9f8a511), and in newer ones the whole commit
 * (`BUILD_COMMITID`, libgpg-error 1.51). Forgiven: the regenerated file with
 * those filled in, and nothing else.
 */
const versionFromGit: Stabilizer = {
  name: 'version-from-git',
  forgives:
    "a version and revision that configure.ac asks git for while autoconf runs (GnuPG's autogen.sh --find-version), which a tree without .git writes as -unknown and 0000000: filled in with the release's version and the tag's commit",
  generators: ['autoconf'],
  apply(release, regenerated, input) {
    const version = input.releaseVersion;
    const commit = input.commit;
    if (!version || !commit || !/^[0-9a-f]{40,64}$/.test(commit) || !regenerated.includes(`${version}-unknown`)) return undefined;
    // git abbreviates to 7 digits or more, as the repository's size asks: the release's own, where it is the tag's commit.
    const recorded = /^BUILD_REVISION="([0-9a-f]{7,40})"$/m.exec(release)?.[1];
    const rev = recorded !== undefined && commit.startsWith(recorded) ? recorded : commit.slice(0, 7);
    const dec = String(parseInt(rev.slice(0, 4), 16));
    const b = regenerated
      .replace(new RegExp(`${escapeRegExp(version)}-unknown\\b`, 'g'), version)
      .replace(/^BUILD_REVISION="0000000"$/gm, `BUILD_REVISION="${rev}"`)
      // Newer ones record the whole commit too (libgpg-error 1.51).
      .replace(/^BUILD_COMMITID="0000000"$/gm, `BUILD_COMMITID="${commit}"`)
      // Indented inside an if (libksba 1.6.7), or not.
      .replace(/^(\s*BUILD_\w*VERSION="\$\{BUILD_\w*VERSION\}(?:\d+\.)*)0"$/gm, `$1${dec}"`)
      .replace(/^(\s*Revision:\s+)0000000(\s+)\(0\)$/gm, `$1${rev}$2(${dec})`)
      // Without git the version is not the tag's, so a development one; at the tag it is not.
      .replace(/^development_version=yes$/m, 'development_version=no');
    return b !== regenerated ? [release, b] : undefined;
  },
};

/**
 * A commit id configure.ac asks git for while autoconf runs (libnl 3.7.0:
 * `m4_esyscmd([… git rev-parse --verify -q HEAD …])` into LIBNL_GIT_SHA),
 * which a tree without .git leaves empty. git's answer ends with a newline,
 * so the release's line is followed by a blank one. Forgiven: a changed
 * stretch of lines that holds the tag's commit (whole, or abbreviated to 7
 * digits or more) and is the regenerated stretch once that id and blank lines
 * are taken out.
 */
const commitFromGit: Stabilizer = {
  name: 'commit-from-git',
  forgives: "the tag's commit id that configure.ac asks git for while autoconf runs (m4_esyscmd of git rev-parse HEAD), which a tree without .git leaves empty, and the blank line after it",
  generators: ['autoconf', 'autoheader'],
  apply(release, regenerated, input) {
    const commit = input.commit;
    if (!commit || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit) || !release.includes(commit.slice(0, 7))) return undefined;
    const parts = diffLines(regenerated, release, { maxEditLength: 1000 });
    if (!parts) return undefined;
    const withoutId = (s: string) => s.replace(/\b[0-9a-f]{7,64}\b/g, (id) => (commit.startsWith(id) ? '' : id));
    const solid = (s: string) => s.split('\n').filter((l) => l.trim() !== '').join('\n');
    let out = '';
    let forgiven = false;
    for (let i = 0; i < parts.length; i++) {
      if (!parts[i]!.added && !parts[i]!.removed) {
        out += parts[i]!.value;
        continue;
      }
      let ours = '';
      let theirs = '';
      for (; i < parts.length && (parts[i]!.added || parts[i]!.removed); i++) {
        if (parts[i]!.added) theirs += parts[i]!.value;
        else ours += parts[i]!.value;
      }
      i--;
      const fits = withoutId(theirs) !== theirs && solid(withoutId(theirs)) === solid(ours);
      out += fits ? ours : theirs;
      forgiven ||= fits;
    }
    return forgiven ? [out, regenerated] : undefined;
  },
};

const cxxCacheName: Stabilizer = {
  name: 'autoconf-2.71-cxx-cache-name',
  forgives:
    "the name of autoconf 2.71's C++ standard cache variable: GNU's 2.71 tarball writes ac_cv_prog_cxx_11 and ac_cv_prog_cxx_98, distributions that patched it (Debian's 2.71-3) write ac_cv_prog_cxx_cxx11 and ac_cv_prog_cxx_cxx98 (util-linux 2.38.1 differs from Debian's output in those 8 lines)",
  generators: ['autoconf'],
  apply(release, regenerated, input) {
    if (input.toolVersion !== '2.71') return undefined;
    const name = /\bac_cv_prog_cxx_(?:cxx)?(11|98)\b/g;
    if (!name.test(release) || !/\bac_cv_prog_cxx_(?:cxx)?(11|98)\b/.test(regenerated)) return undefined;
    const one = (s: string) => s.replace(/\bac_cv_prog_cxx_(?:cxx)?(11|98)\b/g, 'ac_cv_prog_cxx_cxx$1');
    return rewriteBoth(release, regenerated, one);
  },
};

/**
 * What distributions change in autoconf 2.69's output. Debian's and Ubuntu's
 * autoconf 2.69 (before 2.71) carry later upstream fixes to two test programs
 * configure compiles, AC_SYS_LARGEFILE's LARGE_OFF_T without a shift by 62
 * (`(((off_t) 1 << 31) << 31)`) and AC_FUNC_MMAP's test freeing its buffers
 * before it returns, and the backport of `--runstatedir` (one variable, its
 * option and its help line); Debian's autoconf2.69 (2.69-3.1) keeps the two
 * fixes and leaves out runstatedir. GNU's 2.69 writes none of them (file
 * 5.44: 5 and 2 lines against Debian's autoconf2.69; tmux 3.3a and libxslt
 * 1.1.35, made on Debian or Ubuntu: 12 lines of runstatedir). Forgiven: those
 * exact lines, each side rewritten to GNU's.
 */
const runstatedirOption = [
  '  -runstatedir | --runstatedir | --runstatedi | --runstated \\\n',
  '  | --runstate | --runstat | --runsta | --runst | --runs \\\n',
  '  | --run | --ru | --r)\n',
  '    ac_prev=runstatedir ;;\n',
  '  -runstatedir=* | --runstatedir=* | --runstatedi=* | --runstated=* \\\n',
  '  | --runstate=* | --runstat=* | --runsta=* | --runst=* | --runs=* \\\n',
  '  | --run=* | --ru=* | --r=*)\n',
  '    runstatedir=$ac_optarg ;;\n',
  '\n',
].join('');
const autoconf269Fixes: Stabilizer = {
  name: 'autoconf-2.69-distribution-fixes',
  forgives:
    "what distributions change in autoconf 2.69's output (Debian's and Ubuntu's autoconf 2.69, Debian's autoconf2.69): two fixed test programs (AC_SYS_LARGEFILE's LARGE_OFF_T written without a shift by 62, AC_FUNC_MMAP's test freeing its two buffers before it returns) and the backported --runstatedir option; GNU's 2.69 writes none of them",
  generators: ['autoconf'],
  apply: rewriteFor('2.69', (s) =>
    s
      .replaceAll('#define LARGE_OFF_T ((((off_t) 1 << 31) << 31) - 1 + (((off_t) 1 << 31) << 31))', '#define LARGE_OFF_T (((off_t) 1 << 62) - 1 + ((off_t) 1 << 62))')
      .replaceAll('      return 14;\n  close (fd);\n  free (data);\n  free (data3);\n  return 0;\n}', '      return 14;\n  close (fd);\n  return 0;\n}')
      .replace('\nincludedir\nrunstatedir\nlocalstatedir\n', '\nincludedir\nlocalstatedir\n')
      .replace("\nlocalstatedir='${prefix}/var'\nrunstatedir='${localstatedir}/run'\n", "\nlocalstatedir='${prefix}/var'\n")
      .replace(`\n${runstatedirOption}  -sbindir | --sbindir`, '\n  -sbindir | --sbindir')
      .replace('\n\t\tlibdir localedir mandir runstatedir\n', '\n\t\tlibdir localedir mandir\n')
      .replace('\n  --runstatedir=DIR       modifiable per-process data [LOCALSTATEDIR/run]\n', '\n'),
  ),
};

/**
 * What a distribution changes in autoconf 2.72's output: AC_PROG_CXX's test
 * program for C++11 with the later upstream port to C++20 (a u8 literal is
 * char8_t there), `auto const *utf8` for `char const *utf8` and the UTF-16
 * string's text corrected. GNU's 2.72, and Debian's, write the first form;
 * util-linux 2.41.5's configure, made elsewhere, has the second (2 lines).
 * Forgiven: those two lines, each side rewritten to GNU's.
 */
const autoconf272Fixes: Stabilizer = {
  name: 'autoconf-2.72-distribution-fixes',
  forgives:
    "AC_PROG_CXX's C++11 test program as a distribution's autoconf 2.72 writes it with the later port to C++20 (`auto const *utf8 = u8\"UTF-8 string \\u2500\";` and a UTF-16 string that says UTF-16); GNU's 2.72 writes `char const *utf8` and UTF-8",
  generators: ['autoconf'],
  apply: rewriteFor('2.72', (s) =>
    s.replaceAll(
      '  auto const *utf8 = u8"UTF-8 string \\u2500";\n  char16_t const *utf16 = u"UTF-16 string \\u2500";\n',
      '  char const *utf8 = u8"UTF-8 string \\u2500";\n  char16_t const *utf16 = u"UTF-8 string \\u2500";\n',
    ),
  ),
};

/**
 * A distribution's autoconf 2.71 that carries autoconf 2.72's changes for C
 * compilers that reject old-style C (WavPack 5.6.0's configure, "Generated
 * by GNU Autoconf 2.71"): the prototypes of the functions a link test calls
 * written `char f (void);`, AC_LANG_CALL's comment saying why it adds an
 * `extern "C"` block for C++ compilers, and that block; AC_PROG_CC's C89
 * test with a prototyped definition (`static char *e (char **p, int i)`),
 * and its C99 test declaring `free` beside `malloc`. GNU's 2.71 writes the
 * old forms. Forgiven: those lines, each side rewritten to GNU's; the code a
 * test compiles is the same but for the declarations.
 */
const c99Comment =
  "   builtin and then its argument prototype would still apply.\n   The 'extern \"C\"' is for builds by C++ compilers;\n   although this is not generally supported in C code supporting it here\n   has little cost and some practical benefit (sr 110532).  */\n#ifdef __cplusplus\nextern \"C\"\n#endif\n";
const autoconf271C99: Stabilizer = {
  name: 'autoconf-2.71-c99-backport',
  forgives:
    "a distribution's autoconf 2.71 with 2.72's changes for C99 compilers: link tests' prototypes written `char f (void);` with AC_LANG_CALL's `extern \"C\"` block and its comment, AC_PROG_CC's C89 test function prototyped, its C99 test declaring `free`; GNU's 2.71 writes `char f ();`, an old-style definition and no `free`",
  generators: ['autoconf'],
  apply: rewriteFor('2.71', (s) =>
    s
      .replaceAll(c99Comment, '   builtin and then its argument prototype would still apply.  */\n')
      .replace(/^char ([\w$]+) \(void\);$/gm, 'char $1 ();')
      .replaceAll('   which can conflict with char $2 (void); below.  */', '   which can conflict with char $2 (); below.  */')
      .replaceAll('static char *e (char **p, int i)\n', 'static char *e (p, i)\n     char **p;\n     int i;\n')
      .replaceAll('extern void *malloc (size_t);\nextern void free (void *);\n', 'extern void *malloc (size_t);\n'),
  ),
};

/**
 * Debian's autoconf 2.72 (2.72-3.1, trixie's) backports the later change of
 * AC_SYS_LARGEFILE that puts the large-file option in CPPFLAGS rather than
 * in CC, and drops its IRIX `-n32` case: GNU's 2.72 writes
 * `checking for $CC option to enable large file support`, `ac_save_CC`,
 * `CC="$CC -D_FILE_OFFSET_BITS=64"`, Debian's the same lines with CPPFLAGS
 * (rsync 3.5.0's configure.sh is Debian's output byte for byte: 22 lines).
 * Forgiven: those lines, within the macro's block, each side rewritten to
 * GNU's, and the two year-2038 messages.
 */
const debianLargefile: Array<[string, string]> = [
  ['checking for $CPPFLAGS option for large files', 'checking for $CC option to enable large file support'],
  ['  e) ac_save_CPPFLAGS=$CPPFLAGS\n', '  e) ac_save_CC="$CC"\n'],
  ['"-D_LARGE_FILES=1"; do\n', '"-D_LARGE_FILES=1" "-n32"; do\n'],
  ['  CPPFLAGS="$ac_save_CPPFLAGS $ac_opt"\n', '  CC="$ac_save_CC $ac_opt"\n'],
  ['\t CPPFLAGS="$CPPFLAGS -DFTYPE=ino_t"\n', '\t CC="$CC -DFTYPE=ino_t"\n'],
  ['  e) CPPFLAGS="$CPPFLAGS -D_FILE_OFFSET_BITS=64"\n', '  e) CC="$CC -D_FILE_OFFSET_BITS=64"\n'],
  ['  CPPFLAGS=$ac_save_CPPFLAGS\n', '  CC="$ac_save_CC"\n'],
  // The case before the error on a line of its own: GNU's -n32 case ends with ` ;; #(` too.
  ['\n ;; #(\n  *) :\n    as_fn_error $? "internal error: bad value for \\$ac_cv_sys_largefile_opts"', '\n ;; #(\n  "-n32") :\n    CC="$CC -n32" ;; #(\n  *) :\n    as_fn_error $? "internal error: bad value for \\$ac_cv_sys_largefile_opts"'],
];
const largefileStart = /^ {2}\{ printf "%s\\n" "\$as_me:\$\{as_lineno-\$LINENO\}: checking for \$(?:CPPFLAGS option for large files|CC option to enable large file support)" >&5$/m;
const largefileEnd = 'as_fn_error $? "internal error: bad value for \\$ac_cv_sys_largefile_opts"';
const autoconf272Largefile: Stabilizer = {
  name: 'autoconf-2.72-debian-largefile',
  forgives:
    "AC_SYS_LARGEFILE as Debian's autoconf 2.72 writes it, with the later change that puts the large-file option in CPPFLAGS rather than CC and drops IRIX's -n32 (22 lines of the macro's block, and the year-2038 check's message); GNU's 2.72 writes CC",
  generators: ['autoconf'],
  apply: rewriteFor('2.72', (text) => {
    const start = largefileStart.exec(text)?.index;
    const end = start === undefined ? -1 : text.indexOf(largefileEnd, start);
    if (start === undefined || end < 0) return text;
    const stop = end + largefileEnd.length;
    let block = text.slice(start, stop);
    for (const [debian, gnuText] of debianLargefile) block = block.replaceAll(debian, gnuText);
    return (text.slice(0, start) + block + text.slice(stop)).replaceAll('checking for $CPPFLAGS option for timestamps after 2038', 'checking for $CC option for timestamps after 2038');
  }),
};

/**
 * bison 3.8.2 as a distribution patches it with a later fix marks the
 * parser's error count unused (`int yynerrs YY_ATTRIBUTE_UNUSED = 0;`), for
 * compilers that warn it is set and never read; GNU's 3.8.2, and Debian's,
 * write `int yynerrs = 0;` (util-linux 2.41.5's two parsers). Forgiven: that
 * declaration, the attribute being the only difference.
 */
const bisonYynerrs: Stabilizer = {
  name: 'bison-3.8.2-yynerrs-unused',
  forgives: "a distribution's bison 3.8.2 marking the error count unused (`int yynerrs YY_ATTRIBUTE_UNUSED = 0;`, a later fix); GNU's 3.8.2 writes `int yynerrs = 0;`",
  generators: ['bison'],
  apply: rewriteFor('3.8.2', (s) => s.replace(/^(\s*int yynerrs) YY_ATTRIBUTE_UNUSED( = 0;)$/gm, '$1$2')),
};

/**
 * `bison -y` names its outputs `y.tab.c` and `y.tab.h` and writes those
 * names into them: in the `#line` directives that point back into the file
 * itself, and in the header's include guard (`YY_YY_Y_TAB_H_INCLUDED`).
 * automake's ylwrap renames the files and fixes both in the text
 * (`parser.c`, `YY_YY_PARSER_H_INCLUDED`); a release made with a plain `mv`
 * keeps bison's (swig 4.1.0's `Source/CParse/parser.c` and `.h`). Forgiven:
 * only the file name of a directive that names a `.c` or `.h` file (never
 * the `.y` grammar's, nor its line number), and the name of the include
 * guard in its three lines.
 */
const bisonOutputNames: Stabilizer = {
  name: 'bison-output-file-names',
  forgives:
    "the names bison writes into its output for the files it writes (`#line N \"y.tab.c\"`, the include guard `YY_YY_Y_TAB_H_INCLUDED`), which ylwrap changes to the names the files are given and a plain rename keeps",
  generators: ['bison'],
  apply(release, regenerated) {
    return rewriteBoth(release, regenerated, (s) =>
      s
        .replace(/^(#line \d+ )"[^"\n]*\.(c|cc|cpp|h|hh|hpp)"$/gm, '$1"OUTPUT.$2"')
        .replace(/^(#ifndef |# define |#endif \/\* !)YY_[A-Z0-9_]*_INCLUDED\b/gm, '$1YY_OUTPUT_INCLUDED'),
    );
  },
};

/**
 * flex 2.6.4 numbers the `#line` directives that point into the file it is
 * writing one higher than the line they stand on; a distribution's flex with
 * the later fix writes the line's own number (`#line 1 "scan.c"` on line 1,
 * util-linux 2.41.5's filter-scanner.c and .h). Forgiven: only the numbers of
 * directives that name the generated file itself (`.c`, `.h`), never those
 * that name the `.l` grammar. Also a directive that the next one overrides
 * before any other line (only blank lines between), which has no effect at
 * all: flex 2.6.4 built from its own release writes `#line 1 "scan.c"`,
 * a blank line, then `#line 3 "scan.c"`; Debian's the second alone.
 */
const flexLineNumbers: Stabilizer = {
  name: 'flex-output-line-numbers',
  forgives:
    "the numbers of the #line directives that name the generated file itself (flex 2.6.4 writes each one higher than the line it stands on, a distribution's flex with the later fix its own number), and a #line directive the next one overrides before any other line",
  generators: ['flex'],
  apply(release, regenerated) {
    return rewriteBoth(release, regenerated, (s) =>
      s.replace(/^#line \d+ ("[^"\n]*\.(?:c|cc|cpp|h|hh|hpp)")$/gm, '#line N $1').replace(/^#line (?:\d+|N)(?: "[^"\n]*")?\n(?=\n*#line )/gm, ''),
    );
  },
};

/**
 * Line numbers of configure itself written into it by old-style macros
 * (`#line __oline__ "configure"`, `echo configure:__oline__:`, gnulib's
 * threadlib.m4 `echo "$as_me:__oline__: …"`): they
 * move with every line above them, so a line any other stabilizer forgave
 * renumbers the rest (libxml2 2.9.14). Forgiven: only those numbers.
 */
const configureLineNumbers: Stabilizer = {
  name: 'configure-line-numbers',
  forgives: 'line numbers of configure that old-style macros write into it (#line N "configure", configure:N:, $as_me:N:), which move with any line above them',
  generators: ['autoconf'],
  apply(release, regenerated) {
    const one = (s: string) => s.replace(/(#line )\d+( "configure")/g, '$1N$2').replace(/\bconfigure:\d+:/g, 'configure:N:').replace(/\$as_me:\d+:/g, '$as_me:N:');
    return rewriteBoth(release, regenerated, one);
  },
};

/**
 * autoconf-archive's AX_AM_MACROS_STATIC writes the time it ran into
 * aminclude_static.am (`# from AX_AM_MACROS_STATIC on Wed Oct 27 08:06:13
 * CEST 2021`, from `LC_ALL=C date`), and automake copies that line into each
 * Makefile.in that includes the file (c-ares 1.18.1). Forgiven: the date on
 * that comment line.
 */
const macrosStaticDate: Stabilizer = {
  name: 'aminclude-static-date',
  forgives: "the time autoconf-archive's AX_AM_MACROS_STATIC ran, on the comment line it writes into aminclude_static.am and automake copies into Makefile.in",
  generators: ['automake'],
  apply(release, regenerated) {
    const one = (s: string) => s.replace(/^(# from AX_AM_MACROS_STATIC on )[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} [A-Z]{2,5} \d{4}$/gm, '$1(date)');
    return rewriteBoth(release, regenerated, one);
  },
};

/**
 * automake writes a `NAME = @NAME@` line into every Makefile.in for each
 * variable configure substitutes, as autoconf traces configure.ac for it. A
 * distribution's autoconf 2.69 with the backported --runstatedir (see
 * autoconf-2.69-distribution-fixes), and every autoconf from 2.70,
 * substitutes `runstatedir`; GNU's 2.69 and Debian's autoconf2.69 do not. So
 * each Makefile.in of a release whose maker had the former has one line more
 * than automake writes here with the latter (libgpg-error 1.46, gnupg
 * 2.2.40, libgcrypt 1.10.1 and libogg 1.3.5, made with automake 1.16.3: that
 * line, and nothing else, in every Makefile.in). Forgiven: that exact line,
 * where one side has it and the other not. It sets an installation
 * directory to what configure finds; it runs nothing.
 */
const runstatedirLine = /^runstatedir = @runstatedir@\n/m;
const automakeRunstatedir: Stabilizer = {
  name: 'automake-runstatedir-variable',
  forgives:
    "the line `runstatedir = @runstatedir@`, which automake writes into a Makefile.in when the autoconf that traced configure.ac substitutes runstatedir (a distribution's autoconf 2.69 with the backported --runstatedir, any autoconf from 2.70) and leaves out otherwise: an installation directory configure fills in",
  generators: ['automake'],
  apply(release, regenerated) {
    if (runstatedirLine.test(release) === runstatedirLine.test(regenerated)) return undefined;
    return rewriteBoth(release, regenerated, (text) => text.replace(runstatedirLine, ''));
  },
};

/**
 * automake before 1.17 walks some of its tables in Perl's hash order, which
 * Perl varies from run to run (automake's own fix, "sort keys for
 * reproducibility", came in 1.16.92). One place that shows: the empty rules
 * it writes under a conditional's other branch for `-local` targets a
 * Makefile.am defines under that conditional (`@ENABLE_DOXYGEN_FALSE@
 * install-data-local:` and `uninstall-local:`), which come out in either
 * order (libevent 2.1.12 with automake 1.16.2, libxslt 1.1.35 with 1.16.1,
 * opus 1.3.1 with 1.15.1: one pair swapped). Forgiven: each run of such
 * lines, empty rules under a conditional, in another order, the same lines
 * on both sides.
 */
const emptyConditionalRule = /^@[A-Za-z_][A-Za-z0-9_]*@[A-Za-z0-9_.-]+:$/;
const automakeHashOrder: Stabilizer = {
  name: 'automake-hash-order',
  forgives:
    "the order of the empty rules automake before 1.17 writes under a conditional (`@COND_FALSE@install-data-local:`), which it took from Perl's hash order, different from run to run: the same lines, in another order",
  generators: ['automake'],
  apply(release, regenerated, input) {
    if (compareVersions(input.toolVersion, '1.16.92') >= 0) return undefined;
    return rewriteBoth(release, regenerated, sortedRuns);
  },
};

/** `text` with each run of consecutive empty conditional rules (emptyConditionalRule) sorted. */
function sortedRuns(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && emptyConditionalRule.test(lines[end]!)) end++;
    if (end - i > 1) lines.splice(i, end - i, ...lines.slice(i, end).sort());
    i = Math.max(end, i + 1);
  }
  return lines.join('\n');
}

/**
 * Files automake distributes whenever it finds them (`automake --help` lists
 * them): the aux scripts and the GNU files (ChangeLog, NEWS, …), bare or with
 * the folder automake writes before them.
 */
const foundFile = /^(?:\$\((?:top_)?srcdir\)\/)?(?:ABOUT-GNU|ABOUT-NLS|BACKLOG|COPYING(?:\.DOC|\.LESSER|\.LIB)?|TODO|ar-lib|compile|config\.guess|config\.rpath|config\.sub|depcomp|install-sh|libversion\.in|ltcf-c\.sh|ltcf-cxx\.sh|ltcf-gcj\.sh|ltconfig|ltmain\.sh|mdate-sh|missing|mkinstalldirs|py-compile|texinfo\.tex|ylwrap|test-driver|(?:AUTHORS|INSTALL|README|THANKS|ChangeLog|NEWS|README-alpha)(?:\.md)?)$/;
const auxFolderFile = /(?:^|\/)(?:build-aux|config|admin|autotools)\/[A-Za-z0-9_.-]+$/;

/**
 * automake lists in DIST_COMMON the files of that list present when it writes
 * each Makefile.in, so the lists say what was in the maker's tree, not what
 * the project builds. Run with --add-missing, a script copied while a later
 * Makefile.am is processed (depcomp) is missing from the lists written before
 * it (xz-utils 5.4.1: one of 11; flac 1.4.2: its top Makefile.in lacks the
 * depcomp it ships); a ChangeLog written by `make dist` is listed by a later
 * automake run only (libffi 3.4.4 ships one its top Makefile.in does not
 * list). Forgiven: only words of the DIST_COMMON assignments that name such a
 * file, the other words in the same order.
 */
const distCommonFound: Stabilizer = {
  name: 'dist-common-found-files',
  forgives: "files automake distributes whenever it finds them (aux scripts such as depcomp, and ChangeLog, NEWS, …) present in one side's DIST_COMMON list and not the other's, as automake writes them depending on which were in the tree when it ran",
  generators: ['automake'],
  apply(release, regenerated) {
    const assignment = /^((?:am__)?DIST_COMMON =)((?:[^\n]*\\\n)*[^\n]*)$/gm;
    const a = [...release.matchAll(assignment)];
    const b = [...regenerated.matchAll(assignment)];
    if (a.length === 0 || a.length !== b.length) return undefined;
    const words = (s: string) => s.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
    const found = (w: string) => auxFolderFile.test(w) || foundFile.test(w);
    let changed = false;
    for (let i = 0; i < a.length; i++) {
      if (a[i]![1] !== b[i]![1]) return undefined;
      if (a[i]![2] === b[i]![2]) continue;
      const aw = words(a[i]![2]!);
      const bw = words(b[i]![2]!);
      const diff = [...aw.filter((w) => !bw.includes(w)), ...bw.filter((w) => !aw.includes(w))];
      if (!diff.every(found)) return undefined;
      if (aw.filter((w) => !found(w)).join(' ') !== bw.filter((w) => !found(w)).join(' ')) return undefined;
      changed = true;
    }
    if (!changed) return undefined;
    // The release's lists take the regenerated ones' words; every other byte stays.
    let i = 0;
    return [release.replace(assignment, () => b[i++]![0]), regenerated];
  },
};

/**
 * aclocal copies third-party macros (pkg.m4, libtool.m4 when not in m4/)
 * from the machine's aclocal folder into aclocal.m4, so the release carries
 * the version its maker had installed (util-linux 2.38.1: pkg-config 0.29.1's
 * pkg.m4 and GNU automake 1.16.5's python.m4; Debian bookworm has pkgconf's
 * and its own patched python.m4; libarchive 3.6.2: libtool 2.4.6's five
 * files and pkg-config's pkg.m4, one after another, where this machine has
 * libtool 2.4.7 and pkgconf). Forgiven only when the release's copy has the
 * code of a known-good version of that same macro file, or is made of a
 * known upstream version and changes known copies of it make (libxslt
 * 1.1.35: an older Debian revision of libtool 2.4.6's libtool.m4, each of
 * its 19 changes one that Debian's 2.4.6-15 makes).
 */
const installedMacroVersion: Stabilizer = {
  name: 'aclocal-installed-macro-version',
  forgives:
    "a macro file aclocal copied from the maintainer's installed macros (pkg.m4, …) in another genuine version than the one installed here: the release's copy is byte for byte a known-good version of that file, or one made of a known upstream version and changes known copies of it make",
  generators: ['aclocal'],
  apply(release, regenerated, input) {
    if (!input.installedMacros || !input.knownGood) return undefined;
    const copies = installedCopies(regenerated, input.installedMacros);
    if (copies.length === 0) return undefined;
    const known = (text: string, copy: InstalledCopy) => input.knownGood!(m4CodeHash(text), copy.name) ?? input.composed?.(text, copy.name);
    const places = copyPlaces(release, regenerated, copies, (text, copy) => text === copy.copied || known(text, copy) !== undefined);
    let a = '';
    let done = 0;
    const forgiven: string[] = [];
    for (let i = 0; i < copies.length; i++) {
      const place = places[i];
      if (!place) continue;
      const text = release.slice(place.start, place.end);
      if (text === copies[i]!.copied) continue;
      const named = known(text, copies[i]!);
      if (!named) continue;
      a += release.slice(done, place.start) + copies[i]!.copied;
      done = place.end;
      forgiven.push(`${copies[i]!.name}: the release has ${named}, this machine another version`);
    }
    return forgiven.length > 0 ? [a + release.slice(done), regenerated, forgiven.join('; ')] : undefined;
  },
};

/**
 * gettext's macro files depend on one another, and the set aclocal copies
 * changes between versions: gettext 0.21's iconv.m4 needs host-cpu-c-abi.m4,
 * 0.19's does not. A maintainer with the older gettext installed has the
 * older files and not that one (dosfstools 4.2: iconv.m4 serial 19,
 * lib-ld.m4, lib-link.m4 and lib-prefix.m4 of gettext 0.18 and 0.19, where
 * this machine copies host-cpu-c-abi.m4 and the four in gettext 0.21's
 * versions). Where installed copies that each name themselves in their
 * first line lie one after another in the regenerated aclocal.m4, the text
 * between what comes before and after them in the release is forgiven when
 * it is made up wholly of macro files that each name themselves, each byte
 * for byte the code of a known-good version of the file it names, and each
 * one of the files this machine copies there.
 */
const installedMacroSet: Stabilizer = {
  name: 'aclocal-installed-macro-set',
  forgives:
    "a run of macro files aclocal copied from the maintainer's installed macros (gettext's iconv.m4, lib-link.m4, …) as another genuine version of that tool has them: fewer files, each byte for byte a known-good version of a file this machine copies there",
  generators: ['aclocal'],
  apply(release, regenerated, input) {
    if (!input.installedMacros || !input.knownGood) return undefined;
    const named = (text: string) => new RegExp(macroFileHeader.source, 'm').exec(text)?.index === 0;
    const runs: InstalledCopy[][] = [];
    for (const copy of installedCopies(regenerated, input.installedMacros)) {
      const last = runs.at(-1)?.at(-1);
      if (!named(copy.copied)) continue;
      if (last && regenerated.slice(last.end, copy.at).trim() === '') runs.at(-1)!.push(copy);
      else runs.push([copy]);
    }
    let out = '';
    let done = 0;
    const forgiven: string[] = [];
    for (const run of runs) {
      const from = run[0]!.at;
      const to = run.at(-1)!.end;
      const lead = regenerated.slice(Math.max(0, from - 400), from);
      const trail = regenerated.slice(to, to + 400);
      if (lead.length < 24 || trail.trim().length < 24) continue;
      const l = release.indexOf(lead, done);
      if (l < 0) continue;
      const start = l + lead.length;
      const end = release.indexOf(trail, start);
      if (end < 0) continue;
      const text = release.slice(start, end);
      if (text === regenerated.slice(from, to)) continue;
      const names = new Set(run.map((c) => c.name));
      const files = namedMacroFiles(text, input.knownGood, (name) => names.has(name));
      if (!files) continue;
      out += release.slice(done, start) + regenerated.slice(from, to);
      done = end;
      forgiven.push(`the release has ${files.join(', ')}; this machine copies ${[...names].join(', ')}`);
    }
    return forgiven.length > 0 ? [out + release.slice(done), regenerated, forgiven.join('; ')] : undefined;
  },
};

/**
 * The first lines a macro file names itself in: autoconf-archive's header (a
 * rule, then the file's page), or the `# NAME.m4 serial N` line gnulib's and
 * gettext's files open with.
 */
const macroFileHeader = /^(?:# =+\n#\s+https:\/\/www\.gnu\.org\/software\/autoconf-archive\/(ax_[a-z0-9_]+)\.html\n|# ([a-z0-9_-]+\.m4) serial \d+\b[^\n]*\n)/gm;
const namesMacroFile = /^# [a-z0-9_-]+\.m4 serial \d|autoconf-archive\/ax_/m;

/**
 * aclocal copies from the maintainer's installed macros the files
 * configure.ac calls for; where this machine lacks them, the regenerated
 * aclocal.m4 has nothing in their place: autoconf-archive, not installed
 * here (rsyslog 8.2504.0: fifteen `ax_*.m4`, 1,226 lines), or an older
 * gettext's files (libgpg-error 1.46: gettext 0.19's longlong.m4, serial
 * 17, 114 lines, which later gettexts no longer install). Forgiven: a run of
 * lines only the release has, made up wholly of macro files that each name
 * themselves in their first lines, each byte for byte the code of a
 * known-good version of the file it names. Where the run is beside lines of
 * a copy this machine has in another version (pcsc-lite 1.9.9: the
 * autoconf-archive files, then pkg-config's pkg.m4 where this machine has
 * pkgconf's), those lines stay for aclocal-installed-macro-version, which
 * comes after this one.
 */
const macrosNotInstalled: Stabilizer = {
  name: 'aclocal-macros-not-installed-here',
  forgives:
    "macro files that aclocal copied from the maintainer's installed macros and that this machine does not have (autoconf-archive's, an older gettext's): each names itself in its first lines and is byte for byte the code of a known-good version of that file",
  generators: ['aclocal'],
  apply(release, regenerated, input) {
    if (!input.knownGood || !namesMacroFile.test(release)) return undefined;
    const parts = diffLines(regenerated, release, { maxEditLength: 2000 });
    if (!parts) return undefined;
    let out = '';
    const forgiven: string[] = [];
    // The release's text again (what both have, and what only it has), without the runs forgiven. A change
    // is taken with the changes next to it across blank lines both have (a diff pairs a macro file's blank
    // lines with others): its release text, and how many of the regenerated's lines it stands for.
    const isChange = (j: number) => parts[j] !== undefined && (parts[j]!.added === true || parts[j]!.removed === true);
    for (let i = 0; i < parts.length; i++) {
      if (!isChange(i)) {
        out += parts[i]!.value;
        continue;
      }
      let text = '';
      let replaced = 0;
      let j = i;
      for (; j < parts.length && (isChange(j) || (/^\n+$/.test(parts[j]!.value) && isChange(j + 1))); j++) {
        const part = parts[j]!;
        if (!part.removed) text += part.value;
        if (!part.added) replaced += part.count ?? 0;
      }
      i = j - 1;
      const files = releaseFiles(text, replaced, input.knownGood);
      if (files) {
        forgiven.push(...files.names);
        out += files.rest;
      } else out += text;
    }
    return forgiven.length > 0 ? [out, regenerated, `${forgiven.join(', ')}: not installed here`] : undefined;
  },
};

/**
 * Of a changed run of the release's lines that stands for `replaced` lines
 * of the regenerated aclocal.m4, the macro files it is made of (each
 * known-good) and the lines left: the run whole, or without up to
 * `replaced` + 1 lines at its end or its start, which stand for the lines it
 * replaces (another version of the file after them) and stay, for the
 * stabilizers after this one.
 */
function releaseFiles(text: string, replaced: number, knownGood: NonNullable<StabilizerInput['knownGood']>): { names: string[]; rest: string } | undefined {
  const lines = text.split(/(?<=\n)/);
  for (let kept = 0; kept <= (replaced === 0 ? 0 : replaced + 1) && kept < lines.length; kept++) {
    for (const atEnd of kept === 0 ? [true] : [true, false]) {
      const files = lines.slice(atEnd ? 0 : kept, atEnd ? lines.length - kept : lines.length).join('');
      const names = namedMacroFiles(files, knownGood);
      if (names) return { names, rest: (atEnd ? lines.slice(lines.length - kept) : lines.slice(0, kept)).join('') };
    }
  }
  return undefined;
}

/** The macro files `text` is made of (see macroFileHeader), each known-good (and one `allowed` names); undefined when it is anything else. */
function namedMacroFiles(text: string, knownGood: NonNullable<StabilizerInput['knownGood']>, allowed: (name: string) => boolean = () => true): string[] | undefined {
  const starts = [...text.matchAll(macroFileHeader)];
  if (starts.length === 0 || starts[0]!.index !== 0) return undefined;
  const found: string[] = [];
  for (let i = 0; i < starts.length; i++) {
    const name = starts[i]![1] !== undefined ? `${starts[i]![1]}.m4` : starts[i]![2]!;
    if (!allowed(name)) return undefined;
    const chunk = text.slice(starts[i]!.index, starts[i + 1]?.index ?? text.length);
    const known = knownGood(m4CodeHash(chunk), name);
    if (!known) return undefined;
    found.push(known);
  }
  return found;
}

/** A macro file as aclocal copies it into aclocal.m4: without its `##` lines (aclocal's file_contents). */
export function aclocalCopied(text: string): string {
  return text.replace(/^##.*\n/gm, '');
}

interface InstalledCopy {
  name: string;
  /** The file as aclocal copies it. */
  copied: string;
  /** Where it lies in the regenerated aclocal.m4. */
  at: number;
  end: number;
}

/**
 * The installed macro files whose copies the regenerated aclocal.m4 holds, in
 * the order they lie there, none overlapping another (aclocal copies a file
 * without its `##` lines, then a newline: aclocal's file_contents).
 */
function installedCopies(regenerated: string, installed: ReadonlyMap<string, string>): InstalledCopy[] {
  const found: InstalledCopy[] = [];
  for (const [name, text] of installed) {
    const copied = aclocalCopied(text);
    if (copied.length < 16) continue;
    const at = regenerated.indexOf(copied);
    if (at >= 0) found.push({ name, copied, at, end: at + copied.length });
  }
  found.sort((x, y) => x.at - y.at);
  const copies: InstalledCopy[] = [];
  for (const c of found) if (copies.length === 0 || c.at >= copies[copies.length - 1]!.end) copies.push(c);
  return copies;
}

/** The first (or last) whole lines of `text` that make up at least `min` characters, at most 400. */
function edgeLines(text: string, from: 'head' | 'tail', min = 24): string {
  if (from === 'head') {
    let end = 0;
    while (end < text.length && end < min) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    return text.slice(0, Math.min(end, 400));
  }
  let start = text.length;
  while (start > 0 && text.length - start < min) {
    const nl = text.lastIndexOf('\n', start - 2);
    start = nl < 0 ? 0 : nl + 1;
  }
  return text.slice(Math.max(start, text.length - 400));
}

/**
 * Where each copy lies in the release, found by the text around it in the
 * regenerated file: the text between two copies when it is long enough to
 * find, else a copy's first lines or the one before's last lines, which
 * versions of a file rarely change (libtool.m4 2.4.6 and 2.4.7 begin and end
 * alike; pkg.m4's first line differs between pkg-config and pkgconf). Where
 * two ways to split disagree, the one that gives `fits` places is taken. A
 * copy it cannot place is undefined: not forgiven.
 */
function copyPlaces(
  release: string,
  regenerated: string,
  copies: readonly InstalledCopy[],
  fits: (text: string, copy: InstalledCopy) => boolean,
): Array<{ start: number; end: number } | undefined> {
  const places: Array<{ start: number; end: number } | undefined> = [];
  // Where the first copy starts: after the text before it.
  const lead = regenerated.slice(Math.max(0, copies[0]!.at - 400), copies[0]!.at);
  let start: number | undefined = lead ? release.indexOf(lead) : 0;
  start = start !== undefined && start >= 0 ? start + lead.length : undefined;
  for (let i = 0; i < copies.length; i++) {
    const copy = copies[i]!;
    const next = copies[i + 1];
    const gap = regenerated.slice(copy.end, next ? next.at : regenerated.length);
    if (start === undefined) {
      places.push(undefined);
      // The next copy can still be placed by the text before it.
      if (next && gap.length >= 24) {
        const tail = gap.slice(-400);
        const t = release.indexOf(tail);
        start = t >= 0 ? t + tail.length : undefined;
      }
      continue;
    }
    // Candidate ends of this copy in the release, each with where the next one starts.
    const candidates: Array<{ end: number; nextStart: number | undefined }> = [];
    if (!next) {
      if (!gap) candidates.push({ end: release.length, nextStart: undefined });
      else {
        const e = release.indexOf(gap.slice(0, 400), start);
        if (e >= 0) candidates.push({ end: e, nextStart: undefined });
      }
    } else if (gap.length >= 24) {
      const e = release.indexOf(gap.slice(0, 400), start);
      const tail = gap.slice(-400);
      const s = e >= 0 ? release.indexOf(tail, e) : -1;
      if (e >= 0 && s >= 0) candidates.push({ end: e, nextStart: s + tail.length });
    } else {
      const head = gap + edgeLines(next.copied, 'head');
      const h = release.indexOf(head, start);
      if (h >= 0) candidates.push({ end: h, nextStart: h + gap.length });
      const tail = edgeLines(copy.copied, 'tail') + gap;
      const t = release.indexOf(tail, start);
      if (t >= 0 && t + tail.length - gap.length !== h) candidates.push({ end: t + tail.length - gap.length, nextStart: t + tail.length });
    }
    const chosen = candidates.find((c) => fits(release.slice(start!, c.end), copy)) ?? candidates[0];
    places.push(chosen ? { start, end: chosen.end } : undefined);
    start = chosen?.nextStart;
  }
  return places;
}

/** In the order they are tried. */
export const stabilizers: readonly Stabilizer[] = [
  trailingBlankLines,
  versionPlaceholder,
  versionFromGit,
  commitFromGit,
  cxxCacheName,
  autoconf269Fixes,
  autoconf271C99,
  autoconf272Fixes,
  autoconf272Largefile,
  configureLineNumbers,
  macrosStaticDate,
  automakeRunstatedir,
  automakeHashOrder,
  distCommonFound,
  // First: with the files this machine lacks out of the way, the copies it has are placed by what surrounds them.
  macrosNotInstalled,
  installedMacroVersion,
  installedMacroSet,
  bisonYynerrs,
  bisonOutputNames,
  flexLineNumbers,
];

/**
 * The texts after every stabilizer that applies to this generator, and those
 * that were needed: equal texts mean reproduced after exactly those
 * normalisations (one that changed bytes but was not needed is not named).
 */
export function stabilize(release: string, regenerated: string, input: StabilizerInput): { release: string; regenerated: string; applied: Array<{ name: string; forgives: string }> } {
  const run = (skip: ReadonlySet<Stabilizer>) => {
    let a = release;
    let b = regenerated;
    const applied: Array<{ stabilizer: Stabilizer; detail?: string }> = [];
    for (const s of stabilizers) {
      if (!s.generators.includes(input.generator) || skip.has(s)) continue;
      const r = s.apply(a, b, input);
      if (!r) continue;
      [a, b] = r;
      applied.push({ stabilizer: s, ...(r[2] ? { detail: r[2] } : {}) });
    }
    return { a, b, applied };
  };
  let result = run(new Set());
  if (result.a === result.b) {
    // Drop each one that the match does not need.
    const skip = new Set<Stabilizer>();
    for (const { stabilizer } of result.applied) {
      const without = run(new Set([...skip, stabilizer]));
      if (without.a === without.b) {
        skip.add(stabilizer);
        result = without;
      }
    }
  }
  return {
    release: result.a,
    regenerated: result.b,
    applied: result.applied.map(({ stabilizer, detail }) => ({ name: stabilizer.name, forgives: detail ? `${stabilizer.forgives} (${detail})` : stabilizer.forgives })),
  };
}
