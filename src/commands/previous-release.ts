/**
 * The previous release (`--previous`) against its own tag (`--previous-tag`,
 * or inferred from its name like the main tag): read in one streaming pass,
 * compared like the main release, reduced to its release-only set.
 */
import { releaseOnlyEntries, type ReleaseOnlySet } from '../analyze/drift.js';
import { releaseEntriesOf } from '../compare/change.js';
import { compareTrees } from '../compare/compare.js';
import { fillSha256 } from '../release/hash.js';
import { CuckooError, withContext } from '../errors.js';
import type { Limits } from '../limits.js';
import type { ObjectFormat } from '../release/entry.js';
import { openRelease } from '../release/open.js';
import { ContentSpill } from '../release/spill.js';
import type { Drift } from '../report/drift.js';
import { namedByUrl, openReleaseSource, readReleaseEntries, releaseName, type ReleaseSourceOptions } from './release-source.js';
import { openTagSide, type TagSideOptions } from './tag-side.js';

export interface PreviousOptions {
  /** --previous: path or URL of the previous release. */
  previous: string;
  /** --previous-tag: its tag; inferred from its name when absent. */
  previousTag?: string;
}

export interface PreviousRelease {
  set: ReleaseOnlySet;
  commit: string;
  previous: Drift['previous'];
  previousTag: Drift['previousTag'];
  notes: string[];
  close(): Promise<void>;
}

/** Errors about the previous tag name the flag, and their hints point to it, not to --tag. */
function aboutPreviousTag(err: unknown): unknown {
  if (!(err instanceof CuckooError) || err.code !== 'input') return err;
  const hint = err.hint?.replace(/--tag( with one of them)?( or --commit)?/g, '--previous-tag$1');
  return new CuckooError(err.code, `--previous-tag: ${err.message}`, { ...(hint !== undefined ? { hint } : {}), cause: err });
}

export async function openPreviousRelease(
  options: PreviousOptions & Pick<TagSideOptions, 'repo' | 'submodules' | 'submoduleSources' | 'tagPath'> & Pick<ReleaseSourceOptions, 'cacheDir' | 'http'>,
  read: { limits: Limits; preferJs: boolean; objectFormat: ObjectFormat },
): Promise<PreviousRelease> {
  // No --sha256, --signature or progress bar here: those are about the main release.
  const source = await openReleaseSource(options.previous, { cacheDir: options.cacheDir, ...(options.http ? { http: options.http } : {}) }).catch((err: unknown) => {
    throw withContext('--previous', err);
  });
  const name = releaseName(options.previous);
  let tag;
  let unreadable = false;
  try {
    // The file is opened (not read) before its tag is looked up, so a missing
    // or unreadable previous release is reported as such, not as a missing tag.
    await openRelease(source.path, { ...read, ...(source.growing ? { growing: source.growing } : {}) }).catch((err: unknown) => {
      unreadable = err instanceof CuckooError && (err.code === 'input' || err.code === 'limit');
      throw withContext('--previous', namedByUrl(err, source));
    });
    tag = await openTagSide({
      repo: options.repo,
      cacheDir: options.cacheDir,
      releaseName: name,
      limits: read.limits,
      ...(options.previousTag !== undefined ? { tag: options.previousTag } : {}),
      ...(options.submodules !== undefined ? { submodules: options.submodules } : {}),
      ...(options.submoduleSources ? { submoduleSources: options.submoduleSources } : {}),
      ...(options.tagPath !== undefined ? { tagPath: options.tagPath } : {}),
    });
  } catch (err) {
    await source.settle(!unreadable);
    throw err instanceof CuckooError && err.message.startsWith('--previous:') ? err : aboutPreviousTag(err);
  }
  // Its kept bytes past the budget go to the cache folder, as the main release's do.
  const spill = new ContentSpill(options.cacheDir);
  try {
    const { release, entries } = await readReleaseEntries(options.previous, source, {
      objectFormat: tag.repo.objectFormat,
      tagOids: tag.oids,
      limits: read.limits,
      preferJs: read.preferJs,
      spill,
    });
    const comparison = compareTrees(entries, tag.side);
    await fillSha256(releaseEntriesOf(comparison.changes), (oid) => tag.blob(oid));
    const opened = tag;
    const url = source.url;
    return {
      set: {
        entries: releaseOnlyEntries(comparison.changes),
        content: async (entry) => entry.content ?? (entry.blobId && opened.oids.has(entry.blobId) ? opened.blob(entry.blobId) : undefined),
      },
      commit: tag.ref.commit,
      previous: {
        source: options.previous,
        sha256: await release.sha256(),
        format: release.formatName,
        prefix: comparison.prefix,
        entries: entries.length,
        ...(url ? { url, fromCache: source.fromCache } : {}),
      },
      previousTag: {
        ref: tag.ref.ref,
        commit: tag.ref.commit,
        annotated: tag.ref.annotated,
        ...(tag.ref.inferredFrom ? { inferredFrom: tag.ref.inferredFrom } : {}),
      },
      notes: tag.notes.map((n) => `previous release: ${n}`),
      async close() {
        spill.close();
        await opened.close();
        await source.settle();
      },
    };
  } catch (err) {
    spill.close();
    await tag.close();
    // A download that is not a readable release is not kept, as for the main release.
    await source.settle(!(err instanceof CuckooError && (err.code === 'input' || err.code === 'limit')));
    throw withContext('--previous', namedByUrl(err, source));
  }
}
