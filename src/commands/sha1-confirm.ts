/**
 * "Identical" must mean the same bytes, not only the same SHA-1. Git hashes
 * with SHA-1DC, which refuses the collision attacks of 2017 (SHAttered) and
 * 2020 (chosen-prefix); a plain SHA-1 of the release's bytes does not. So in a
 * SHA-1 repository every release file whose blob id the tag stores is
 * confirmed with a second, collision-resistant digest of both sides: sha256 of
 * the release's bytes (taken in the same streaming pass) against sha256 of
 * the tag's blob, read back through one `git cat-file --batch`. A sha256
 * repository needs no second digest.
 *
 * A file that fails the check is a critical finding: its bytes differ from
 * the tag's although SHA-1 says otherwise, which only a collision attack
 * explains.
 */
import { findingId } from '../analyze/analyze.js';
import { releaseSide } from '../analyze/evidence.js';
import type { Change } from '../compare/change.js';
import { prefetchBlobs } from '../git/remote.js';
import type { ReleaseEntry } from '../release/entry.js';
import type { Finding } from '../report/finding.js';
import type { OpenTagSide } from './tag-side.js';

export interface Sha1Check {
  /** Distinct blobs confirmed. */
  blobs: number;
  /** Release files confirmed. */
  files: number;
  findings: Finding[];
}

/** Release files whose blob id the tag stores, by that id. */
export function matchedBlobs(entries: readonly ReleaseEntry[], stored: (oid: string) => boolean): Map<string, ReleaseEntry[]> {
  const byOid = new Map<string, ReleaseEntry[]>();
  for (const e of entries) {
    if (e.type !== 'file' || e.blobId === undefined || !stored(e.blobId)) continue;
    const list = byOid.get(e.blobId);
    if (list) list.push(e);
    else byOid.set(e.blobId, [e]);
  }
  return byOid;
}

function collisionFinding(entry: ReleaseEntry, path: string, tagSha256: string): Finding {
  return {
    id: findingId({ kind: 'modified', path } as Change, 'hash-collision'),
    path,
    change: 'modified',
    category: 'hash-collision',
    severity: 'critical',
    reasons: [
      `SHA-1 says this file is the tag's blob ${entry.blobId}, but its bytes are not: sha256 ${entry.sha256} in the release, ${tagSha256} in the tag`,
      'only a SHA-1 collision attack gives two contents one blob id: the release file was made to pass as the tag\'s',
    ],
    evidence: { release: releaseSide(entry) },
  };
}

/**
 * Confirms every SHA-1 match with sha256. `pathOf` turns an archive path into
 * the report's (the top folder stripped).
 */
export async function confirmSha1(entries: readonly ReleaseEntry[], tag: Pick<OpenTagSide, 'repo' | 'oids' | 'blobDigest'>, pathOf: (archivePath: string) => string): Promise<Sha1Check> {
  const byOid = matchedBlobs(entries, (oid) => tag.oids.stored(oid));
  const oids = [...byOid.keys()];
  await prefetchBlobs(tag.repo, oids);
  // Asked all at once: git streams the blobs and each is hashed as it passes, none held.
  const digests = await Promise.all(oids.map((oid) => tag.blobDigest(oid)));
  const findings: Finding[] = [];
  let files = 0;
  oids.forEach((oid, j) => {
    for (const entry of byOid.get(oid)!) {
      files++;
      // A file hashed without its sha256 cannot be confirmed: that is a reader's bug, not a pass.
      if (entry.sha256 !== digests[j]) findings.push(collisionFinding(entry, pathOf(entry.path), digests[j]!));
    }
  });
  return { blobs: oids.length, files, findings };
}
