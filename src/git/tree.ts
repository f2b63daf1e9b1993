/**
 * The tag's tree, read from the object store (`git ls-tree -r -z -l`), never
 * from a checkout. Paths are decoded with decodeGitPath (see paths.ts): valid
 * UTF-8 as text, other bytes as U+DC80..U+DCFF, so they round-trip exactly.
 */
import { CuckooError } from '../errors.js';
import type { Limits } from '../limits.js';
import { tooManyEntries } from '../release/budget.js';
import { decodeGitPath } from './paths.js';
import { commandFailed, git, GitCommandError, spawnGit, toBuffer } from './run.js';
import type { RepoHandle, TagEntry, TagEntryType } from './types.js';

/**
 * Every file, symlink and gitlink of the commit's tree, in git's order. In a
 * blobless partial clone (`--filter=blob:none`) git cannot tell blob sizes
 * without the blobs: the tree is then read without them and `size` is -1, as
 * it is with `sizes: false`: a size costs a look at every blob's header, which
 * maps the whole pack into git's memory (400 MB for a kernel-sized tree);
 * fillSizes then gives the few entries that need one theirs.
 */
export async function readTree(repo: RepoHandle, commit: string, limits?: Limits, opts: { sizes?: boolean } = {}): Promise<TagEntry[]> {
  try {
    // In cuckoo's own partial clone, -l would fetch every blob just for its size.
    return await lsTree(repo, commit, (opts.sizes ?? true) && !repo.promisor, limits);
  } catch (err) {
    if (err instanceof GitCommandError && /promisor|lazy fetching/.test(err.stderr)) return lsTree(repo, commit, false, limits);
    throw err;
  }
}

/** Sets the size of `entries` whose size is unknown (-1) from the object store, in one `cat-file --batch-check`; not in a partial clone, where a missing blob would be fetched. */
export async function fillSizes(repo: RepoHandle, entries: readonly TagEntry[]): Promise<void> {
  const unknown = entries.filter((e) => e.size < 0 && (e.type === 'file' || e.type === 'symlink'));
  if (repo.promisor || unknown.length === 0) return;
  const oids = [...new Set(unknown.map((e) => e.oid))];
  const { stdout } = await git(repo, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], { input: oids.map((o) => `${o}\n`).join('') });
  const sizes = new Map<string, number>();
  for (const line of stdout.toString('utf8').split('\n')) {
    const [oid, size] = line.split(' ');
    if (oid && size && /^\d+$/.test(size)) sizes.set(oid, Number(size));
  }
  for (const e of unknown) e.size = sizes.get(e.oid) ?? -1;
}

async function lsTree(repo: RepoHandle, commit: string, sizes: boolean, limits: Limits | undefined): Promise<TagEntry[]> {
  // -z: paths are raw bytes ended by NUL, never quoted (git-ls-tree(1) OUTPUT FORMAT).
  const args = ['ls-tree', '-r', '-z', '--full-tree', ...(sizes ? ['-l'] : []), '--end-of-options', commit];
  const child = spawnGit(repo, args);
  child.stdin?.end();
  const entries: TagEntry[] = [];
  let rest: Buffer | undefined;
  try {
    for await (const chunk of child.stdout!) {
      const buf: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      for (let end = buf.indexOf(0, start); end >= 0; end = buf.indexOf(0, start)) {
        if (limits && entries.length >= limits.maxEntries) throw tooManyEntries(`the tree of ${commit} in ${repo.source}`, limits);
        entries.push(parseRecord(buf.subarray(start, end), sizes));
        start = end + 1;
      }
      rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
    }
  } catch (err) {
    child.kill();
    await child.catch(() => undefined);
    throw err;
  }
  const result = await child;
  if (result.exitCode !== 0) {
    const stderr = toBuffer(result.stderr).toString('utf8');
    const failure = commandFailed(repo, args, result.exitCode ?? -1, stderr);
    if (!/promisor|lazy fetching/.test(stderr) && /not a valid object name|not a tree object|bad tree object|could not read|missing/i.test(stderr)) {
      throw new CuckooError('input', `reading the tree of ${commit}: ${failure.message}`, {
        hint: 'the commit or its tree is not in the repository (a shallow or partial clone?)',
        cause: failure,
      });
    }
    throw failure;
  }
  if (rest) throw malformed(rest);
  return entries;
}

/** One `<mode> SP <type> SP <oid> [SP+ <size>] TAB <path>` record. */
function parseRecord(record: Buffer, sizes: boolean): TagEntry {
  const tab = record.indexOf(9);
  if (tab < 0) throw malformed(record);
  // Fields cut from the bytes, not from one string of the line: a slice of
  // that would keep the line alive in every entry (90,000 in a kernel-sized tree).
  const field = (from: number) => {
    const space = record.indexOf(32, from);
    return space === -1 || space > tab ? tab : space;
  };
  const modeEnd = field(0);
  const typeEnd = field(modeEnd + 1);
  const oidEnd = field(typeEnd + 1);
  const modeText = record.toString('latin1', 0, modeEnd);
  const typeText = record.toString('latin1', modeEnd + 1, typeEnd);
  const oid = record.toString('latin1', typeEnd + 1, oidEnd);
  const sizeText = record.toString('latin1', oidEnd, tab).trim();
  const path = decodeGitPath(record.subarray(tab + 1));
  const mode = parseInt(modeText, 8);
  let type: TagEntryType;
  if (typeText === 'commit') type = 'submodule';
  else if (typeText === 'blob') type = (mode & 0o170000) === 0o120000 ? 'symlink' : 'file';
  else throw malformed(record);
  // `BAD`: git could not read the blob (missing from a damaged or partial
  // clone). Its id is all the comparison needs, so carry on without a size.
  const size = type === 'submodule' ? 0 : sizes && sizeText !== 'BAD' ? Number(sizeText) : -1;
  if (!Number.isFinite(mode) || !/^[0-9a-f]+$/.test(oid) || !Number.isSafeInteger(size) || path === '') throw malformed(record);
  return { path, type, mode, oid, size };
}

function malformed(record: Buffer): CuckooError {
  const shown = JSON.stringify(record.subarray(0, 200).toString('latin1'));
  return new CuckooError('git', `unexpected git ls-tree output: ${shown}`, { hint: 'check that git is version 2.39 or newer' });
}
