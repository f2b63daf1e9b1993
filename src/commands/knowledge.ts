/**
 * `cuckoo knowledge add DIR|REPO`: extends the user's own known-good library
 * with the m4 macros and aux files of a folder, or with every version of them
 * in a git repository's whole history (a work tree, a bare repository or a
 * bundle), so a packager can index gnulib's or autoconf-archive's history once
 * and have verify explain any release copy of any of those versions.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { isTrackedName } from '../analyze/knowledge/names.js';
import type { KnownFile } from '../analyze/knowledge/types.js';
import { knownFileOf, mergeUserLibrary } from '../analyze/knowledge/user-library.js';
import { CuckooError, withContext } from '../errors.js';
import { listHistoryFiles, readHistoryFiles } from '../git/history-files.js';
import { openRepo, probe } from '../git/repo.js';

/** Files larger than this are no tool's m4 macro or aux script; skipped. */
export const maxKnownFileBytes = 4 * 1024 * 1024;

export interface KnowledgeAddOptions {
  /** Folders, repositories or bundles to index. */
  sources: string[];
  cacheDir: string;
}

export interface SourceSummary {
  source: string;
  kind: 'folder' | 'repository';
  /** Origin package recorded for its files. */
  package: string;
  /** Files (or, for a repository, distinct versions of files) indexed. */
  files: number;
}

export interface KnowledgeAddResult {
  sources: SourceSummary[];
  /** Files indexed over all sources. */
  files: number;
  /** Entries the library did not hold before. */
  added: number;
  /** Entries in the library now. */
  total: number;
  /** The user's index file. */
  libraryPath: string;
}

/** `gnulib` for `~/src/gnulib`, `gnulib.git`, `gnulib.bundle`. */
function packageName(source: string): string {
  const name = basename(resolve(source)).replace(/\.(git|bundle)$/, '');
  return name || 'local';
}

/** Whether `path` is a git repository (or bundle) rather than a plain folder. */
async function isRepository(path: string, isFile: boolean): Promise<boolean> {
  if (isFile) return true; // openRepo accepts bundles only, and says so otherwise
  const found = (await probe(path, join(path, '.git'))) ?? (await probe(path, path));
  return found !== undefined;
}

async function indexFolder(dir: string): Promise<KnownFile[]> {
  const origin = { package: packageName(dir), version: 'local' };
  const out: KnownFile[] = [];
  const walk = async (folder: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      throw withContext(`reading ${folder}`, err);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      // Symbolic links are not followed: they could lead anywhere, or in circles.
      if (entry.isDirectory() && entry.name !== '.git') await walk(path);
      else if (entry.isFile() && isTrackedName(entry.name)) {
        const info = await lstat(path);
        if (info.size > maxKnownFileBytes) continue;
        const bytes = await readFile(path).catch((err: unknown) => {
          throw withContext(`reading ${path}`, err);
        });
        out.push(knownFileOf(entry.name, relative(dir, path).split(sep).join('/'), bytes, origin));
      }
    }
  };
  await walk(dir);
  return out;
}

async function indexRepository(source: string, cacheDir: string): Promise<KnownFile[]> {
  const repo = await openRepo(source, { cacheDir });
  const pkg = packageName(source);
  const files = await listHistoryFiles(repo, isTrackedName);
  const out: KnownFile[] = [];
  await readHistoryFiles(
    repo,
    files,
    (f, bytes) => out.push(knownFileOf(f.name, f.path, bytes, { package: pkg, version: f.tag ?? f.commit.slice(0, 12) })),
    { maxBytes: maxKnownFileBytes },
  );
  return out;
}

/** Index each source and merge the result into the user's library. Options in, summary out. */
export async function knowledgeAdd(options: KnowledgeAddOptions): Promise<KnowledgeAddResult> {
  const sources: SourceSummary[] = [];
  const all: KnownFile[] = [];
  for (const source of options.sources) {
    const path = resolve(source);
    // The source itself may be a link (a symlinked checkout); what is inside is not followed.
    const info = await stat(path).catch(() => undefined);
    if (!info || !(info.isDirectory() || info.isFile())) {
      throw new CuckooError('input', `${source}: no such folder, git repository or bundle`, {
        hint: 'pass a folder of m4 macros and aux files, a git repository, or a git bundle',
      });
    }
    const repository = await isRepository(path, info.isFile());
    const files = repository ? await indexRepository(source, options.cacheDir) : await indexFolder(path);
    sources.push({ source, kind: repository ? 'repository' : 'folder', package: packageName(source), files: files.length });
    all.push(...files);
  }
  const merged = await mergeUserLibrary(options.cacheDir, all);
  return { sources, files: all.length, added: merged.added, total: merged.total, libraryPath: merged.path };
}
