import type { TagSide } from '../compare/change.js';
import { CuckooError, withContext } from '../errors.js';
import { convertForArchive, readArchiveAttributes } from '../git/attributes.js';
import { BlobReader } from '../git/blobs.js';
import { deltaOrder } from '../git/delta-order.js';
import { inferTag } from '../git/infer.js';
import { resolveRef } from '../git/refs.js';
import { openRepo } from '../git/repo.js';
import { openSubmodule, readSubmodules } from '../git/submodules.js';
import { readTree } from '../git/tree.js';
import { git } from '../git/run.js';
import { OidIndex, tagOids, type TagOids } from '../git/oid-index.js';
import type { Limits } from '../limits.js';
import type { ArchiveAttributes, RepoHandle, ResolvedRef, Submodule, TagEntry } from '../git/types.js';
import { gitBlobId } from '../release/hash.js';
import { isRemoteSpec } from '../git/fetch.js';
import { openRemoteTag, prefetchBlobs, seenTagsFile } from '../git/remote.js';
import { join } from 'node:path';
import { verifyTag } from '../git/verify-tag.js';
import { inTurns } from '../pool.js';
import type { Finding } from '../report/finding.js';
import type { Report } from '../report/report.js';
import { movedTagFinding, signatureFinding } from './integrity.js';
import { stat } from 'node:fs/promises';

export interface TagSideOptions {
  /** --repo: a local repository (work tree or bare) or a bundle file. */
  repo: string;
  tag?: string;
  commit?: string;
  /** Compare submodules against their pinned commits (default true; false: --no-submodules). */
  submodules?: boolean;
  /** --submodule NAME=PATH|URL: where to find a submodule. */
  submoduleSources?: Record<string, string>;
  cacheDir: string;
  /** --keyring: armoured public keys that signed tags are checked against. */
  keyring?: string;
  /** --max-entries bounds the tag's tree too: the repository is as hostile as the release. */
  limits?: Limits;
  /** --tag-path: the folder of the tag the release was made from; its paths are the tag's paths. */
  tagPath?: string;
}

/** The tag as `git archive` would write it, with what the analysis needs to look up. */
export interface OpenTagSide {
  repo: RepoHandle;
  ref: ResolvedRef;
  side: TagSide;
  /** The tag's own tree (`ls-tree -r` of the commit), without submodule contents. */
  tree: readonly TagEntry[];
  byPath: Map<string, TagEntry>;
  byOid: OidIndex;
  /** Every blob id of the tag (stored and after archive conversion). */
  oids: TagOids;
  /** Submodules whose trees are part of the comparison. */
  compared: Submodule[];
  /** The repository of each compared submodule, by its path. */
  submoduleRepos: Map<string, RepoHandle>;
  /** Submodules that were to be compared but could not be fetched: where from, and why. */
  unavailable: UnavailableSubmodule[];
  notes: string[];
  /** What git archive and ls-tree are given for the tag's tree: its commit, or `<commit>:<folder>` under --tag-path. */
  treeish: string;
  /** Findings about the tag as a whole (a moved tag, a bad tag signature). */
  findings: Finding[];
  /** Report fields of a remote tag and of its signature check. */
  remoteInfo: Pick<Report['tag'], 'remote' | 'signature' | 'firstSeen'>;
  content(entry: TagEntry): Promise<Buffer>;
  /**
   * content(entry) read on a reader of the tag's repository of its own
   * (started with the completed side), for the analysis's read-ahead: what
   * the rules ask for out of turn, on the usual reader, then does not wait
   * behind megabytes of files read ahead.
   */
  contentAhead(entry: TagEntry): Promise<Buffer>;
  blob(oid: string): Promise<Buffer>;
  /** The sha256 of a blob's raw bytes, hashed as they stream from git (see BlobReader.digest). */
  blobDigest(oid: string): Promise<string>;
  /** The sha256 of content(entry) without its bytes (blobDigest), or undefined where `git archive` converts the file. */
  contentDigest(entry: TagEntry): Promise<string> | undefined;
  /**
   * Starts hashing every blob of the tag's own tree on readers of their own,
   * so that git reads them while the caller streams the release; blobDigest
   * then answers from it. For the SHA-1 confirmation, whose tag side is most
   * of the blobs. A submodule's blobs are left to digestMatched: a release
   * ships a part of a submodule (coreutils 9.1 has 1,731 of the 10,587
   * blobs of gnulib's tree), and reading all of them cost 0.4 s of CPU there.
   */
  digestAhead(): void;
  /**
   * Once digestAhead was asked for, hashes ahead the blob of a release file
   * the tag has, where it is not already: a submodule's, as the release shows
   * it has it.
   */
  digestMatched(oid: string): void;
  /** How many blobs are being hashed ahead (digestAhead, digestMatched): the work a test can count. */
  digestingAhead(): number;
  close(): Promise<void>;
}

