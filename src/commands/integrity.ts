/**
 * Findings about the release file or the tag as a whole: a checksum that does
 * not match, a signature that does not verify, a tag that moved. They sit
 * beside the per-file findings so the verdict and the exit code count them.
 */
import { createHash } from 'node:crypto';
import type { Category, Finding } from '../report/finding.js';
import type { SignatureInfo } from '../report/report.js';
import type { Severity } from '../report/severity.js';

function finding(path: string, category: Category, severity: Severity, reasons: string[]): Finding {
  const digest = createHash('sha256').update(`integrity\0${path}\0${category}`).digest('hex');
  return { id: `CK${digest.slice(0, 12)}`, path, change: 'integrity', category, severity, reasons, evidence: {} };
}

export function checksumFinding(name: string, check: { source: string; expected: string; matches: boolean }, actual: string): Finding[] {
  if (check.matches) return [];
  return [finding(name, 'checksum-mismatch', 'critical', [`${check.source} expects sha256 ${check.expected}`, `the release file has sha256 ${actual}`])];
}

/** A bad signature is critical; a good one by a key outside the keyring is high. Unverified (no keyring) is a note, not a finding. */
export function signatureFinding(path: string, what: string, s: SignatureInfo): Finding[] {
  const by = s.fingerprint ? ` (key ${s.fingerprint})` : '';
  if (s.status === 'bad') return [finding(path, 'bad-signature', 'critical', [`the ${what} signature ${s.source} does not match${by}`])];
  if (s.status === 'unknown-key') {
    return [finding(path, 'bad-signature', 'high', [`the ${what} signature ${s.source} was made by a key that is not in ${s.keyring ?? 'the keyring'}${by}`])];
  }
  if (s.status === 'error') return [finding(path, 'bad-signature', 'high', [`the ${what} signature ${s.source} could not be checked${s.detail ? `: ${s.detail}` : ''}`])];
  return [];
}

/**
 * Bytes after a tar's end-of-archive blocks that are not zero: tar stops
 * before them. When they hold an entry, readers that skip zero blocks unpack
 * it, so the archive is extractor-dependent.
 */
export function trailingDataFinding(name: string, release: { trailingGarbage?: number; hiddenEntry?: string }): Finding[] {
  const bytes = release.trailingGarbage;
  if (!bytes) return [];
  const what = `${bytes} bytes follow the tar end-of-archive block, and they are not all zero padding`;
  if (release.hiddenEntry !== undefined) {
    return [
      finding(name, 'extractor-dependent', 'critical', [
        what,
        `they hold an entry, ${JSON.stringify(release.hiddenEntry)}: \`tar --ignore-zeros\` and readers that skip zero blocks unpack it, tar and bsdtar do not`,
        'it was not compared with the tag',
      ]),
    ];
  }
  return [finding(name, 'hidden-data', 'medium', [what, 'no extractor unpacks them, so nobody reviews them'])];
}

export function signatureNotes(what: string, s: SignatureInfo | undefined): string[] {
  if (!s) return [];
  if (s.status === 'unverified') {
    return [`the ${what} signature was NOT verified: pass --keyring with the project's public key${s.fingerprint ? ` (it was made by ${s.fingerprint})` : ''}`];
  }
  return [];
}

export function movedTagFinding(ref: string, before: { object: string; date: string }, now: string, record: string): Finding[] {
  if (before.object === now) return [];
  return [
    finding(`refs/tags/${ref}`, 'moved-tag', 'critical', [
      `the tag pointed to ${before.object} when first seen on ${before.date}; it now points to ${now}`,
      `published tags should not move: find out why before trusting either (once satisfied, remove ${record} to accept the new tag)`,
    ]),
  ];
}
