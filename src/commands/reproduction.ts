/**
 * The reproducer of one verify run: the release's regular files as the
 * comparison left them (those identical to the tag read back from git, the
 * others from the stream), the sandbox found when first needed, and the
 * known-good index for the macros aclocal copies.
 */
import type { Change } from '../compare/change.js';
import type { OpenTagSide } from './tag-side.js';
import type { KnowledgeLookup } from '../analyze/knowledge/types.js';
import { composedOfKnown, compositionSummary, hasDistributionCopies } from '../analyze/knowledge/composition.js';
import { parseSerial } from '../analyze/m4.js';
import { prefetchBlobs } from '../git/remote.js';
import type { ReleaseEntry } from '../release/entry.js';
import { createReproducer, type ReproduceFile, type Reproducer } from '../reproduce/reproducer.js';
import { defaultSandboxLimits, findSandbox, type SandboxKind } from '../reproduce/sandbox.js';
import { aclocalCopied } from '../reproduce/stabilizers.js';
import type { FoundTool, MissingTool, ToolName } from '../reproduce/tools.js';
import { installTool } from '../reproduce/install.js';
import { buildLimits } from './tools.js';
import { CuckooError } from '../errors.js';
import type { HttpOptions } from '../release/http-get.js';

export interface ReproduceOptions {
  /** Re-run generators (default true; --no-reproduce). */
  reproduce?: boolean;
  /** bwrap (default), or none: unconfined, only when the user asks. */
  sandbox?: SandboxKind;
  /** Seconds each generator may run (--reproduce-timeout). */
  reproduceTimeout?: number;
  /** Bytes of address space each generator process may use (--reproduce-memory). */
  reproduceMemory?: number;
  /** The bwrap program (default: bwrap on PATH). */
  bwrap?: string;
  /** --fetch-tools: install a missing generator version into the tool cache (GNU's pinned release, built in the sandbox). */
  fetchTools?: boolean;
  /** --gnu-mirror for --fetch-tools. */
  gnuMirror?: string;
  /** What a long step runs in the sandbox now (gnulib-tool can take half an hour), undefined once done: the CLI shows it on a terminal. */
  onStatus?: (status: string | undefined) => void;
}

/**
 * --fetch-tools: a version the release names that is not here is installed
 * from GNU's pinned tarball, built in the sandbox; a version that cannot be
 * (not pinned, no network, a failed build) stays missing, with the reason.
 */
function provisioner(options: ReproduceOptions & { cacheDir: string; http?: HttpOptions }): (tool: ToolName, version: string) => Promise<FoundTool | MissingTool> {
  return async (tool, version) => {
    const sandbox = await findSandbox(options.sandbox ?? 'bwrap', buildLimits, options.bwrap);
    const missing = (why: string): MissingTool => ({ tool, version, tried: [], hint: `--fetch-tools could not install it: ${why}` });
    if (sandbox.kind === 'unavailable') return missing(sandbox.reason);
    try {
      const installed = await installTool({ tool, version, cacheDir: options.cacheDir, sandbox, ...(options.gnuMirror ? { mirror: options.gnuMirror } : {}), ...(options.http ? { http: options.http } : {}) });
      return installed.found;
    } catch (err) {
      return missing(err instanceof Error ? `${err.message}${err instanceof CuckooError && err.hint ? ` (${err.hint})` : ''}` : String(err));
    }
  };
}