export interface UnavailableSubmodule {
  submodule: Submodule;
  /** The address tried: --submodule's, else .gitmodules'. */
  address: string;
  why: string;
  hint?: string;
}

/** Attributes under which `git archive` writes other bytes than the blob holds. */
function changesContent(attrs: ArchiveAttributes): boolean {
  return attrs.exportSubst || attrs.ident || attrs.eol === 'crlf' || attrs.workingTreeEncoding !== undefined;
}

async function resolve(repo: RepoHandle, options: TagSideOptions & { releaseName: string }): Promise<ResolvedRef> {
  if (options.tag !== undefined || options.commit !== undefined) {
    return resolveRef(repo, { ...(options.tag !== undefined ? { tag: options.tag } : {}), ...(options.commit !== undefined ? { commit: options.commit } : {}) });
  }
  return inferTag(repo, options.releaseName);
}

/** A remote address, unless a local file or folder of that name exists. */
export async function isRemote(spec: string): Promise<boolean> {
  if (!isRemoteSpec(spec)) return false;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(spec)) return true;
  // scp-like `host:path`: a local name with a colon wins when it exists.
  return !(await stat(spec).then(() => true, () => false));
}

/**
 * The tag's repository, as soon as it is open: what a release read needs to
 * begin (the object format), while the tag is resolved and its tree listed
 * (`listed`), and `complete` reads the rest (archive attributes and their
 * conversions, submodules). `oids` grows as that runs: the tree's blob ids
 * once listed, then the conversions'. An id it lacks during the read is one
 * it may still learn, so the reader keeps that file's bytes until the end
 * (see verify.ts and readReleaseEntries).
 */
export interface StartedTagSide {
  repo: RepoHandle;
  oids: TagOids;
  /** Settles once the tag's tree is listed (its blob ids are in `oids`); a failure comes through `complete` too. */
  listed: Promise<void>;
  complete: Promise<OpenTagSide>;
  /**
   * OpenTagSide.digestAhead, asked for before the side is complete: the
   * tag's own blobs start as soon as its archive attributes are read (which
   * leave out what `git archive` does), not after its submodules and
   * conversions; the submodules' blobs follow when they are listed.
   */
  digestAhead(): void;
}

/** The blob digests hashed ahead of the comparison, shared by both halves of the tag side. */
interface DigestsAhead {
  byOid: Map<string, Promise<string>>;
  /** Readers of their own: speculative, stopped (not drained) when the run ends. */
  readers: BlobReader[];
  wanted: boolean;
  /** Starts the tag tree's digests once the attributes are known; undefined before. */
  startTree?: () => void;
  /** The reader of the tag tree's digests, started when they are asked for (digestAhead). */
  treeReader?: BlobReader;
  /** The side failed and its readers are being stopped: none is started after. */
  stopped?: boolean;
}

export async function openTagSide(options: TagSideOptions & { releaseName: string }): Promise<OpenTagSide> {
  return (await startTagSide(options)).complete;
}

