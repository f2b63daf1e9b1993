import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isTrackedName } from './names.js';

/**
 * The data folders where Debian and most distributions install the tools'
 * files. autoconf's own folder holds its internal m4 (m4sugar, autotest), which
 * is never copied into a project, so only its build-aux is read.
 */
export function defaultHostDirs(): string[] {
  const fixed = [
    '/usr/share/aclocal',
    '/usr/share/libtool',
    '/usr/share/gettext',
    '/usr/share/gnulib/m4',
    '/usr/share/gnulib/build-aux',
    '/usr/share/autoconf/build-aux',
  ];
  let versioned: string[] = [];
  try {
    versioned = readdirSync('/usr/share')
      .filter((d) => /^(aclocal|automake)-\d/.test(d))
      .sort()
      .map((d) => `/usr/share/${d}`);
  } catch {
    // no /usr/share: nothing installed
  }
  return [...fixed, ...versioned];
}

export interface HostFile {
  name: string;
  /** Absolute path on this machine. */
  path: string;
  /** The scanned folder it was found under, for its origin. */
  dir: string;
}

/** gnulib's build-aux holds many scripts gnulib-tool copies (git-version-gen, …): take every file there. */
const takesEverything = (dir: string) => /\/gnulib\/build-aux$/.test(dir);

/**
 * Files of interest under each existing folder (a few levels deep: libtool
 * keeps its scripts in build-aux/, gettext its templates in po/). Missing
 * folders are skipped; symlinks are followed (Debian's automake links
 * config.guess to autotools-dev's copy).
 */
export function listHostFiles(dirs: readonly string[], depth = 3): HostFile[] {
  const found: HostFile[] = [];
  const visit = (root: string, dir: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue; // dangling link
      }
      if (st.isDirectory()) {
        if (level < depth) visit(root, path, level + 1);
      } else if (st.isFile() && (isTrackedName(name) || takesEverything(root))) {
        found.push({ name, path, dir: root });
      }
    }
  };
  for (const dir of dirs) visit(dir.replace(/\/+$/, ''), dir.replace(/\/+$/, ''), 1);
  return found;
}
