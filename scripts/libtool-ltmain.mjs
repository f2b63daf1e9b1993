// libtool's ltmain.sh as its own build writes it from the repository, for a
// release whose tarball the knowledge cannot read (Debian serves no libtool
// 2.4.6 source here). libtool's Makefile.am makes it with
//   inline-source ./build-aux/ltmain.in | bootstrap_edit > build-aux/ltmain.sh
// where inline-source (gl/build-aux/inline-source) prints the file with each
// `. "FILE"` or `. \`echo "$0" |…\`"FILE"` line replaced by FILE, recursively,
// and two "DO NOT EDIT" lines after the first #! line; and bootstrap_edit is a
// sed of @VERSION@, @PACKAGE@ … to the release's values. Both are done here as
// text: nothing of the repository runs. funclib.sh and options-parser are the
// ones bootstrap copies from gl/build-aux. The text for 2.4.6 is the same, byte
// for byte, as the ltmain.sh opus 1.3.1's release carries.

/** Values bootstrap_edit substitutes, for a libtool release of this version. */
function substitutions(version) {
  return {
    MACRO_VERSION: version,
    MACRO_REVISION: version,
    PACKAGE: 'libtool',
    PACKAGE_BUGREPORT: 'bug-libtool@gnu.org',
    PACKAGE_URL: 'http://www.gnu.org/software/libtool/',
    PACKAGE_NAME: 'GNU Libtool',
    package_revision: version,
    PACKAGE_STRING: `GNU Libtool ${version}`,
    PACKAGE_TARNAME: 'libtool',
    PACKAGE_VERSION: version,
    VERSION: version,
  };
}

/**
 * ltmain.sh of libtool `version` from `show(path)`, the repository's files at
 * that release's commit; undefined when the layout is not the one this knows
 * (gl/build-aux holding inline-source, funclib.sh and options-parser).
 */
export function ltmainFromRepo(show, version) {
  let files;
  let scriptversion;
  try {
    files = {
      'build-aux/ltmain.in': show('build-aux/ltmain.in'),
      'build-aux/funclib.sh': show('gl/build-aux/funclib.sh'),
      'build-aux/options-parser': show('gl/build-aux/options-parser'),
    };
    scriptversion = /^scriptversion=(\S+);/m.exec(show('gl/build-aux/inline-source'))?.[1];
  } catch {
    return undefined;
  }
  if (!scriptversion) return undefined;
  const include = (path, magic) => {
    const text = files[path.replace(/^\.\//, '')];
    if (text === undefined) throw new Error(`inline-source: no ${path}`);
    const dir = path.replace(/[^/]*$/, '') || './';
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const out = [];
    for (const line of lines) {
      if (line.startsWith('#!') && magic.n === 0) {
        out.push(line, `## DO NOT EDIT - This file generated from ${path}`, `##               by inline-source v${scriptversion}`);
        magic.n++;
        continue;
      }
      const quoted = /^\. ['"](.*)['"]$/.exec(line);
      const beside = /^\. `echo [^`]*`['"]([^'"]*)['"]$/.exec(line);
      if (quoted) out.push(...include(quoted[1], { n: magic.n }));
      else if (beside) out.push(...include(dir + beside[1], { n: magic.n }));
      else out.push(line);
    }
    return out;
  };
  let text = `${include('./build-aux/ltmain.in', { n: 0 }).join('\n')}\n`;
  for (const [name, value] of Object.entries(substitutions(version))) text = text.split(`@${name}@`).join(value);
  return Buffer.from(text, 'latin1');
}