export async function startTagSide(options: TagSideOptions & { releaseName: string }): Promise<StartedTagSide> {
  const findings: Finding[] = [];
  const remoteInfo: OpenTagSide['remoteInfo'] = {};
  let repo: RepoHandle;
  let resolving: Promise<ResolvedRef>;
  if (await isRemote(options.repo)) {
    const remote = await openRemoteTag(options.repo, {
      cacheDir: options.cacheDir,
      releaseName: options.releaseName,
      ...(options.tag !== undefined ? { tag: options.tag } : {}),
      ...(options.commit !== undefined ? { commit: options.commit } : {}),
    });
    repo = remote.repo;
    resolving = Promise.resolve(remote.ref);
    remoteInfo.remote = options.repo;
    if (remote.firstSeen && remote.object) {
      remoteInfo.firstSeen = remote.firstSeen;
      findings.push(...movedTagFinding(remote.ref.ref, remote.firstSeen, remote.object, join(repo.gitDir, seenTagsFile)));
    }
  } else {
    repo = await openRepo(options.repo, { cacheDir: options.cacheDir });
    resolving = resolve(repo, options);
  }
  const byOid = new OidIndex();
  const converted = new Set<string>();
  const oids = tagOids(byOid, converted);
  const ahead: DigestsAhead = { byOid: new Map(), readers: [], wanted: false };
  // The tag's blob reader, started now (see BlobReader.start).
  const reader = new BlobReader(repo);
  reader.start();
  // The tag resolved and its tree listed while the release starts to stream.
  const listing = (async () => {
    const ref = await resolving;
    // Signed tags are checked for remotes, and for any repository when a keyring is given.
    if (ref.annotated && ref.refName && (repo.kind === 'remote' || options.keyring !== undefined)) {
      remoteInfo.signature = await verifyTag(repo, ref.refName, options.keyring, options.cacheDir);
      findings.push(...signatureFinding(ref.refName, 'tag', remoteInfo.signature));
    }
    // Sizes come later, for the entries that differ (fillSizes).
    const tree = await readTree(repo, options.tagPath !== undefined ? await tagFolder(repo, ref, options.tagPath) : ref.commit, options.limits, { sizes: false });
    for (const e of tree) if (e.type !== 'submodule') byOid.add(e);
    return { ref, tree };
  })();
  const complete = listing.then(
    ({ ref, tree }) => completeTagSide(options, { repo, ref, tree, byOid, oids, converted, findings, remoteInfo, reader }, ahead),
    async (err: unknown) => {
      ahead.stopped = true;
      await Promise.all([reader.close(), ...ahead.readers.map((r) => r.destroy())]);
      throw err;
    },
  );
  complete.catch(() => {}); // the caller awaits it; a failure must not end the run before then
  const listed = listing.then(() => undefined);
  listed.catch(() => {}); // the same failure reaches the caller through complete
  return {
    repo,
    oids,
    listed,
    complete,
    digestAhead() {
      ahead.wanted = true;
      // The tree's digests get a reader of their own, started now too.
      if (!ahead.treeReader && !ahead.stopped) {
        ahead.treeReader = new BlobReader(repo);
        ahead.treeReader.start();
        ahead.readers.push(ahead.treeReader);
      }
      ahead.startTree?.();
    },
  };
}

