/**
 * Release-to-release drift: what changed, between the previous release and
 * this one, in the files git does not explain. Judged from the release-only
 * sets of both releases, this release's findings, and the binary files git
 * changed between the two tags.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../compare/change.js';
import type { BinaryChange } from '../git/history.js';
import type { ReleaseEntry } from '../release/entry.js';
import { driftKinds, type DriftItem, type DriftKind } from '../report/drift.js';
import { categoryInfo, type ChangeKind, type Finding } from '../report/finding.js';
import { atLeast, severityRank, type Severity } from '../report/severity.js';
import { boundedDiff, releaseSide, type DiffOptions } from './evidence.js';
import { generatorVersions, m4SerialOf } from './generators.js';
import { buildRole, roleText } from './places.js';

/** The files of a release that are not in its tag, or differ from it, and how to read their bytes. */
export interface ReleaseOnlySet {
  entries: ReadonlyMap<string, ReleaseEntry>;
  content(entry: ReleaseEntry): Promise<Buffer | undefined>;
}

export interface DriftInput {
  previous: ReleaseOnlySet;
  current: ReleaseOnlySet;
  /** This release's findings: whether a rule explains a path. */
  findings: readonly Finding[];
  /** Binary files of git added or modified between the previous tag and this one. */
  binaries: readonly BinaryChange[];
  /** How reasons name the previous release and the two tags. */
  labels: { previous: string; previousTag: string; tag: string };
  diff: DiffOptions;
}

export function driftId(kind: DriftKind, path: string): string {
  return `CD${createHash('sha256').update(`${kind}\0${path}`).digest('hex').slice(0, 12)}`;
}

function sameBytes(a: ReleaseEntry, b: ReleaseEntry): boolean {
  return a.type === b.type && (a.blobId ?? a.sha256) === (b.blobId ?? b.sha256) && a.linkTarget === b.linkTarget;
}

const higher = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);

/**
 * How much a new or changed release-only file counts. Explained files (by
 * this release's own rules) are information. A file no rule explains (its
 * finding unexplained, or high or above; medium or above for a new one)
 * counts medium, and at least high where the build
 * runs or compiles it: a new file of that kind is how the xz backdoor first
 * shipped. A newly release-only such file in a release cycle that also
 * changed binary files in git is both halves of that pattern at once, and
 * critical.
 */
function judged(kind: 'newly-release-only' | 'release-only-changed', path: string, finding: Finding | undefined, input: DriftInput): { severity: Severity; reasons: string[] } {
  const outside = finding?.change === 'only-in-release' ? 'not in git' : 'other bytes than the tag';
  const what = kind === 'newly-release-only' ? `${outside}, unlike in ${input.labels.previous}` : `outside git in both releases; its bytes changed since ${input.labels.previous}`;
  const unwaived = judgedAlone(kind, path, finding, input, what);
  // A finding the baseline knows (by its content) or the policy allows was
  // reviewed already: its drift is information too. A critical drift item
  // follows the policy's own rule for critical findings: only a rule that
  // names the file's sha256 silences it.
  if (finding?.known) return { severity: 'info', reasons: [what, 'known from the baseline report'] };
  if (finding?.allowed) {
    const by = `policy rule ${finding.allowed.rule}`;
    if (unwaived.severity === 'critical' && finding.allowed.sha256 === undefined) {
      return { severity: 'critical', reasons: [...unwaived.reasons, `${by} allows the finding but names no sha256: it may not silence a critical drift item`] };
    }
    return { severity: 'info', reasons: [what, `allowed by ${by}: ${finding.allowed.reason}`] };
  }
  return unwaived;
}

function judgedAlone(kind: 'newly-release-only' | 'release-only-changed', path: string, finding: Finding | undefined, input: DriftInput, what: string): { severity: Severity; reasons: string[] } {
  // A new file outside git that a rule explains only in part (medium: from the
  // tag's history, an unknown version of a tool file) is not explained away.
  const explained = (f: Finding) => f.category !== 'unexplained' && !atLeast(f.severity, kind === 'newly-release-only' ? 'medium' : 'high');
  if (!finding || explained(finding)) {
    const why = finding ? `explained in this release: ${categoryInfo[finding.category].title.toLowerCase()} (${finding.severity})` : 'no finding of this release';
    return { severity: 'info', reasons: [what, why] };
  }
  const unexplained = `no rule explains it (${categoryInfo[finding.category].title.toLowerCase()}, ${finding.severity})`;
  const role = buildRole(path);
  if (!role) return { severity: 'medium', reasons: [what, unexplained] };
  const reasons = [what, unexplained, roleText[role]];
  if (kind === 'newly-release-only' && input.binaries.length > 0) {
    const names = input.binaries.slice(0, 3).map((b) => b.path).join(', ');
    reasons.push(`binary files changed in git in the same release cycle (${names}${input.binaries.length > 3 ? ', …' : ''}): the two halves of the xz backdoor (CVE-2024-3094) at once`);
    return { severity: 'critical', reasons };
  }
  return { severity: higher(finding.severity, 'high'), reasons };
}

