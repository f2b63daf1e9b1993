/**
 * The repository's history around the tag, as evidence for the analysis
 * (HistoryLookup in src/analyze/history.ts). Everything is read from the
 * object store; nothing of the user's repository is checked out or written.
 *
 * Ignore rules are matched by git itself, not re-implemented: gitignore(5)
 * semantics (anchoring, `**`, negation, directory-only patterns, a parent
 * folder excluded for good) are subtle, and `git check-ignore` is the
 * reference. It needs a work tree, so the tag's `.gitignore` blobs (only
 * those: no other file of the repository) are written into a scratch work
 * tree of a scratch repository made with `--template=` (no info/exclude) and
 * `core.excludesFile=/dev/null`, so neither the user's nor the system's ignore
 * rules take part. `--no-index` asks about the path even though nothing is
 * tracked. Symlinked .gitignore files are skipped, as git (2.32+) skips them.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { devNull } from 'node:os';
import { join } from 'node:path';
import type { HistoryLookup, IgnoreEvidence, LaterChange } from '../analyze/history.js';
import { makeScratchDir } from '../cache.js';
import { BlobReader, readBlobs } from './blobs.js';
import { readCommitLog } from './commit-log.js';
import { decodeGitPath, encodeGitPath } from './paths.js';
import { git, gitText, spawnGit } from './run.js';
import { readTree } from './tree.js';
import type { RepoHandle, TagEntry } from './types.js';

export interface HistoryOptions {
  /**
   * Most commits blobInHistory reads (newest first). When the blob is not in
   * the object store at all (the usual case for a planted file), nothing of
   * the log is read: for the blobs the analysis expected, one `cat-file
   * --batch-check` of them all said so; for another, a request to a shared
   * `cat-file --batch` process. Otherwise one streamed `git log --raw` pass,
   * which stops at the first match or after this many commits.
   */
  maxCommits?: number;
  /**
   * Reads an object through a `cat-file --batch` the caller already runs for
   * this repository (and closes itself); without it, history starts its own.
   */
  read?: (oid: string) => Promise<Buffer>;
  /** The commit's tree when the caller has already listed it (ls-tree -r), to find its .gitignore files. */
  tree?: readonly TagEntry[];
  /** --tag-path: the folder of the commit the paths asked about are relative to. */
  folder?: string;
}

export interface History extends HistoryLookup {
  /** Removes the scratch repository used for ignore rules, and ends the walk for expected blobs. */
  close(): Promise<void>;
}

const day = 86400;

/**
 * History lookups for the tag at `commit`. `tagDate` (Unix seconds: the tagger
 * date of an annotated tag) measures how long before the release an ignore
 * rule appeared; the commit's committer date otherwise. The scratch repository
 * for ignore rules goes under `<cacheDir>/tmp`; close() removes it.
 */