/** startTagSide's second half: everything after the tree is listed. */
async function completeTagSide(
  options: TagSideOptions,
  started: Pick<OpenTagSide, 'repo' | 'ref' | 'tree' | 'byOid' | 'oids' | 'findings' | 'remoteInfo'> & { converted: Set<string>; reader: BlobReader },
  ahead: DigestsAhead,
): Promise<OpenTagSide> {
  const { repo, ref, tree, byOid, oids, converted, findings, remoteInfo, reader } = started;
  // The few small files the tag side itself reads, in one request.
  await prefetchBlobs(repo, tree.filter((e) => /(^|\/)\.git(attributes|modules|ignore)$/.test(e.path)).map((e) => e.oid));
  const readers: BlobReader[] = [];
  /** The repository of each submodule's reader. */
  const readerRepo = new Map<BlobReader, RepoHandle>();
  readers.push(reader);
  // Which reader holds the blobs of each entry: submodule entries live in their own repositories.
  const readerOf = new WeakMap<TagEntry, BlobReader>();
  const notes: string[] = [];
  try {
    // Under --tag-path the folder's tree is read in, so its own .gitattributes apply to the paths compared.
    const attributes = await readArchiveAttributes(repo, options.tagPath !== undefined ? `${ref.commit}:${options.tagPath}` : ref.commit, tree, options.cacheDir, (oid) => reader.read(oid));
    /**
     * Hashes `list`'s blobs ahead, each on a reader of its own beside the one
     * its entry is read by. With `ordered`, the repository all of them are
     * read from, they are asked in the order git reads fastest (delta-order.ts).
     */
    const own = new Map<BlobReader, BlobReader>(ahead.treeReader ? [[reader, ahead.treeReader]] : []);
    const digestList = (list: readonly TagEntry[], ordered?: RepoHandle) => {
      /** With `ordered`, each digest's reader and how to settle it once its turn comes. */
      const asked = new Map<string, { early: BlobReader; resolve: (digest: string) => void; reject: (err: unknown) => void }>();
      for (const e of list) {
        // What `git archive` leaves out is seldom in a release: asked for only if it is.
        if ((e.type !== 'file' && e.type !== 'symlink') || ahead.byOid.has(e.oid) || attributes.get(e.path)?.exportIgnore) continue;
        const usual = readerOf.get(e) ?? reader;
        let early = own.get(usual);
        if (!early) {
          early = new BlobReader(readerRepo.get(usual) ?? repo);
          own.set(usual, early);
          ahead.readers.push(early);
        }
        const digester = early;
        const digest = ordered ? new Promise<string>((resolve, reject) => asked.set(e.oid, { early: digester, resolve, reject })) : early.digest(e.oid);
        digest.catch(() => {}); // a failure reaches whoever asks for that digest
        ahead.byOid.set(e.oid, digest);
      }
      if (ordered) {
        void deltaOrder(ordered, [...asked.keys()]).then((order) => {
          for (const oid of order) {
            const { early, resolve, reject } = asked.get(oid)!;
            early.digest(oid).then(resolve, reject);
          }
        });
      }
    };
    ahead.startTree = () => {
      ahead.startTree = () => {};
      digestList(tree, repo);
    };
    if (ahead.wanted) ahead.startTree();
    // Export-ignored files stay: the comparison reports them as left out by git archive.
    const entries: TagEntry[] = [...tree];
    const archiveOids = new Map<string, string>();
    const converting = [...attributes].filter(([, attrs]) => changesContent(attrs));
    // A map of the whole tree, only when some file needs it.
    const treeByPath = converting.length > 0 ? new Map(tree.map((e) => [e.path, e])) : new Map<string, TagEntry>();
    for (const [path, attrs] of converting) {
      const entry = treeByPath.get(path);
      if (!entry || entry.type !== 'file') continue;
      const bytes = await convertForArchive(await reader.read(entry.oid), attrs, { repo, commit: ref.commit, oid: entry.oid });
      const oid = gitBlobId(bytes, repo.objectFormat);
      if (oid !== entry.oid) {
        archiveOids.set(path, oid);
        converted.add(oid);
      }
    }

    const blobDigest = async (oid: string): Promise<string> => {
      const early = ahead.byOid.get(oid);
      if (early) return early;
      const entry = byOid.get(oid)?.[0];
      return (entry ? (readerOf.get(entry) ?? reader) : reader).digest(oid);
    };
    const submodules = tree.some((e) => e.type === 'submodule') ? await readSubmodules(repo, ref.commit, tree) : [];
    const compared: Submodule[] = [];
    const submoduleRepos = new Map<string, RepoHandle>();
    const uncompared: Submodule[] = [];
    const unavailable: UnavailableSubmodule[] = [];
    const compare = options.submodules !== false;
    // Opened a few at a time, each with its tree listed: a submodule not in
    // the cache is a fetch, and one after another they add up (gnutls 3.7.9
    // has nine). What each gave is then taken in .gitmodules' order; a tree
    // that cannot be listed fails the run, as the tag's own would.
    const openOne = async (sub: Submodule) => {
      const override = options.submoduleSources?.[sub.name] ?? options.submoduleSources?.[sub.path];
      let subRepo: RepoHandle;
      try {
        subRepo = await openSubmodule(sub, {
          cacheDir: options.cacheDir,
          ...(override ? { override } : {}),
          ...(remoteInfo.remote ? { superRemote: remoteInfo.remote } : {}),
        });
      } catch (err) {
        return { override, failed: err };
      }
      return { subRepo, subTree: await readTree(subRepo, sub.commit) };
    };
    const opened: Array<Awaited<ReturnType<typeof openOne>>> = [];
    if (compare) {
      await inTurns(submodules, submodulesAtOnce, async (sub, k) => {
        opened[k] = await openOne(sub);
      });
    }
    for (const [k, sub] of submodules.entries()) {
      if (!compare) {
        uncompared.push(sub);
        continue;
      }
      const result = opened[k]!;
      if ('failed' in result) {
        const { failed: err, override } = result;
        // One submodule out of reach (no network, a moved URL) is reported, not fatal: the rest is still checked.
        if (!(err instanceof CuckooError) || err.code === 'usage' || err.code === 'limit') throw withContext(`submodule ${sub.name}`, err);
        unavailable.push({ submodule: sub, address: override ?? sub.url ?? '', why: err.message, ...(err.hint ? { hint: err.hint } : {}) });
        uncompared.push(sub);
        continue;
      }
      const { subRepo, subTree } = result;
      const subReader = new BlobReader(subRepo);
      readers.push(subReader);
      readerRepo.set(subReader, subRepo);
      for (const e of subTree) {
        const prefixed = { ...e, path: `${sub.path}/${e.path}` };
        readerOf.set(prefixed, subReader);
        entries.push(prefixed);
        if (prefixed.type !== 'submodule') byOid.add(prefixed);
      }
      compared.push(sub);
      submoduleRepos.set(sub.path, subRepo);
    }
    if (uncompared.length > 0 && !compare) {
      notes.push(`${uncompared.length} submodule(s) not compared (${uncompared.map((s) => s.path).join(', ')}): --no-submodules`);
    }

    const byPath = new Map<string, TagEntry>();
    for (const e of entries) byPath.set(e.path, e);

    const readBlob = (entry: TagEntry) => (readerOf.get(entry) ?? reader).read(entry.oid);
    // A submodule's files keep their reader: the read-ahead is mostly the tag's own.
    const aheadReader = new BlobReader(repo);
    aheadReader.start();
    readers.push(aheadReader);
    const archiveContent = async (entry: TagEntry, raw: Buffer) => {
      const attrs = attributes.get(entry.path);
      if (!attrs || !archiveOids.has(entry.path)) return raw;
      return convertForArchive(raw, attrs, { repo, commit: ref.commit, oid: entry.oid });
    };
    return {
      repo,
      ref,
      side: { entries, attributes, archiveOids, uncompared, byPath },
      tree,
      treeish: options.tagPath !== undefined ? `${ref.commit}:${options.tagPath}` : ref.commit,
      byPath,
      byOid,
      oids,
      compared,
      submoduleRepos,
      unavailable,
      notes,
      findings,
      remoteInfo,
      async content(entry) {
        return archiveContent(entry, await readBlob(entry));
      },
      async contentAhead(entry) {
        return archiveContent(entry, await (readerOf.get(entry) ?? aheadReader).read(entry.oid));
      },
      async blob(oid) {
        const entry = byOid.get(oid)?.[0];
        return entry ? readBlob(entry) : reader.read(oid);
      },
      contentDigest: (entry) => (archiveOids.has(entry.path) ? undefined : blobDigest(entry.oid)),
      blobDigest,
      digestAhead() {
        ahead.wanted = true;
        // The tag's own blobs (started already when asked for early); the submodules' as they match.
        ahead.startTree?.();
      },
      digestMatched(oid) {
        if (!ahead.wanted || ahead.byOid.has(oid)) return;
        const entry = byOid.get(oid)?.[0];
        if (entry) digestList([entry]);
      },
      digestingAhead: () => ahead.byOid.size,
      async close() {
        await Promise.all([...readers.map((r) => r.close()), ...ahead.readers.map((r) => r.destroy())]);
      },
    };
  } catch (err) {
    // Nothing more is read ahead for a side that failed.
    ahead.startTree = () => {};
    ahead.stopped = true;
    await Promise.all([...readers.map((r) => r.close()), ...ahead.readers.map((r) => r.destroy())]);
    throw err;
  }
}

