/**
 * Every version of chosen files in a repository's whole history: what
 * `cuckoo knowledge add REPO` indexes, so one pass over gnulib's or
 * autoconf-archive's history makes every m4 macro and aux script they ever
 * shipped known-good.
 *
 * One `git log --all --raw` lists each commit's changed paths with their new
 * blob ids (merges too, through -m); the unique (name, blob) pairs are then
 * read once each through one `git cat-file --batch`.
 */
import { BlobReader } from './blobs.js';
import { git } from './run.js';
import type { RepoHandle } from './types.js';

export interface HistoryFile {
  /** The file name (last path component). */
  name: string;
  /** The path where this content was first seen. */
  path: string;
  /** Blob id in the repository's object format. */
  oid: string;
  /** The commit where it was first seen (oldest first, as `git log --reverse` orders them). */
  commit: string;
  /** A tag pointing at that commit, when one does. */
  tag?: string;
}

/** One entry of `--raw` output: `:<mode> <mode> <oid> <oid> <status>`. */
const rawMeta = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/;

/**
 * The unique (name, blob) pairs of regular files whose name `wanted` accepts,
 * across every ref's history. The version recorded is cheap on purpose: the
 * commit where the content first appeared and the tag on that very commit if
 * any, not the first tag containing it (that would cost a `tag --contains`
 * per blob).
 */
export async function listHistoryFiles(repo: RepoHandle, wanted: (name: string) => boolean): Promise<HistoryFile[]> {
  const { stdout } = await git(repo, [
    'log', '--all', '--reverse', '--root', '-m', '--format=%x01%H%x00%D',
    '--raw', '-z', '--no-abbrev', '--no-renames', '--no-ext-diff', '--no-textconv',
  ]);
  const tokens = stdout.toString('utf8').split('\0');
  const seen = new Map<string, HistoryFile>();
  let commit = '';
  let tag: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n+/, '');
    if (token.startsWith('\x01')) {
      commit = token.slice(1);
      const decorations = (tokens[++i] ?? '').split(', ');
      tag = decorations.find((d) => d.startsWith('tag: '))?.slice('tag: '.length);
      continue;
    }
    const meta = rawMeta.exec(token);
    if (!meta) continue;
    const path = tokens[++i] ?? '';
    const [, , mode, , oid, status] = meta;
    // Regular files only: deletions have an all-zero id, links and gitlinks other modes.
    if (status === 'D' || (mode !== '100644' && mode !== '100755') || /^0+$/.test(oid!)) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!wanted(name)) continue;
    const key = `${name}\0${oid}`;
    if (!seen.has(key)) seen.set(key, { name, path, oid: oid!, commit, ...(tag !== undefined ? { tag } : {}) });
  }
  return [...seen.values()];
}

/**
 * Reads each file's bytes through one BlobReader, `batch` at a time so a long
 * history never holds every version in memory at once, and hands them to
 * `each` in order. Files larger than `maxBytes` are skipped.
 */
export async function readHistoryFiles(
  repo: RepoHandle,
  files: readonly HistoryFile[],
  each: (file: HistoryFile, bytes: Buffer) => void,
  options: { maxBytes: number; batch?: number },
): Promise<void> {
  const reader = new BlobReader(repo);
  const batch = options.batch ?? 256;
  try {
    for (let start = 0; start < files.length; start += batch) {
      const slice = files.slice(start, start + batch);
      const contents = await Promise.all(slice.map((f) => reader.read(f.oid)));
      slice.forEach((f, k) => {
        const bytes = contents[k]!;
        if (bytes.length <= options.maxBytes) each(f, bytes);
      });
    }
  } finally {
    await reader.close();
  }
}
