/**
 * `cuckoo tools list` and `cuckoo tools install TOOL@VERSION`: which versions
 * of the generators reproduction can run (the system's, distributions'
 * side-by-side versions, cuckoo's own cache), and adding an exact version to
 * the cache from GNU's pinned release tarball.
 */
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { CuckooError } from '../errors.js';
import type { HttpOptions } from '../release/http-get.js';
import { gitReleases, gnuReleases } from '../reproduce/gnu-releases.js';
import { installTool, pinnedCommit, pinnedRelease, type InstalledTool, type InstallStep } from '../reproduce/install.js';
import { defaultSandboxLimits, findSandbox, type SandboxKind, type SandboxLimits } from '../reproduce/sandbox.js';
import { cachedTools, onPath, programVersion, systemPath, toolPrograms, type ToolName } from '../reproduce/tools.js';

export const toolNames: readonly ToolName[] = ['autoconf', 'automake'];

/** What `tools list` shows: the installable tools, and the parser generators reproduction finds on the system. */
export const listedTools: readonly ToolName[] = [...toolNames, 'bison', 'flex'];

export interface ToolCopy {
  tool: ToolName;
  /** What the program answers to --version; undefined when it does not answer. */
  version: string | undefined;
  source: 'path' | 'versioned' | 'cache';
  /** The tool's main program (autoconf, automake). */
  path: string;
}

export interface ToolsListResult {
  copies: ToolCopy[];
  /** The versions `tools install` can fetch. */
  pinned: Array<{ tool: ToolName; version: string }>;
  /** The versions `tools install --git CLONE` can build from the tool's repository. */
  fromGit: Array<{ tool: ToolName; version: string }>;
  cacheDir: string;
}

/** `autoconf2.69`, `automake-1.16`: the names distributions give side-by-side versions. */
async function versionedCopies(tool: ToolName): Promise<ToolCopy[]> {
  const program = toolPrograms[tool][0]!;
  const pattern = new RegExp(`^${program}-?\\d+(?:\\.\\d+)+$`);
  const copies: ToolCopy[] = [];
  // /bin is /usr/bin on merged-/usr systems: each folder is read once.
  const dirs = new Set(await Promise.all(systemPath.map((d) => realpath(d).catch(() => d))));
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => pattern.test(n)).sort()) {
      const path = await onPath(name, [dir]);
      if (path) copies.push({ tool, version: await programVersion(path), source: 'versioned', path });
    }
  }
  return copies;
}

export async function toolsList(options: { cacheDir: string }): Promise<ToolsListResult> {
  const copies: ToolCopy[] = [];
  const cached = await cachedTools(options.cacheDir);
  for (const tool of listedTools) {
    const program = toolPrograms[tool][0]!;
    const onSystem = await onPath(program);
    if (onSystem) copies.push({ tool, version: await programVersion(onSystem), source: 'path', path: onSystem });
    copies.push(...(await versionedCopies(tool)));
    for (const entry of cached.filter((c) => c.tool === tool)) {
      const path = join(entry.dir, 'bin', program);
      copies.push({ tool, version: await programVersion(path), source: 'cache', path });
    }
  }
  return {
    copies,
    pinned: gnuReleases.map(({ tool, version }) => ({ tool, version })),
    fromGit: gitReleases.map(({ tool, version }) => ({ tool, version })),
    cacheDir: options.cacheDir,
  };
}

/** `autoconf@2.69` → its parts; usage errors that name the argument. */
export function parseToolSpec(spec: string): { tool: ToolName; version: string } {
  const m = /^([^@]*)@(.*)$/.exec(spec);
  if (!m) {
    throw new CuckooError('usage', `${spec}: name a tool and a version, as TOOL@VERSION`, { hint: `for example cuckoo tools install autoconf@2.69; see cuckoo tools list` });
  }
  const [, tool, version] = m as unknown as [string, string, string];
  if (!(toolNames as readonly string[]).includes(tool)) {
    throw new CuckooError('usage', `${spec}: unknown tool ${JSON.stringify(tool)}`, { hint: `cuckoo installs ${toolNames.join(' and ')}` });
  }
  if (!/^\d+(?:\.\d+)+[a-z]?$/.test(version)) {
    throw new CuckooError('usage', `${spec}: ${JSON.stringify(version)} is not a version number`, { hint: `give it as ${tool}@2.69; see cuckoo tools list for the pinned versions` });
  }
  return { tool: tool as ToolName, version };
}

export interface ToolsInstallOptions {
  /** `autoconf@2.69`. */
  spec: string;
  cacheDir: string;
  mirror?: string;
  http?: HttpOptions;
  sandbox: SandboxKind;
  /** Bounds each build step (configure, make, make install). */
  limits?: SandboxLimits;
  onStep?: (step: InstallStep) => void;
  /** A clone of the tool's repository: build the pinned commit of the version's tag from it. */
  git?: string;
}

/** A build runs longer than one generator: ten minutes a step, the usual memory bound. */
export const buildLimits: SandboxLimits = { ...defaultSandboxLimits, timeoutSeconds: 600 };

export async function toolsInstall(options: ToolsInstallOptions): Promise<InstalledTool> {
  const { tool, version } = parseToolSpec(options.spec);
  // Usage errors first: an unpinned version is refused before looking for a sandbox.
  if (options.git !== undefined) pinnedCommit(tool, version);
  else pinnedRelease(tool, version);
  const sandbox = await findSandbox(options.sandbox, options.limits ?? buildLimits);
  if (sandbox.kind === 'unavailable') {
    throw new CuckooError('tool', `cannot build ${tool} ${version} in a sandbox: ${sandbox.reason}`, { hint: sandbox.fix.replace(/, or --no-reproduce$/, '') });
  }
  return installTool({
    tool,
    version,
    cacheDir: options.cacheDir,
    sandbox,
    ...(options.mirror !== undefined ? { mirror: options.mirror } : {}),
    ...(options.http ? { http: options.http } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.git !== undefined ? { git: options.git } : {}),
  });
}
