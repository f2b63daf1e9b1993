import { basename } from 'node:path';
import { addDiffs, analyze } from '../analyze/analyze.js';
import type { AnalysisContext } from '../analyze/rule.js';
import { compareTrees } from '../compare/compare.js';
import { releaseEntriesOf, type Change } from '../compare/change.js';
import { fillSha256 } from '../release/hash.js';
import { loadKnowledge } from '../analyze/knowledge/library.js';
import { knowledgeIndexPaths } from '../analyze/knowledge/user-library.js';
import { CuckooError } from '../errors.js';
import { translationSource } from './translations.js';
import { httpDefaults } from '../release/http-get.js';
import { downloadFailure, probeAhead } from '../release/open.js';
import { ContentSpill } from '../release/spill.js';
import { createHistory } from '../git/history.js';
import { prefetchBlobs } from '../git/remote.js';
import { fillSizes } from '../git/tree.js';
import { deepening } from '../git/remote-history.js';
import { parseReleaseName } from '../git/infer.js';
import { commitDate } from '../git/refs.js';
import type { Limits } from '../limits.js';
import { defaultLimits } from '../limits.js';
import { counting, reportSchema, severityCounts, verdictOf, type Counts, type Report } from '../report/report.js';
import { loadWaivers, waive, type WaiverFiles } from '../policy/waive.js';
import { foundPolicyName, policyFileName, refuseForeignPolicy, type PolicyFound } from '../policy/found.js';
import type { Severity } from '../report/severity.js';
import type { Finding } from '../report/finding.js';
import { releaseCommit } from '../git/release-commit.js';
import type { GitTarget } from '../git/run.js';
import { version } from '../version.js';
import { startTagSide, type OpenTagSide, type StartedTagSide, type TagSideOptions } from './tag-side.js';
import { driftSince } from './drift.js';
import type { PreviousOptions } from './previous-release.js';
import { releaseOnlyEntries } from '../analyze/drift.js';
import { checksumFinding, signatureFinding, signatureNotes, trailingDataFinding } from './integrity.js';
import { confirmSha1 } from './sha1-confirm.js';
import { isUnrelated, madeOverlap, overlapOf, unrelatedFinding } from './unrelated.js';
import { versionMismatchNote } from './version-mismatch.js';
import { foldUnavailable } from './unavailable-submodules.js';
import { normalisePath, stripSegments } from '../compare/paths.js';
import { releaseFiles, releaseReproducer, type ReproduceOptions } from './reproduction.js';
import { copyRebuiltTree, rebuiltEvidence, startRebuild, type RebuildOptions } from './rebuild-side.js';
import { withRebuild } from '../analyze/rebuilt.js';
import type { Rebuild } from '../reproduce/rebuild/rebuild.js';
import { bootstrapProver } from './bootstrap-side.js';
import { checkReleaseSignature, expectedChecksum, namedByUrl, openReleaseSource, readReleaseEntries, releaseName, settleTagIds, type ReleaseSourceOptions } from './release-source.js';

export interface VerifyOptions extends TagSideOptions, ReleaseSourceOptions, WaiverFiles, Partial<PreviousOptions>, ReproduceOptions, RebuildOptions {
  /**
   * `policy` was found, not named by the user: `true`, the cuckoo.json of the
   * current folder; `from-debian`, a package's debian/cuckoo.json. Either is
   * refused when the release or the tag carries it (see policy/found.ts).
   */
  policyFound?: PolicyFound;
  /** --fetch-translations: where the Translation Project is (its catalogs are compared when set). */
  translationsUrl?: string;
  /** Path or URL of the release archive. */
  release: string;
  /** Leading folders to strip; detected when absent. */
  strip?: number;
  failOn?: Severity;
  limits?: Limits;
  /** Most lines of diff kept per finding. */
  diffLines?: number;
  /** Diff every modified file, explained ones too (default: the findings at medium and above). */
  allDiffs?: boolean;
  /**
   * In a SHA-1 repository, confirm every file identical by SHA-1 with sha256
   * of both sides (default true; see sha1-confirm.ts). False trusts SHA-1.
   */
  sha1Check?: boolean;
  /** Use the pure-JS decoders even where system tools exist. */
  preferJs?: boolean;
  /**
   * Bytes of the release's kept files (those the tag cannot give back) held
   * in memory; the rest are written to the cache folder and read back when
   * needed (default 16 MiB; see release/spill.ts).
   */
  contentBudget?: number;
  /**
   * Also read the build tools' files installed on this machine (default true):
   * they give diffs against genuine copies, but make reports depend on the host.
   */
  hostKnowledge?: boolean;
}

