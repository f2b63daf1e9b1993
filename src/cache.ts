/**
 * cuckoo's cache folder: unbundled repositories and fetched submodules live
 * under `<cache>/repos`. It is the only place cuckoo writes to.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * `$XDG_CACHE_HOME/cuckoo`, else `~/.cache/cuckoo`. A relative XDG_CACHE_HOME
 * is ignored, as the XDG Base Directory specification requires.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'cuckoo');
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
  return join(home, '.cache', 'cuckoo');
}

/** Where cached repositories go. */
export function reposDir(cacheDir: string): string {
  return join(cacheDir, 'repos');
}