export function releaseFiles(changes: readonly Change[], tag: OpenTagSide, releaseContent: (e: ReleaseEntry) => Promise<Buffer | undefined>): Map<string, ReproduceFile & { oid?: string }> {
  const files = new Map<string, ReproduceFile & { oid?: string }>();
  const changed = new Set<string>();
  for (const c of changes) {
    changed.add(c.path);
    const e = c.release;
    if (!e || (e.type !== 'file' && e.type !== 'symlink') || c.kind === 'unsafe-entry' || c.kind === 'duplicate-entry') continue;
    files.set(c.path, {
      path: c.path,
      inTag: false,
      executable: (e.mode & 0o111) !== 0,
      // A symlink is laid out as a placeholder: its bytes are a target, not content.
      content: async () => (e.type === 'file' ? releaseContent(e) : undefined),
      sha256: async () => (e.type === 'file' ? e.sha256 : undefined),
    });
  }
  for (const [path, entry] of tag.byPath) {
    if (changed.has(path) || (entry.type !== 'file' && entry.type !== 'symlink')) continue;
    files.set(path, {
      path,
      inTag: true,
      executable: (entry.mode & 0o111) !== 0,
      ...(entry.type === 'file' ? { oid: entry.oid } : {}),
      content: async () => (entry.type === 'file' ? tag.content(entry) : undefined),
      sha256: async () => (entry.type === 'file' ? tag.contentDigest(entry) : undefined),
    });
  }
  return files;
}

/**
 * The run's reproducer, or undefined with --no-reproduce. The release's file
 * map is built on the first question: a release with no generated file (or a
 * kernel-sized one whose rules never ask) pays nothing for it.
 */
export function releaseReproducer(
  options: ReproduceOptions & { cacheDir: string; releaseVersion?: string; http?: HttpOptions },
  files: () => Map<string, ReproduceFile & { oid?: string }>,
  tag: OpenTagSide,
  knowledge: KnowledgeLookup | undefined,
): Reproducer | undefined {
  if (options.reproduce === false) return undefined;
  let inner: Reproducer | undefined;
  return {
    outcome: (path) => (inner ??= reproducerOf(options, files(), tag, knowledge)).outcome(path),
    summary: (provenOtherwise) => inner?.summary(provenOtherwise),
  };
}

function reproducerOf(options: ReproduceOptions & { cacheDir: string; releaseVersion?: string; http?: HttpOptions }, files: Map<string, ReproduceFile & { oid?: string }>, tag: OpenTagSide, knowledge: KnowledgeLookup | undefined): Reproducer {
  const limits = {
    timeoutSeconds: options.reproduceTimeout ?? defaultSandboxLimits.timeoutSeconds,
    memoryBytes: options.reproduceMemory ?? defaultSandboxLimits.memoryBytes,
  };
  return createReproducer({
    files,
    cacheDir: options.cacheDir,
    sandbox: () => findSandbox(options.sandbox ?? 'bwrap', limits, options.bwrap),
    sandboxKind: options.sandbox ?? 'bwrap',
    ...(options.releaseVersion ? { releaseVersion: options.releaseVersion } : {}),
    ...(tag.ref.commit ? { commit: tag.ref.commit } : {}),
    ...(options.fetchTools ? { provision: provisioner(options) } : {}),
    // A partial clone fetches the inputs' blobs in one request.
    prefetch: (paths) => prefetchBlobs(tag.repo, paths.flatMap((p) => (files.get(p)?.oid ? [files.get(p)!.oid!] : []))),
    ...(knowledge
      ? {
          knownGood: (codeHash: string, name: string) => {
            const known = knowledge.byName(name).find((f) => f.codeHash === codeHash);
            return known ? `${known.origin.package} ${known.origin.version}'s ${name}` : undefined;
          },
          composedKnown: (text: string, name: string) => composedMacroFile(text, name, knowledge),
          knownFile: (sha256: string) => knowledge.byHash(sha256).length > 0,
        }
      : {}),
  });
}

/**
 * The text aclocal.m4 holds for an installed macro file, when it is a known
 * upstream version of that file (as aclocal copies it) with changes that
 * known copies make, and the same serial: named for the report, as the
 * known-good rule names such a file standing alone.
 */
export async function composedMacroFile(text: string, name: string, knowledge: KnowledgeLookup): Promise<string | undefined> {
  const candidates = knowledge.byName(name).filter((f) => f.name === name);
  if (!hasDistributionCopies(candidates)) return undefined;
  const found = await composedOfKnown(candidates, Buffer.from(text, 'utf8'), knowledge, { copied: (file) => Buffer.from(aclocalCopied(file.toString('utf8')), 'utf8') });
  if (!found || parseSerial(text) !== parseSerial(found.baseBytes.toString('utf8'))) return undefined;
  return compositionSummary(found);
}
