/**
 * The tag's own bootstrap script, run whole: strace's `bootstrap` writes
 * 7,000 files with its own scripts (`src/xlat/gen.sh`, `tests/gen_tests.sh`,
 * a loop of `sed` and `ln -s` that makes `tests-m32/`) before its
 * `autoreconf`, in shell that no reading of single commands follows (see
 * commands.ts). The script runs in the sandbox on the tag's files, with
 * autoreconf and the other autotools left out: reproduction re-runs those
 * apart, with the versions the release names (see reproducer.ts), and here
 * they would only cost time or stop the script. Each is replaced by a stub
 * that says so and succeeds; `NOCONFIGURE=1` asks the script not to run
 * `configure` (which does not exist without autoconf). A file is believed
 * only when the run wrote the release's bytes, whatever the script's exit
 * status: the bytes then come from the tag's files and the system's
 * programs, not from the release.
 *
 * gnulib's `bootstrap` is not run whole: it fetches gnulib, and its steps are
 * re-run one by one from bootstrap.conf (commands.ts, gnulib-tool.ts).
 */

/** The scripts looked for at the top of the tag, in this order: the first present is run. */
export const wholeScripts = ['bootstrap', 'autogen.sh', 'bootstrap.sh', 'autogen', 'buildconf'] as const;

/** Programs left out of the run: each is a stub on the front of PATH. */
export const leftOut = ['autoreconf', 'autoconf', 'autoheader', 'autom4te', 'automake', 'aclocal', 'autoupdate', 'autopoint', 'gettextize', 'libtoolize', 'glibtoolize', 'libtool', 'glibtool', 'intltoolize', 'gtkdocize'] as const;

/** The folder of the scratch holding the stubs. */
export const stubFolder = 'left-out';

/**
 * A stub's text: it says what it is on standard error and succeeds. Asked
 * `--version`, it answers as the GNU tool does, with a recent release, so a
 * script that checks its tools before it runs them (util-linux's autogen.sh
 * reads libtoolize's version and stops below 2.x) goes on to the steps of
 * its own.
 */
export const stubText = [
  '#!/bin/sh',
  'name=${0##*/}',
  'if [ "$1" = --version ]; then',
  '  case $name in',
  '    autoconf|autoheader|autom4te|autoreconf|autoupdate) echo "$name (GNU Autoconf) 2.72" ;;',
  '    automake|aclocal) echo "$name (GNU automake) 1.17" ;;',
  '    autopoint|gettextize) echo "$name (GNU gettext-tools) 0.23.1" ;;',
  '    libtoolize|glibtoolize|libtool|glibtool) echo "$name (GNU libtool) 2.5.4" ;;',
  '    intltoolize) echo "intltoolize (GNU intltool) 0.51.0" ;;',
  '    *) echo "$name 1.34.0" ;;',
  '  esac',
  '  exit 0',
  'fi',
  'echo "$name: left out of this run (cuckoo re-runs it apart)" >&2',
  'exit 0',
  '',
].join('\n');

export type WholeScript = { script: string } | { why: string };

/**
 * The script to run whole, why none is run, or undefined when the tag has
 * none of `wholeScripts`.
 */
export async function wholeScript(tagHas: (path: string) => boolean, tagText: (path: string) => Promise<string | undefined>): Promise<WholeScript | undefined> {
  if (tagHas('bootstrap.conf')) return { why: "the tag's bootstrap is gnulib's (bootstrap.conf): it is re-run step by step, not whole" };
  for (const script of wholeScripts) {
    if (!tagHas(script)) continue;
    const text = await tagText(script);
    if (text === undefined) continue;
    if (/\bgnulib-tool\b|\bGNULIB_SRCDIR\b/.test(text)) return { why: `the tag's ${script} runs gnulib-tool, which needs gnulib fetched` };
    return { script };
  }
  return undefined;
}

/**
 * The argv of the run, given the scratch folder: the script executed as it
 * is when the tag marks it executable (its `#!` line chooses the shell and
 * its options), else read by sh.
 */
export function wholeScriptArgv(script: string, scratch: string): string[] {
  return [
    '/usr/bin/env',
    `PATH=${scratch}/${stubFolder}:/usr/local/bin:/usr/bin:/bin`,
    'NOCONFIGURE=1',
    '/bin/sh',
    '-c',
    'if [ -x "$1" ]; then exec "$1"; else exec /bin/sh "$1"; fi',
    'sh',
    `./${script}`,
  ];
}