async function changedEvidence(path: string, before: ReleaseEntry, after: ReleaseEntry, input: DriftInput): Promise<DriftItem['evidence']> {
  const sides = { previous: releaseSide(before), release: releaseSide(after) };
  if (before.type !== 'file' || after.type !== 'file') return sides;
  const [a, b] = await Promise.all([input.previous.content(before), input.current.content(after)]);
  if (!a || !b) return { ...sides, diffNote: 'content not kept (larger than --max-file-memory); compared by hash only' };
  return { ...sides, ...boundedDiff(a, b, `a/${path}`, `b/${path}`, input.diff) };
}

const textOf = (set: ReleaseOnlySet) => async (path: string) => {
  const entry = set.entries.get(path);
  return entry?.type === 'file' ? (await set.content(entry))?.toString('utf8') : undefined;
};

/** Tool versions and m4 serials that differ between the two releases. */
async function generatorItems(input: DriftInput): Promise<DriftItem[]> {
  const [before, after] = await Promise.all([
    generatorVersions(input.previous.entries.keys(), textOf(input.previous)),
    generatorVersions(input.current.entries.keys(), textOf(input.current)),
  ]);
  const changes: Array<{ path: string; tool: string; previous: string; current: string }> = [];
  for (const [tool, now] of after) {
    const then = before.get(tool);
    if (then && then.version !== now.version) changes.push({ path: now.path, tool, previous: then.version, current: now.version });
  }
  for (const [path, entry] of input.current.entries) {
    const old = input.previous.entries.get(path);
    if (!path.endsWith('.m4') || !old || sameBytes(old, entry)) continue;
    const [then, now] = await Promise.all([textOf(input.previous)(path), textOf(input.current)(path)]);
    const a = then === undefined ? undefined : m4SerialOf(path, then);
    const b = now === undefined ? undefined : m4SerialOf(path, now);
    if (a !== undefined && b !== undefined && a !== b) changes.push({ path, tool: 'm4 serial', previous: a, current: b });
  }
  return changes.map(({ path, ...generator }) => ({
    id: driftId('generator-changed', `${generator.tool}\0${path}`),
    kind: 'generator-changed',
    path,
    severity: 'info',
    reasons: [`${generator.tool} ${generator.previous} → ${generator.current}`],
    evidence: { generator },
  }));
}

/** Every drift item, in kind order, then path order. */
export async function driftItems(input: DriftInput): Promise<DriftItem[]> {
  const findingOf = new Map(input.findings.map((f) => [f.path, f]));
  const items: DriftItem[] = [];
  for (const [path, entry] of input.current.entries) {
    const old = input.previous.entries.get(path);
    if (old && sameBytes(old, entry)) continue;
    const kind = old ? 'release-only-changed' : 'newly-release-only';
    const finding = findingOf.get(path);
    const evidence = old ? await changedEvidence(path, old, entry, input) : { release: releaseSide(entry) };
    items.push({ id: driftId(kind, path), kind, path, ...judged(kind, path, finding, input), evidence: { ...evidence, ...(finding ? { finding: finding.id } : {}) } });
  }
  for (const [path, entry] of input.previous.entries) {
    if (input.current.entries.has(path)) continue;
    items.push({
      id: driftId('no-longer-release-only', path),
      kind: 'no-longer-release-only',
      path,
      severity: 'info',
      reasons: [`outside git in ${input.labels.previous}; this release ships it as ${input.labels.tag} has it, or not at all`],
      evidence: { previous: releaseSide(entry) },
    });
  }
  items.push(...(await generatorItems(input)));
  for (const b of input.binaries) {
    items.push({
      id: driftId('binary-changed-in-git', b.path),
      kind: 'binary-changed-in-git',
      path: b.path,
      severity: 'low',
      reasons: [`${b.status} in git between ${input.labels.previousTag} and ${input.labels.tag}`],
      evidence: { git: { status: b.status, ...(b.before ? { before: b.before } : {}), after: b.after } },
    });
  }
  const order = (k: DriftKind) => driftKinds.indexOf(k);
  return items.sort((a, b) => order(a.kind) - order(b.kind) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function driftCounts(items: readonly DriftItem[]): Record<DriftKind, number> {
  const counts = Object.fromEntries(driftKinds.map((k) => [k, 0])) as Record<DriftKind, number>;
  for (const i of items) counts[i.kind]++;
  return counts;
}

/** A release's release-only set: files the tag lacks, and files whose bytes or type differ from the tag's. */
export function releaseOnlyEntries(changes: readonly Change[]): Map<string, ReleaseEntry> {
  const kinds: readonly ChangeKind[] = ['only-in-release', 'modified', 'type-changed'];
  return new Map(changes.flatMap((c) => (c.release && kinds.includes(c.kind) && (c.kind !== 'modified' || c.contentDiffers) ? [[c.path, c.release] as const] : [])));
}
