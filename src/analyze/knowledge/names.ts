/**
 * File names the tools copy into releases besides m4 macros: aux scripts that
 * autoreconf, automake --add-missing, libtoolize and gnulib-tool install, and
 * the po/ templates of gettextize and autopoint. scripts/build-knowledge.mjs
 * keeps the same list.
 */
export const auxNames: ReadonlySet<string> = new Set([
  'config.guess',
  'config.sub',
  'install-sh',
  'ltmain.sh',
  'depcomp',
  'missing',
  'compile',
  'ar-lib',
  'test-driver',
  'texinfo.tex',
  'mkinstalldirs',
  'ylwrap',
  'config.rpath',
  'mdate-sh',
  'py-compile',
  'tap-driver.sh',
  'Makefile.in.in',
  'Rules-quot',
  'boldquot.sed',
  'en@boldquot.header',
  'en@quot.header',
  'insert-header.sin',
  'quot.sed',
  'remove-potcdate.sin',
  // gettext 0.23's names for the two above, which it installs ready to use.
  'insert-header.sed',
  'remove-potcdate.sed',
  'Makevars.template',
  'ABOUT-NLS',
  // automake --add-missing's generic installation instructions.
  'INSTALL',
  // gtk-doc's Makefile fragment, copied by gtkdocize.
  'gtk-doc.make',
]);

/** Whether a file name is one the library tracks. */
export function isTrackedName(name: string): boolean {
  return name.endsWith('.m4') || auxNames.has(name);
}
