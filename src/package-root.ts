import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder, where package.json and knowledge/ are. Found
 * upward from this module, which is dist/src/package-root.js when the library
 * is loaded and dist/cli/*.cjs when the bundled command line is: every file
 * the package ships is reached from here, never by a path relative to a module.
 */
export const packageRoot: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; ) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'knowledge'))) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(dirname(here));
    dir = up;
  }
})();