function countChanges(changes: Change[], identical: number): Counts {
  const counts: Counts = { identical, onlyInRelease: 0, onlyInTag: 0, modified: 0, exportIgnored: 0, irregular: 0 };
  for (const c of changes) {
    if (c.kind === 'only-in-release') counts.onlyInRelease++;
    else if (c.kind === 'only-in-tag') {
      if (c.attributes?.exportIgnore) counts.exportIgnored++;
      else counts.onlyInTag++;
    } else if (c.kind === 'modified' || c.kind === 'mode-changed' || c.kind === 'type-changed') counts.modified++;
    else counts.irregular++;
  }
  return counts;
}

/** The version the release claims, from its top-level folder or else its file name. */
function releaseVersion(release: string, prefix: string): { releaseVersion?: string } {
  const version = (prefix ? parseReleaseName(prefix) : undefined)?.version ?? parseReleaseName(basename(release))?.version;
  return version ? { releaseVersion: version } : {};
}

/** `git archive` records the commit it archived in the archive comment: say whether it is the tag's. */
function commentNote(comment: string | undefined, commit: string): string[] {
  if (!comment || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(comment)) return [];
  return comment === commit
    ? [`the archive records commit ${comment.slice(0, 12)} (as git archive does): the tag's commit`]
    : [`the archive records commit ${comment.slice(0, 12)} (as git archive does), but the tag points to ${commit.slice(0, 12)}`];
}