export function createHistory(repo: RepoHandle, commit: string, cacheDir: string, tagDate?: number, options: HistoryOptions = {}): History {
  let scratch: Promise<Scratch | undefined> | undefined;
  let date: Promise<number> | undefined;
  const tagTime = () => (date ??= tagDate !== undefined ? Promise.resolve(tagDate) : gitText(repo, ['log', '-1', '--format=%ct', commit]).then(Number));
  const ignored = new Map<string, Promise<IgnoreEvidence | undefined>>();
  // Many paths fall under one rule (`*.in`, `/configure`); its origin is looked up once.
  const origins = new Map<string, Promise<Partial<IgnoreEvidence>>>();
  let previous: Promise<{ previousTag: string; paths: string[] } | undefined> | undefined;
  // One process answers every "is this blob in the object store?" of the run.
  let objects: BlobReader | undefined;
  const read = options.read ?? ((oid: string) => (objects ??= new BlobReader(repo)).read(oid));
  const stored = (blobId: string) => read(blobId).then(() => true, () => false);
  const maxCommits = options.maxCommits ?? 50_000;
  /** Blobs the analysis expects to ask about (expectBlobs), looked for in one walk. */
  const expected = new Set<string>();
  /**
   * Which of them the object store has, asked of git in one batch when the
   * first is asked about: the rest are in no commit. One at a time, a release
   * of thousands of files no rule explains (strace 6.1: 4,200) waited for
   * git that many times in turn.
   */
  let present: Promise<ReadonlySet<string> | undefined> | undefined;
  let walk: BlobWalk | undefined;
  // After close(), no scratch repository is used again or made anew (nothing would remove it).
  let closed = false;

  return {
    ignoredBy(path) {
      let answer = ignored.get(path);
      if (!answer) {
        answer = (async () => {
          if (closed) return undefined;
          const s = await (scratch ??= makeScratch(repo, commit, cacheDir, options));
          if (!s || !s.dirs.some((d) => d === '' || path.startsWith(`${d}/`))) return undefined;
          const match = await checkIgnore(s, path);
          if (!match) return undefined;
          const key = `${match.file}\0${match.rule}`;
          let origin = origins.get(key);
          // Under --tag-path the ignore file's path in the repository has the folder before it.
          const inRepo = options.folder !== undefined ? { ...match, file: `${options.folder}/${match.file}` } : match;
          if (!origin) origins.set(key, (origin = tagTime().then((t) => ruleOrigin(repo, commit, inRepo, t))));
          return { ...match, ...(await origin) };
        })();
        ignored.set(path, answer);
      }
      return answer;
    },
    changedBinariesSincePreviousTag() {
      return (previous ??= changedBinaries(repo, commit).then((found) => {
        // Under --tag-path, the folder's files, by their paths in it.
        const folder = options.folder !== undefined ? `${options.folder}/` : undefined;
        return found && folder ? { ...found, paths: found.paths.filter((p) => p.startsWith(folder)).map((p) => p.slice(folder.length)) } : found;
      }));
    },
    commitLog(options) {
      return readCommitLog(repo, commit, options);
    },
    async lastChangeTime(paths) {
      if (paths.length === 0) return undefined;
      const inRepo = paths.map((p) => (options.folder !== undefined ? `${options.folder}/${p}` : p));
      const time = (await gitText(repo, ['log', '-1', '--format=%ct', commit, '--', ...inRepo])).trim();
      return /^\d+$/.test(time) ? Number(time) : undefined;
    },
    async laterChanges(path) {
      const t = await tagTime();
      const { stdout } = await git(repo, [
        'log',
        '-p',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--unified=0',
        '--format=%x01%H%x02%ct%x02%s',
        `--since=@${t - day}`,
        `--until=@${t + 30 * day}`,
        '--max-count=50',
        '--branches',
        '--tags',
        '--remotes',
        '--not',
        commit,
        '--',
        options.folder !== undefined ? `${options.folder}/${path}` : path,
      ]);
      const out: LaterChange[] = [];
      for (const record of stdout.toString('utf8').split('\x01')) {
        const [head, ...rest] = record.split('\n');
        const [id, time, subject] = (head ?? '').split('\x02');
        if (!id || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(id)) continue;
        const added = rest.filter((l) => l.startsWith('+') && !l.startsWith('+++ ')).map((l) => l.slice(1));
        out.push({ id, time: Number(time), subject: subject ?? '', added });
      }
      return out.reverse();
    },
    expectBlobs(blobIds) {
      // Only before the first question: the object store is asked about what was expected by then, and the walk looks for that.
      if (walk || present || repo.promisor) return;
      for (const id of blobIds) if (blobIdPattern.test(id)) expected.add(id);
    },
    async blobInHistory(blobId) {
      // Under --tag-path, a path in the folder is named by its path in it; one elsewhere by its whole path.
      const inFolder = (found: { path: string; commit: string } | undefined) =>
        found && options.folder !== undefined && found.path.startsWith(`${options.folder}/`) ? { ...found, path: found.path.slice(options.folder.length + 1) } : found;
      if (expected.has(blobId) && !closed) {
        // As findBlob: a blob the object store lacks is in no commit, and costs no reading of the log.
        if (repo.promisor) return undefined;
        const have = await (present ??= inObjectStore(repo, [...expected]).catch(() => undefined));
        if (!(have ? have.has(blobId) : await stored(blobId))) return undefined;
        walk ??= new BlobWalk(repo, commit, maxCommits, have ?? expected);
        return inFolder(await walk.find(blobId));
      }
      return inFolder(await findBlob(repo, commit, blobId, maxCommits, stored));
    },
    async close() {
      closed = true;
      walk?.close();
      await objects?.close();
      const s = await scratch?.catch(() => undefined);
      if (s) await rm(s.root, { recursive: true, force: true });
    },
  };
}

