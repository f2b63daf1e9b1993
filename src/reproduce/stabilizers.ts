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
import { m4CodeHash } from '../analyze/m4.js';

export interface StabilizerInput {
  generator: string;
  toolVersion: string;
  /** The version the release claims (curl-7.88.1 → 7.88.1). */
  releaseVersion?: string;
  /** The macro files aclocal copies from (its system and own folders), by name. */
  installedMacros?: ReadonlyMap<string, string>;
  /**
   * A known-good version of the macro file `name` whose code (`m4CodeHash`:
   * comment lines aside, which m4 discards) hashes to `codeHash`, named for
   * the report (`automake 1.16.5's python.m4`); undefined when none is.
   */
  knownGood?: (codeHash: string, name: string) => string | undefined;
}

export interface Stabilizer {
  name: string;
  /** What it forgives and why, for the report and the reader of this list. */
  forgives: string;
  generators: readonly string[];
  /** Both texts rewritten (and what was forgiven in this file, when it says more than `forgives`), or undefined when it does not apply. */
  apply(release: string, regenerated: string, input: StabilizerInput): [string, string, string?] | undefined;
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
    const a = one(release);
    const b = one(regenerated);
    return a !== release || b !== regenerated ? [a, b] : undefined;
  },
};

/**
 * automake lists the aux scripts present in DIST_COMMON when it writes each
 * Makefile.in; run with --add-missing, a script copied while a later
 * Makefile.am is processed (depcomp) is missing from the lists written before
 * it (xz-utils 5.4.1: one of 11). Forgiven: only words of the DIST_COMMON
 * assignments that name a file of the aux folder.
 */
const distCommonAux: Stabilizer = {
  name: 'dist-common-aux-scripts',
  forgives: "aux scripts (depcomp, compile, …) present in one side's DIST_COMMON list and not the other's, as automake --add-missing writes them depending on when it copied each script",
  generators: ['automake'],
  apply(release, regenerated) {
    const assignment = /^((?:am__)?DIST_COMMON =)((?:[^\n]*\\\n)*[^\n]*)$/gm;
    const a = [...release.matchAll(assignment)];
    const b = [...regenerated.matchAll(assignment)];
    if (a.length === 0 || a.length !== b.length) return undefined;
    const words = (s: string) => s.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
    const aux = (w: string) => /(?:^|\/)(?:build-aux|config|admin|autotools)\/[A-Za-z0-9_.-]+$|^\$\(top_srcdir\)\/(?:depcomp|compile|missing|install-sh|ylwrap|test-driver|ar-lib|py-compile|mdate-sh|texinfo\.tex|config\.guess|config\.sub|ltmain\.sh)$/.test(w);
    let changed = false;
    for (let i = 0; i < a.length; i++) {
      if (a[i]![1] !== b[i]![1]) return undefined;
      if (a[i]![2] === b[i]![2]) continue;
      const aw = words(a[i]![2]!);
      const bw = words(b[i]![2]!);
      const diff = [...aw.filter((w) => !bw.includes(w)), ...bw.filter((w) => !aw.includes(w))];
      if (!diff.every(aux)) return undefined;
      if (aw.filter((w) => !aux(w)).join(' ') !== bw.filter((w) => !aux(w)).join(' ')) return undefined;
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
 * and its own patched python.m4). Forgiven only when the release's copy has
 * the code of a known-good version of that same macro file.
 */
const installedMacroVersion: Stabilizer = {
  name: 'aclocal-installed-macro-version',
  forgives: 'a macro file aclocal copied from the maintainer\'s installed macros (pkg.m4, …) in another genuine version than the one installed here: the release\'s copy is byte for byte a known-good version of that file',
  generators: ['aclocal'],
  apply(release, regenerated, input) {
    if (!input.installedMacros || !input.knownGood) return undefined;
    let a = release;
    const forgiven: string[] = [];
    for (const [name, installed] of input.installedMacros) {
      // aclocal copies a file without its `##` lines, then a newline (aclocal's file_contents).
      const copied = installed.replace(/^##.*\n/gm, '');
      const at = regenerated.indexOf(copied);
      if (copied.length < 16 || at < 0 || a.includes(copied)) continue;
      // The release's copy lies between the same neighbours as the installed one does in the regenerated file.
      const before = regenerated.slice(Math.max(0, at - 400), at);
      const after = regenerated.slice(at + copied.length, at + copied.length + 400);
      const i = before ? a.indexOf(before) : 0;
      if (i < 0 || (before && a.indexOf(before, i + 1) >= 0)) continue;
      const start = i + before.length;
      const end = after ? a.indexOf(after, start) : a.length;
      if (end < 0) continue;
      const known = input.knownGood(m4CodeHash(a.slice(start, end)), name);
      if (!known) continue;
      a = a.slice(0, start) + copied + a.slice(end);
      forgiven.push(`${name}: the release has ${known}, this machine another version`);
    }
    return forgiven.length > 0 ? [a, regenerated, forgiven.join('; ')] : undefined;
  },
};

/** In the order they are tried. */
export const stabilizers: readonly Stabilizer[] = [trailingBlankLines, versionPlaceholder, cxxCacheName, distCommonAux, installedMacroVersion];

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
