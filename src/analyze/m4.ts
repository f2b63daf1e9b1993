import { createHash } from 'node:crypto';

/**
 * The serial line of an m4 macro file, read the way aclocal reads it. aclocal
 * keeps a project's copy of a macro over the installed one when its serial is
 * higher, and `autoreconf -fi` does not replace it: the xz backdoor
 * (CVE-2024-3094) gave its look-alike build-to-host.m4 serial 30 against
 * gnulib's 3 for exactly that reason.
 *
 * Spellings in the wild:
 *   # nls.m4 serial 6 (gettext-0.20.2)     gettext, gnulib
 *   #serial 11                              gnulib, autoconf-archive
 *   # serial 4 (pkg-config-0.29.2)          pkg.m4
 *   dnl serial 3                            older macros
 */
const serialLine = /^(?:#+|dnl)[ \t]*(?:[^\s#]+[ \t]+)?serial[ \t]+(\d+)/m;

/** The first serial number the file declares, or undefined when it declares none. */
export function parseSerial(text: string): number | undefined {
  const match = serialLine.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * A hash of what m4 and the shell act on: the text without whole-line
 * comments (`#`, `dnl`), trailing blanks and empty lines. gnulib and gettext
 * update copyright years in every macro each January without bumping serials,
 * so two genuine files may share name and serial but not bytes; they still
 * share this hash. Planted code changes it.
 */
export function m4CodeHash(text: string): string {
  return createHash('sha256').update(m4Code(text)).digest('hex');
}

/** The lines `m4CodeHash` hashes: no whole-line comments, trailing blanks or empty lines. */
export function m4Code(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line && !/^\s*(#|dnl\b)/.test(line))
    .join('\n');
}