/** The blobs of `blobIds` the object store has, in one `cat-file --batch-check` (never in a partial clone: a lacking blob would be fetched). */
async function inObjectStore(repo: RepoHandle, blobIds: readonly string[]): Promise<ReadonlySet<string>> {
  const { stdout } = await git(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: blobIds.map((id) => `${id}\n`).join('') });
  const have = new Set<string>();
  // `<oid> blob` for each object it has, `<oid> missing` for the others, in the order asked.
  for (const line of stdout.toString('latin1').split('\n')) {
    const [oid, type] = line.split(' ');
    if (type === 'blob' && oid !== undefined) have.add(oid);
  }
  return have;
}

interface Scratch {
  root: string;
  workTree: string;
  gitDir: string;
  /** Folders that hold a .gitignore ('' for the top). */
  dirs: string[];
}

/** A path segment that is safe to create under the scratch work tree. */
function safeSegment(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git' && !s.includes('\0');
}

async function makeScratch(repo: RepoHandle, commit: string, cacheDir: string, { tree, read, folder }: HistoryOptions): Promise<Scratch | undefined> {
  const files = (tree ?? (await readTree(repo, folder !== undefined ? `${commit}:${folder}` : commit, undefined, { sizes: false }))).filter((e) => e.type === 'file' && (e.path === '.gitignore' || e.path.endsWith('/.gitignore')));
  const usable = files.filter((e) => e.path.split('/').every(safeSegment));
  if (usable.length === 0) return undefined;
  const root = await makeScratchDir(cacheDir, 'ignore-');
  try {
    const workTree = join(root, 'tree');
    await git(undefined, ['init', '--quiet', '--template=', `--object-format=${repo.objectFormat}`, workTree]);
    const contents = await (read ? Promise.all(usable.map((e) => read(e.oid))) : readBlobs(repo, usable.map((e) => e.oid)));
    const rootBytes = Buffer.from(`${workTree}/`);
    for (const [k, e] of usable.entries()) {
      const file = Buffer.concat([rootBytes, encodeGitPath(e.path)]);
      const dir = file.subarray(0, file.lastIndexOf(0x2f));
      await mkdir(dir, { recursive: true });
      await writeFile(file, contents[k]!);
    }
    const dirs = usable.map((e) => (e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : ''));
    return { root, workTree, gitDir: join(workTree, '.git'), dirs };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

/** `git check-ignore -v`: the rule that decides, or undefined when none or a negation (`!rule`) does. */
async function checkIgnore(s: Scratch, path: string): Promise<{ file: string; rule: string } | undefined> {
  const { stdout, exitCode } = await git({ gitDir: s.gitDir }, ['check-ignore', '--no-index', '-v', '-z', '--stdin'], {
    // check-ignore refuses every pathspec magic, `literal` included, so the
    // literal-pathspec default is lifted here; a leading `:` (the only magic
    // trigger) is neutralised with `./`, and the path itself is matched as is.
    input: Buffer.concat([encodeGitPath(path.startsWith(':') ? `./${path}` : path), Buffer.from([0])]),
    env: { GIT_LITERAL_PATHSPECS: '0' },
    config: { 'core.worktree': s.workTree, 'core.excludesFile': devNull, 'core.ignoreCase': 'false' },
    cwd: s.workTree,
    okExitCodes: [1],
  });
  if (exitCode !== 0) return undefined;
  // -z -v: <source> NUL <linenum> NUL <pattern> NUL <pathname> NUL (git-check-ignore(1)).
  const [source, , pattern] = stdout.toString('latin1').split('\0');
  if (!source || pattern === undefined || pattern.startsWith('!')) return undefined;
  const decode = (s: string) => decodeGitPath(Buffer.from(s, 'latin1'));
  return { file: decode(source), rule: decode(pattern) };
}

/** The newest commit up to the tag that changed how often the rule's text occurs in its file: the one that added it. */
async function ruleOrigin(repo: RepoHandle, commit: string, m: { file: string; rule: string }, tagTime: number): Promise<Partial<IgnoreEvidence>> {
  const out = await gitText(repo, ['log', '-1', '--format=%H%x00%ct%x00%s', `-S${m.rule}`, commit, '--', m.file]);
  const [id, time, subject] = out.split('\0');
  if (!id || !time) return {};
  const seconds = Number(time);
  return {
    commit: id,
    date: new Date(seconds * 1000).toISOString(),
    daysBeforeTag: Math.max(0, Math.floor((tagTime - seconds) / day)),
    ...(subject ? { subject } : {}),
  };
}

/**
 * The tag before this one on its own history (`git describe --tags --abbrev=0
 * <commit>^`), and the binary files added or changed since.
 */
async function changedBinaries(repo: RepoHandle, commit: string): Promise<{ previousTag: string; paths: string[] } | undefined> {
  const described = await git(repo, ['describe', '--tags', '--abbrev=0', `${commit}^`], { okExitCodes: [128] });
  if (described.exitCode !== 0) return undefined;
  const previousTag = described.stdout.toString('utf8').trim();
  const previousCommit = await gitText(repo, ['rev-parse', '--verify', '--end-of-options', `refs/tags/${previousTag}^{commit}`]);
  return { previousTag, paths: (await binaryChanges(repo, previousCommit, commit)).map((c) => c.path) };
}

/** A binary file of `to` that `from` lacks (added) or holds with other bytes (modified). */
export interface BinaryChange {
  path: string;
  status: 'added' | 'modified';
  /** Blob ids before (absent when added) and after. */
  before?: string;
  after: string;
}

/**
 * Binary files added or changed between two commits, by git's own binary test
 * (numstat `-\t-`). Plumbing diff-tree runs no external diff or textconv.
 * `--raw` and `--numstat` together print every raw record, then every numstat
 * record, in the same path order.
 */
export async function binaryChanges(repo: RepoHandle, from: string, to: string): Promise<BinaryChange[]> {
  const { stdout } = await git(repo, ['diff-tree', '-r', '-z', '--raw', '--numstat', '--no-renames', '--diff-filter=d', from, to]);
  const raw: Array<Omit<BinaryChange, 'path'>> = [];
  const out: BinaryChange[] = [];
  let start = 0;
  let pendingRaw: Omit<BinaryChange, 'path'> | undefined;
  let numstat = 0;
  for (let end = stdout.indexOf(0, start); end >= 0; end = stdout.indexOf(0, start)) {
    const record = stdout.subarray(start, end);
    start = end + 1;
    if (pendingRaw) {
      // The path after a raw record; numstat repeats it.
      raw.push(pendingRaw);
      pendingRaw = undefined;
    } else if (record[0] === 0x3a) {
      // `:<mode> <mode> <old> <new> <status>`
      const [, , before, after, status] = record.toString('latin1').split(' ');
      pendingRaw = { status: status === 'A' ? 'added' : 'modified', after: after!, ...(status === 'A' ? {} : { before: before! }) };
    } else {
      const change = raw[numstat++];
      if (change && record.subarray(0, 4).toString('latin1') === '-\t-\t') out.push({ path: decodeGitPath(record.subarray(4)), ...change });
    }
  }
  return out;
}

const blobIdPattern = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Walks of the history for blobs started in this process: the work a test can count. */
export const historyWalks = { started: 0 };

/**
 * Reads `git log --raw` from the tag back (at most `maxCommits` commits) and
 * calls `seen` with each record whose new blob `wanted` says is of interest,
 * newest first, until `seen` returns true. Every blob of every tree first
 * appears in some commit's diff (the root commit's against the empty tree, a
 * merge's against its first parent).
 */
async function walkRawLog(
  repo: RepoHandle,
  commit: string,
  maxCommits: number,
  wanted: (blobId: string) => boolean,
  seen: (blobId: string, path: string, commit: string) => boolean,
  hooks: { started?: (stop: () => void) => void; demand?: () => Promise<boolean> } = {},
): Promise<void> {
  historyWalks.started++;
  const child = spawnGit(repo, [
    'log', '--raw', '-z', '--no-abbrev', '--no-renames', '--root', '--diff-merges=first-parent',
    `--max-count=${maxCommits}`, '--format=%x01%H', '--end-of-options', commit,
  ]);
  child.stdin?.end();
  hooks.started?.(() => child.kill());
  // The pipes are sockets, which keep the event loop alive as the process does.
  const handles = [child, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void } | null>;
  const hold = (on: boolean) => {
    for (const handle of handles) if (handle) (on ? handle.ref : handle.unref).call(handle);
  };
  let current = '';
  let rest = '';
  try {
    // -z raw records: `:<mode> <mode> <old> <new> <status>` NUL `<path>` NUL; a
    // commit's format line (\x01<id>, then a newline) precedes its records.
    // The field after a record is always its path (one path: --no-renames).
    let pathOf: string | undefined;
    let isPath = false;
    outer: for await (const chunk of child.stdout!) {
      // Read on only while someone waits for an answer: git waits on a full pipe
      // meanwhile, and holds the process open no longer (it ends with it).
      if (hooks.demand) {
        hold(false);
        const go = await hooks.demand();
        hold(true);
        if (!go) break;
      }
      const fields = (rest + (chunk as Buffer).toString('latin1')).split('\0');
      rest = fields.pop()!;
      for (let field of fields) {
        if (isPath) {
          isPath = false;
          if (pathOf !== undefined && seen(pathOf, decodeGitPath(Buffer.from(field, 'latin1')), current)) break outer;
          pathOf = undefined;
          continue;
        }
        field = field.replace(/^\n+/, '');
        const header = /^\x01([0-9a-f]+)\n*/.exec(field);
        if (header) {
          current = header[1]!;
          field = field.slice(header[0].length);
        }
        if (field.startsWith(':')) {
          isPath = true;
          const blob = field.split(' ')[3];
          pathOf = blob !== undefined && wanted(blob) ? blob : undefined;
        }
      }
    }
  } finally {
    if (child.exitCode === null) child.kill();
    await child.catch(() => undefined);
  }
}

/** Where one blob first appears in the history, walking it for that blob alone. */
async function findBlob(
  repo: RepoHandle,
  commit: string,
  blobId: string,
  maxCommits: number,
  stored: (blobId: string) => Promise<boolean>,
): Promise<{ path: string; commit: string } | undefined> {
  if (!blobIdPattern.test(blobId)) return undefined;
  // cuckoo's blobless clone of a remote has no blobs of history to find, and
  // asking would cost a lazy fetch, or (with lazy fetching off) a walk of
  // every promisor pack, per file: seconds each on a large history. This
  // provenance needs a local clone (a documented gap).
  if (repo.promisor) return undefined;
  if (!(await stored(blobId))) return undefined;
  let found: { path: string; commit: string } | undefined;
  await walkRawLog(repo, commit, maxCommits, (b) => b === blobId, (_, path, at) => {
    found = { path, commit: at };
    return true;
  });
  return found;
}

/**
 * One walk of the history for many blobs (those the analysis expects to ask
 * about; it is asked only about those the object store has). It starts at the first question about
 * one of them, and reads on only while a question waits: every expected blob
 * it passes is noted, so a later question about one is answered at once, and
 * one it has not reached yet lets it read on from where it stopped. It reads
 * no further than the deepest blob asked for, as a walk for that blob alone
 * would, where a release with a hundred files from other commits (a quilt
 * `.pc/` folder, a vendor's stale copies) cost a hundred walks before.
 */
class BlobWalk {
  private readonly found = new Map<string, { path: string; commit: string }>();
  private readonly waiting = new Map<string, Array<(found: { path: string; commit: string } | undefined) => void>>();
  private started = false;
  private finished = false;
  private closed = false;
  private stop: (() => void) | undefined;
  private wake: ((go: boolean) => void) | undefined;

  constructor(
    private readonly repo: RepoHandle,
    private readonly commit: string,
    private readonly maxCommits: number,
    private readonly wanted: ReadonlySet<string>,
  ) {}

  /** Where `blobId` first appears (newest first), for the blobs it walks for; undefined for the others. */
  find(blobId: string): Promise<{ path: string; commit: string } | undefined> {
    const hit = this.found.get(blobId);
    if (hit || this.finished || this.closed || !this.wanted.has(blobId)) return Promise.resolve(hit);
    const answer = new Promise<{ path: string; commit: string } | undefined>((resolve) => {
      const list = this.waiting.get(blobId);
      if (list) list.push(resolve);
      else this.waiting.set(blobId, [resolve]);
    });
    if (!this.started) this.start();
    this.wake?.(true);
    this.wake = undefined;
    return answer;
  }

  close(): void {
    this.closed = true;
    this.stop?.();
    this.wake?.(false);
    this.wake = undefined;
  }

  private start(): void {
    this.started = true;
    void walkRawLog(
      this.repo,
      this.commit,
      this.maxCommits,
      (b) => this.wanted.has(b) && !this.found.has(b),
      (blob, path, at) => {
        const hit = { path, commit: at };
        this.found.set(blob, hit);
        for (const answer of this.waiting.get(blob) ?? []) answer(hit);
        this.waiting.delete(blob);
        return this.found.size === this.wanted.size;
      },
      {
        started: (stop) => (this.stop = stop),
        demand: () => (this.closed ? Promise.resolve(false) : this.waiting.size > 0 ? Promise.resolve(true) : new Promise<boolean>((go) => (this.wake = go))),
      },
    )
      .catch(() => undefined)
      .finally(() => {
        this.finished = true;
        for (const answers of this.waiting.values()) for (const answer of answers) answer(undefined);
        this.waiting.clear();
      });
  }
}

