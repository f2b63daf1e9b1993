import type { EntryType } from './entry.js';

/**
 * The path of an entry as reported: as stored, minus a leading `./` (what
 * `tar -C dir .` writes) and, for directories, the trailing `/` that marks
 * them in both tar and zip (the type says it already). Nothing else is
 * normalised: absolute paths and `..` stay visible for the checks that flag
 * them. The archive's root (`./`) becomes `.`.
 */
export function entryPath(stored: string, type: EntryType): string {
  let path = stored;
  while (path.startsWith('./')) path = path.slice(2);
  // A bare `/` stays: it is an absolute path.
  if (type === 'directory' && /[^/]/.test(path)) path = path.replace(/\/+$/, '');
  return path === '' ? '.' : path;
}