/** A collision replaces the finding its path had (a copy of another tag file, say): one finding per path. */
function withCollisions(findings: Finding[], collisions: Finding[]): Finding[] {
  if (collisions.length === 0) return findings;
  const byPath = new Map(collisions.map((c) => [c.path, c]));
  const merged = findings.map((f) => {
    const c = byPath.get(f.path);
    if (!c) return f;
    byPath.delete(f.path);
    return { ...c, reasons: [...c.reasons, ...f.reasons], evidence: { ...f.evidence, ...c.evidence } };
  });
  return [...merged, ...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Check a release archive against the tag it claims to come from. Options in, Report out. */
export async function verify(options: VerifyOptions): Promise<Report> {
  const limits = options.limits ?? defaultLimits;
  const failOn = options.failOn ?? 'high';
  const name = releaseName(options.release);
  const waivers = await loadWaivers(options);
  // Loaded while git lists the tag and the release streams: its parse is
  // garbage collected then, not on top of the comparison's peak at the end.
  const knowledge = loadKnowledge({
    indexPaths: knowledgeIndexPaths(options.cacheDir),
    cacheDir: options.cacheDir,
    ...(options.hostKnowledge === false ? { hostDirs: [] } : {}),
  });
  knowledge.catch(() => {}); // awaited below; a failed read must not end the run first
  // The download starts first, so it runs while the tag side is fetched.
  const source = await openReleaseSource(options.release, options);
  // A local file's format (and the decoder its read will use) is probed while
  // git opens the repository.
  const probe = source.growing ? undefined : probeAhead(source.path, options.preferJs ?? false);
  // A release that cannot be read is the first thing to fix: the tag side's
  // error for a mistyped path, or for the signature beside the archive, is
  // about a tag the file's name does not give. A download's answer is waited
  // for a moment (a 404 comes at once), not for as long as it takes.
  const releaseFirst = async (err: unknown) => {
    const failed = probe ? await probe.failure() : source.growing ? await downloadFailure(source.growing, source.path, 2000) : undefined;
    return failed instanceof CuckooError ? namedByUrl(failed, source) : err;
  };
  let started: StartedTagSide;
  try {
    started = await startTagSide({ ...options, limits, releaseName: name });
  } catch (err) {
    probe?.drop();
    const thrown = await releaseFirst(err);
    await source.settle();
    throw thrown;
  }
  let unreadable = false;
  let rebuild: Promise<Rebuild> | undefined;
  const confirmingSha1 = started.repo.objectFormat === 'sha1' && options.sha1Check !== false;
  // The tag's half of the SHA-1 confirmation is read while the release streams,
  // from as soon as the tag's attributes say which blobs git archive writes.
  // A partial clone would fetch every blob to do so: there it waits for the matches.
  if (confirmingSha1 && !started.repo.promisor) started.digestAhead();
  // A submodule's blobs are hashed ahead only as the release shows it has them
  // (see digestMatched): those read before the tag side is complete wait here.
  const matchedEarly: string[] = [];
  let matched: ((oid: string) => void) | undefined =
    confirmingSha1 && !started.repo.promisor ? (oid) => void (started.oids.has(oid) || matchedEarly.push(oid)) : undefined;
  // The release streams as soon as the repository is open, while the tag side
  // resolves the tag, lists its tree, reads its attributes and submodules.
  const stop = new AbortController();
  const spill = new ContentSpill(options.cacheDir, options.contentBudget);
  const reading = readReleaseEntries(options.release, source, {
    objectFormat: started.repo.objectFormat,
    tagOids: started.oids,
    listed: started.listed,
    limits,
    preferJs: options.preferJs ?? false,
    confirmSha1: confirmingSha1,
    signal: stop.signal,
    spill,
    ...(matched ? { onBlob: (oid: string) => matched?.(oid) } : {}),
  }).catch((err: unknown) => {
    // A download that is not a readable release is not kept: the next run asks the server again.
    unreadable = err instanceof CuckooError && (err.code === 'input' || err.code === 'limit');
    throw err;
  });
  reading.catch(() => {}); // awaited below, once the tag side is complete
  let tag: OpenTagSide;
  try {
    tag = await started.complete;
  } catch (err) {
    // Asked before the download is stopped, which its bytes may be needed for.
    const thrown = await releaseFirst(err);
    stop.abort(err);
    // A download still running is stopped first: the read may be waiting for its bytes.
    const settled = source.settle();
    await reading.catch(() => {});
    spill.close();
    await settled;
    throw thrown;
  }
  // And the submodules' blobs the release has, now that they are listed.
  if (confirmingSha1 && !tag.repo.promisor) {
    tag.digestAhead();
    for (const oid of matchedEarly) tag.digestMatched(oid);
    matchedEarly.length = 0;
    matched = (oid) => tag.digestMatched(oid);
  }
  try {
    const read = await reading;
    settleTagIds(read.entries, tag.oids, spill);
    const { release } = read;
    if (options.policyFound && options.policy !== undefined) {
      await refuseForeignPolicy(options.policy, { repo: options.repo, entries: read.entries, tagOids: tag.oids, objectFormat: tag.repo.objectFormat }, options.policyFound);
    }
    const sha256 = await release.sha256();
    const expected = await expectedChecksum(options, name);
    const checksum = expected ? { ...expected, matches: expected.expected === sha256 } : undefined;
    const { check: signature, notes: signatureSearch } = await checkReleaseSignature(source.path, options);
    const tagDate = await commitDate(tag.repo, tag.ref.commit, (oid) => tag.blob(oid));
    const comparison = compareTrees(read.entries, tag.side, options.strip === undefined ? {} : { strip: options.strip });
    const entryCount = read.entries.length;
    const counts = countChanges(comparison.changes, comparison.identical);
    const inSubmodule = (path: string) => tag.compared.some((sub) => path.startsWith(`${sub.path}/`));
    const submoduleCopies = tag.compared.length === 0 ? 0 : comparison.changes.filter((c) => c.kind === 'only-in-release' && c.release?.type === 'file' && c.release.blobId !== undefined && (tag.byOid.get(c.release.blobId)?.some((e) => inSubmodule(e.path)) ?? false)).length;
    const overlap = overlapOf(counts, comparison.changes.filter((c) => c.kind === 'only-in-tag' && inSubmodule(c.path)).length, submoduleCopies);
    // Few paths in common: decided once the analysis says what the release's other files are made of (madeOverlap).
    const fewInCommon = isUnrelated(overlap);
    const releasePaths = fewInCommon ? new Set(read.entries.flatMap((e) => (e.type === 'directory' ? [] : [stripSegments(normalisePath(e.path).path, comparison.strip) ?? e.path]))) : undefined;
    // Identical by SHA-1 is confirmed by sha256 of both sides. The matches are
    // taken from the entries at once (before they go); the tag's digests are
    // awaited after the analysis, which runs while git streams the last blobs.
    // A partial clone fetches those blobs first, before the analysis fetches its own.
    const confirming = confirmingSha1 ? confirmSha1(read.entries, tag, (p) => stripSegments(normalisePath(p).path, comparison.strip) ?? p) : undefined;
    confirming?.catch(() => {}); // awaited below; a failure must not end the run first
    if (tag.repo.promisor) await confirming;
    // The changes hold every entry the analysis needs: the rest (files identical
    // to the tag's, 90,000 in a kernel-sized release) can go before it starts.
    read.entries = [];

    // The tag's own blobs that the analysis will read, fetched in one request
    // from a remote, with those of release files the tag has elsewhere (their
    // sha256 was left out of the read).
    const unhashed = [...releaseEntriesOf(comparison.changes)].filter((e) => e.sha256 === undefined && e.blobId !== undefined && e.type === 'file');
    await prefetchBlobs(tag.repo, [
      ...comparison.changes.flatMap((c) => (c.tag && c.tag.type !== 'submodule' ? [c.tag.oid] : [])),
      ...unhashed.map((e) => e.blobId!),
    ]);
    await fillSha256(unhashed, (oid) => tag.blob(oid));
    await fillSizes(tag.repo, comparison.changes.flatMap((c) => (c.tag ? [c.tag] : [])));
    const historyNotes: string[] = [];
    const history = tag.repo.promisor
      ? deepening(createHistory(tag.repo, tag.ref.commit, options.cacheDir, tagDate), tag.repo, historyNotes)
      : createHistory(tag.repo, tag.ref.commit, options.cacheDir, tagDate, { read: (oid) => tag.blob(oid), tree: tag.tree, ...(options.tagPath !== undefined ? { folder: options.tagPath } : {}) });
    const known = await knowledge;
    const claimed = releaseVersion(name, comparison.prefix);
    const ctx: AnalysisContext = {
      knowledge: known,
      history,
      tagCommit: { id: tag.ref.commit, date: tagDate },
      ...claimed,
      tagByPath: tag.byPath,
      releaseOnly: new Map(comparison.changes.flatMap((c) => (c.kind === 'only-in-release' && c.release ? [[c.path, c.release] as const] : []))),
      releaseModified: new Map(comparison.changes.flatMap((c) => (c.kind === 'modified' && c.release ? [[c.path, c.release] as const] : []))),
      tagByOid: tag.byOid,
      submodules: tag.compared,
      tagContent: (entry) => tag.content(entry),
      tagContentAhead: (entry) => tag.contentAhead(entry),
      releaseContent: async (entry) => entry.content ?? (entry.blobId && tag.oids.has(entry.blobId) ? tag.blob(entry.blobId) : undefined),
      shared: new Map(),
      ...(options.translationsUrl ? { translations: translationSource(options.translationsUrl, { ...httpDefaults, ...options.http }, options.cacheDir) } : {}),
    };
    // The rebuild runs in the sandbox while the rules run here.
    if (options.rebuild) {
      rebuild = startRebuild({ ...options, ...claimed, ...(waivers.policy?.rebuild ? { policyRecipe: waivers.policy.rebuild } : {}) }, tag, comparison.changes, ctx.releaseContent, tagDate);
      rebuild.catch(() => {}); // awaited below; a failure must not end the run first
    }
    const reproducer = releaseReproducer({ ...options, ...claimed }, () => releaseFiles(comparison.changes, tag, ctx.releaseContent), tag, known);
    if (reproducer) ctx.reproduce = reproducer;
    const bootstrap = bootstrapProver(options, tag, comparison.changes);
    if (bootstrap) ctx.bootstrap = bootstrap;
    const diff = { maxLines: options.diffLines ?? 200, maxEdits: 2000 };
    let fileFindings = await analyze(comparison.changes, ctx).finally(() => history.close());
    const unrelated = releasePaths && isUnrelated(madeOverlap(overlap, fileFindings, tag.unavailable.length > 0)) ? await unrelatedFinding(name, tag.ref.ref, overlap, tag.repo, () => releasePaths, tag.byPath.keys()) : undefined;
    const sha1 = await confirming;
    const originNotes = await releaseCommitNotes(fileFindings, comparison.changes, tag.repo, tag.ref.commit, inSubmodule, options.tagPath);
    const versionNotes = await versionMismatchNote(comparison.changes, fileFindings, { release: (c) => ctx.releaseContent(c.release!), tag: (c) => tag.content(c.tag!) }, claimed.releaseVersion).catch(() => []);
    // A parser the project's own make rule re-made counts as reproduced, whatever ylwrap's way wrote.
    const byMake = new Map(fileFindings.filter((f) => f.category === 'recipe-output').map((f) => [f.path, f.severity === 'info' ? ('reproduced' as const) : ('normalised' as const)]));
    const reproduction = reproducer?.summary((path) => byMake.get(path));
    const rebuilt = rebuild ? await rebuild : undefined;
    if (rebuilt) {
      const byPath = await rebuiltEvidence(rebuilt, comparison.changes, ctx.releaseContent, tag.repo.objectFormat);
      const recipe = rebuilt.summary.recipe?.steps.map((s) => s.name).join(', ') ?? '';
      fileFindings = fileFindings.map((f) => (byPath.has(f.path) ? withRebuild(f, byPath.get(f.path)!, recipe) : f));
      if (options.rebuildOut && rebuilt.tree) await copyRebuiltTree(rebuilt.tree, options.rebuildOut);
    }
    const folded = foldUnavailable(fileFindings, tag.unavailable);
    fileFindings = folded.findings;
    const { findings, ...waived } = waive(
      [
        ...(checksum ? checksumFinding(name, checksum, sha256) : []),
        ...(signature ? signatureFinding(name, 'release', signature) : []),
        ...trailingDataFinding(name, release),
        ...(unrelated ? [unrelated] : []),
        ...tag.findings,
        ...withCollisions(fileFindings, sha1?.findings ?? []),
      ],
      waivers,
    );
    await addDiffs(findings, comparison.changes, ctx, { ...diff, all: options.allDiffs === true });
    const drift = options.previous
      ? await driftSince(
          { ...options, previous: options.previous },
          { set: { entries: releaseOnlyEntries(comparison.changes), content: ctx.releaseContent }, findings, repo: tag.repo, commit: tag.ref.commit, tagRef: tag.ref.ref },
          { limits, preferJs: options.preferJs ?? false, diff },
        )
      : undefined;
    // A collision at a path that compared identical is a modified file after all.
    const changed = new Set(comparison.changes.map((c) => c.path));
    const collided = (sha1?.findings ?? []).filter((f) => !changed.has(f.path)).length;
    counts.identical -= collided;
    counts.modified += collided;
    // Drift items count too: a new unexplained build file fails the release like a finding.
    // A submodule out of reach is "could not check" (exit 3), not "suspicious": it does not fail the verdict by itself.
    const judgedOn = counting(findings).filter((f) => f.category !== 'submodule-unavailable');
    const judged0 = verdictOf([...judgedOn, ...(drift?.items ?? [])], failOn);
    const judged = judged0 === 'pass' && folded.incomplete.length > 0 ? 'review' : judged0;
    const comment = release.comment;
    return {
      schema: reportSchema,
      tool: { name: 'cuckoo', version },
      verdict: judged,
      failOn,
      release: {
        source: options.release,
        sha256,
        format: release.formatName,
        decoder: release.decoder,
        prefix: comparison.prefix,
        entries: entryCount,
        ...(comment ? { comment } : {}),
        ...(source.url ? { url: source.url, fromCache: source.fromCache } : {}),
        ...(checksum ? { checksum } : {}),
        ...(signature ? { signature } : {}),
      },
      tag: {
        repo: options.repo,
        ref: tag.ref.ref,
        commit: tag.ref.commit,
        annotated: tag.ref.annotated,
        objectFormat: tag.repo.objectFormat,
        ...(tag.ref.inferredFrom ? { inferredFrom: tag.ref.inferredFrom } : {}),
        ...tag.remoteInfo,
      },
      counts,
      // Allowed and known findings stay in the report but count toward nothing.
      severities: severityCounts(counting(findings)),
      findings,
      ...(drift ? { drift } : {}),
      ...(folded.incomplete.length > 0 ? { incomplete: folded.incomplete } : {}),
      ...(reproduction ? { reproduction } : {}),
      ...(rebuilt ? { rebuild: rebuilt.summary } : {}),
      ...(waived.policy ? { policy: waived.policy } : {}),
      ...(waived.baseline ? { baseline: waived.baseline } : {}),
      notes: [
        ...(options.tagPath !== undefined ? [`compared with the folder ${options.tagPath}/ of ${tag.ref.ref} (--tag-path): the tag's paths in this report are relative to it`] : []),
        ...tag.notes,
        ...comparison.notes,
        ...commentNote(comment, tag.ref.commit),
        ...historyNotes,
        ...originNotes,
        ...versionNotes,
        ...(options.sha1Check === false && tag.repo.objectFormat === 'sha1' ? ['identical files compared by SHA-1 alone (--no-sha1-check): a SHA-1 collision would pass as identical'] : []),
        ...(reproduction?.notes ?? []),
        ...(bootstrap?.notes() ?? []),
        ...(rebuilt?.summary.notes ?? []),
        ...(options.rebuildOut && rebuilt?.tree ? [`the rebuilt tree is in ${options.rebuildOut}`] : []),
        ...signatureSearch,
        ...signatureNotes('release', signature),
        ...signatureNotes('tag', tag.remoteInfo.signature),
        ...waived.notes,
        ...(options.policyFound === true ? [`policy: ${policyFileName} from the current folder (--policy FILE names another, --no-policy uses none)`] : []),
        ...(options.policyFound === 'from-debian' && options.policy !== undefined ? [`policy: ${foundPolicyName(options.policy, 'from-debian')}`] : []),
      ],
    };
  } catch (err) {
    throw namedByUrl(err, source);
  } finally {
    await rebuild?.then((r) => r.close(), () => {});
    spill.close();
    await tag.close();
    await source.settle(!unreadable);
  }
}

/**
 * Where several modified files are older versions from the tag's history,
 * the commit whose tree has the most of them: the release may have been
 * made from it before the tag was set elsewhere (release-commit.ts). A
 * history git cannot walk, or would fetch to walk, says nothing.
 */
async function releaseCommitNotes(findings: readonly Finding[], changes: readonly Change[], repo: GitTarget, commit: string, inSubmodule: (path: string) => boolean, folder?: string): Promise<string[]> {
  // A partial clone of cuckoo's own would fetch the history's trees to walk it: not for a note.
  if (repo.promisor || findings.filter((f) => f.category === 'from-history' && f.change === 'modified').length < 2) return [];
  const files = changes.flatMap((c) =>
    c.kind === 'modified' && c.release?.type === 'file' && c.release.blobId && c.tag?.type === 'file' && !inSubmodule(c.path) ? [{ path: folder !== undefined ? `${folder}/${c.path}` : c.path, blobId: c.release.blobId, tagBlobId: c.tag.oid }] : [],
  );
  const found = await releaseCommit(repo, commit, files.slice(0, 1000)).catch(() => undefined);
  if (!found || found.matches < 2) return [];
  const day = new Date(found.time * 1000).toISOString().slice(0, 10);
  const id = found.commit.slice(0, 12);
  return [
    `${found.matches} of the ${found.files} modified files are as they were at commit ${id} (${day}, ${JSON.stringify(found.subject.slice(0, 80))}), ${found.behind} commit${found.behind === 1 ? '' : 's'} before the tag on its first-parent line: the release may have been made from that commit, not the tag (compare with it: --commit ${id})`,
  ];
}