/** Submodules opened at once (see completeTagSide). */
const submodulesAtOnce = 4;

/** The tree of `path` in the tag (`<commit>:<path>`), or a usage error naming the folder and the tag. */
async function tagFolder(repo: RepoHandle, ref: ResolvedRef, path: string): Promise<string> {
  const spec = `${ref.commit}:${path}`;
  const { stdout, exitCode } = await git(repo, ['cat-file', '-t', '--end-of-options', spec], { okExitCodes: [1, 128] });
  if (exitCode !== 0 || stdout.toString('utf8').trim() !== 'tree') {
    throw new CuckooError('usage', `--tag-path: ${ref.ref} has no folder ${JSON.stringify(path)}`, { hint: `list its folders with git ls-tree -d ${ref.ref}` });
  }
  return spec;
}

/**
 * --tag-path DIR: a folder of the tag, as git names it (`a/b`, no `.` or `..`
 * segment, no leading `/`). The rebuild runs the project's steps on the whole
 * tree, so the two do not go together.
 */
export function tagPathOption(value: string | undefined, rebuild: boolean): { tagPath?: string } {
  if (value === undefined) return {};
  const path = value.replace(/\/+$/, '');
  const segments = path.split('/');
  if (path === '' || path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..') || path.includes('\0')) {
    throw new CuckooError('usage', `--tag-path: ${JSON.stringify(value)} is not a folder of the tag as git names it`, { hint: 'give the folder relative to the top of the repository, such as smartmontools or lib/src' });
  }
  if (rebuild) throw new CuckooError('usage', '--tag-path: the rebuild runs on the whole tree, not on a folder of it', { hint: 'leave out --rebuild, or --tag-path' });
  return { tagPath: path };
}
