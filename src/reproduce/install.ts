/**
 * `cuckoo tools install`: one exact version of autoconf or automake, built
 * from GNU's pinned release tarball into `<cache>/tools/<tool>-<version>`,
 * where the tool finder looks first.
 *
 * The build runs in the sandbox (a release tarball's configure and make are
 * still code from the network), with one writable scratch folder holding the
 * sources and a staging folder. autoconf and automake write their prefix into
 * their scripts (autom4te's datadir, aclocal's @INC), so configure is given
 * the final folder as --prefix, and `make install DESTDIR=<scratch>/dest`
 * stages the files under that path; one rename then moves the tree into the
 * cache, so the entry appears whole or not at all, under the entry's lock.
 */
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { cacheWriteError, makeScratchDir, withCacheLock } from '../cache.js';
import { CuckooError } from '../errors.js';
import { openRepo } from '../git/repo.js';
import { git } from '../git/run.js';
import type { HttpOptions } from '../release/http-get.js';
import { findGitRelease, findGnuRelease, gitReleases, gnuReleasesFile, pinnedVersions, type GitRelease, type GnuRelease } from './gnu-releases.js';
import { defaultGnuMirror, fetchGnuTarball } from './gnu-tarball.js';
import type { Sandbox, SandboxKind, SandboxResult } from './sandbox.js';
import { cachedToolDir, cachedTools, findTool, forgetProgramVersions, isFound, onPath, programVersion, toolPrograms, toolsDir, type FoundTool, type ToolName } from './tools.js';

export type InstallStep = 'download' | 'unpack' | 'export' | 'bootstrap' | 'configure' | 'make' | 'install';

export interface InstallToolOptions {
  tool: ToolName;
  version: string;
  cacheDir: string;
  /** GNU mirror base URL (default https://ftp.gnu.org/gnu). */
  mirror?: string;
  http?: HttpOptions;
  /** Where configure and make run; its limits bound each step. */
  sandbox: Sandbox;
  /** Told as each step starts. */
  onStep?: (step: InstallStep) => void;
  /**
   * A clone of the tool's repository to build from, at the commit its
   * version's tag is pinned to (gnu-releases.ts, gitReleases), instead of
   * GNU's release tarball.
   */
  git?: string;
  /** The pinned commits (tests name their own). */
  gitPins?: readonly GitRelease[];
}

export interface InstalledTool {
  tool: ToolName;
  version: string;
  /** `<cache>/tools/<tool>-<version>`. */
  dir: string;
  /** The tool as the finder sees it now (source 'cache'). */
  found: FoundTool;
  /** True when it was in the cache already: nothing was downloaded or built. */
  reused: boolean;
  /** The URL it was downloaded from, and the pinned sha256 it had (a tarball build). */
  url?: string;
  sha256?: string;
  /** The repository and pinned commit it was built from (a --git build). */
  git?: { repo: string; commit: string; tag: string };
  sandbox: SandboxKind;
}

/** The pinned release of `tool@version`, or a usage error naming the table and what to do. */
export function pinnedRelease(tool: ToolName, version: string): GnuRelease {
  const release = findGnuRelease(tool, version);
  if (release) return release;
  throw new CuckooError('usage', `${tool}@${version}: not a release cuckoo has a pinned sha256 for (pinned ${tool} versions: ${pinnedVersions(tool).join(', ') || 'none'})`, {
    hint: `pick a pinned version; or install ${tool} ${version} from your distribution, which cuckoo finds on PATH or as ${tool}${version}; or add it to ${gnuReleasesFile} with a sha256 you checked`,
  });
}

/** The pinned commit of `tool@version` for a build from its repository, or a usage error naming the versions pinned so. */
export function pinnedCommit(tool: ToolName, version: string, table: readonly GitRelease[] = gitReleases): GitRelease {
  const release = findGitRelease(tool, version, table);
  if (release) return release;
  const pinned = table.filter((r) => r.tool === tool).map((r) => r.version);
  throw new CuckooError('usage', `${tool}@${version}: not a version cuckoo has a pinned commit for, to build from a clone (pinned ${tool} versions for --git: ${pinned.join(', ') || 'none'})`, {
    hint: `drop --git to build from GNU's pinned tarball (cuckoo tools list shows those versions); or add it to ${gnuReleasesFile} with the commit its tag names`,
  });
}

export async function installTool(options: InstallToolOptions): Promise<InstalledTool> {
  const { tool, version, sandbox } = options;
  const fromGit = options.git !== undefined ? pinnedCommit(tool, version, options.gitPins) : undefined;
  const release = fromGit ? undefined : pinnedRelease(tool, version);
  // The prefix is written into the installed scripts: it has to be absolute.
  const cacheDir = resolve(options.cacheDir);
  const dir = cachedToolDir(cacheDir, tool, version);
  const inCache = async () => {
    const found = await findTool(tool, version, cacheDir);
    return isFound(found) && found.source === 'cache' ? found : undefined;
  };
  const done = (found: FoundTool, reused: boolean, url?: string): InstalledTool => ({
    tool,
    version,
    dir,
    found,
    reused,
    ...(release ? { sha256: release.sha256 } : {}),
    ...(fromGit ? { git: { repo: options.git!, commit: fromGit.commit, tag: fromGit.tag } } : {}),
    sandbox: sandbox.kind,
    ...(url ? { url } : {}),
  });

  const present = await inCache();
  if (present) return done(present, true);
  await mkdir(toolsDir(cacheDir), { recursive: true }).catch((err: unknown) => {
    throw cacheWriteError(toolsDir(cacheDir), err);
  });
  return withCacheLock(join(toolsDir(cacheDir), `${tool}-${version}.lock`), async () => {
    // Another run may have installed it while this one waited for the lock.
    const installed = await inCache();
    if (installed) return done(installed, true);
    const scratch = await makeScratchDir(cacheDir, `build-${tool}-${version}-`);
    try {
      let url: string | undefined;
      let source: string;
      if (fromGit) {
        options.onStep?.('export');
        source = await exportCommit(options.git!, fromGit, scratch, cacheDir);
      } else {
        options.onStep?.('download');
        const fetched = await fetchGnuTarball(release!, scratch, options.mirror ?? defaultGnuMirror, options.http);
        url = fetched.url;
        options.onStep?.('unpack');
        source = await unpack(fetched.path, scratch, release!);
      }
      await build({ ...options, cacheDir, source, scratch, prefix: dir, fromGit: fromGit !== undefined });
      const staged = join(scratch, 'dest', dir);
      await access(join(staged, 'bin', toolPrograms[tool][0]!)).catch(() => {
        throw new CuckooError('tool', `building ${tool} ${version}: make install put no bin/${toolPrograms[tool][0]} under ${staged}`, { hint: 'make install ended without error yet installed nothing there; report it with the platform you run on' });
      });
      // What stands at the entry's name and is not a working install (a folder
      // left by hand, a failed copy) is replaced: the lock is held.
      await rm(dir, { recursive: true, force: true });
      await rename(staged, dir).catch((err: unknown) => {
        throw cacheWriteError(toolsDir(cacheDir), err);
      });
      // A folder replaced at that name may have answered --version before, in this process.
      forgetProgramVersions(dir);
      const found = await inCache();
      if (!found) {
        await rm(dir, { recursive: true, force: true });
        throw new CuckooError('tool', `${tool} ${version} was built, but its programs in ${dir} do not answer --version with ${version}`, { hint: 'run them by hand to see why; the entry was removed' });
      }
      return done(found, false, url);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
}

/** Unpacks with the system tar (it knows .gz and .xz); the tarball's bytes are the pinned ones. */
async function unpack(tarball: string, scratch: string, release: GnuRelease): Promise<string> {
  const into = join(scratch, 'src');
  await mkdir(into);
  const result = await execa('tar', ['-xf', tarball, '-C', into, '--no-same-owner'], { reject: false, stdin: 'ignore', encoding: 'utf8', timeout: 300_000 }).catch(
    (err: unknown) => ({ exitCode: -1, stderr: err instanceof Error ? err.message : String(err) }),
  );
  if (result.exitCode !== 0) {
    throw new CuckooError('tool', `unpacking ${release.file}: tar failed: ${lastLines(String(result.stderr), 3)}`, { hint: 'check that tar and xz (or gzip) are installed, and that the cache folder has room' });
  }
  // Every GNU release tarball holds one folder named after it.
  const top = join(into, `${release.tool}-${release.version}`);
  await access(join(top, 'configure')).catch(() => {
    throw new CuckooError('tool', `unpacking ${release.file}: no ${release.tool}-${release.version}/configure in it`, { hint: `the pinned sha256 in ${gnuReleasesFile} may name another file; check the entry` });
  });
  return top;
}

/**
 * The pinned commit's tree, from the clone, into the scratch folder: the
 * commit must be in the clone, and a tag of the release's name must name it.
 * The clone is opened as `--repo` is (a work tree, a bare repository or a
 * bundle) and read with cuckoo's git runner, so replace refs and the
 * caller's GIT_* variables cannot show another tree; `git archive` reads the
 * objects, and nothing of the repository runs here.
 */
async function exportCommit(spec: string, pin: GitRelease, scratch: string, cacheDir: string): Promise<string> {
  const repo = await openRepo(spec, { cacheDir });
  const what = `${pin.tool} ${pin.version}`;
  const commitOf = async (rev: string) => {
    const found = await git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { okExitCodes: [1, 128] });
    return found.exitCode === 0 ? found.stdout.toString('utf8').trim() : undefined;
  };
  if ((await commitOf(pin.commit)) !== pin.commit) {
    throw new CuckooError('tool', `${spec} has no commit ${pin.commit}, which ${what}'s tag ${pin.tag} names`, {
      hint: `name a clone of ${pin.tool}'s repository that has its tags (git fetch --tags), or drop --git to build from GNU's tarball`,
    });
  }
  const tagged = await commitOf(`refs/tags/${pin.tag}`);
  if (tagged !== undefined && tagged !== pin.commit) {
    throw new CuckooError('tool', `${spec}: tag ${pin.tag} names ${tagged}, not ${pin.commit}, the commit pinned for ${what}`, {
      hint: "the clone was given another tag of that name; fetch the tool's repository again, or name another clone",
    });
  }
  const into = join(scratch, 'src');
  await mkdir(into);
  const tar = join(scratch, 'source.tar');
  await git(repo, ['archive', '--format=tar', '-o', tar, pin.commit]);
  const result = await execa('tar', ['-xf', tar, '-C', into, '--no-same-owner'], { reject: false, stdin: 'ignore', encoding: 'utf8', timeout: 300_000 }).catch((err: unknown) => ({
    exitCode: -1,
    stderr: err instanceof Error ? err.message : String(err),
  }));
  if (result.exitCode !== 0) {
    throw new CuckooError('tool', `unpacking the export of ${what} (${pin.commit}): tar failed: ${lastLines(String(result.stderr), 3)}`, { hint: 'check that tar is installed, and that the cache folder has room' });
  }
  await access(join(into, 'bootstrap')).catch(() => {
    throw new CuckooError('tool', `${what} at ${pin.commit} has no bootstrap script to make its configure`, { hint: `the pin in ${gnuReleasesFile} may name another repository's commit; check the entry` });
  });
  return into;
}

interface BuildPlan extends InstallToolOptions {
  /** Built from the repository: its bootstrap makes configure, and the manuals are left out. */
  fromGit: boolean;
  source: string;
  scratch: string;
  prefix: string;
}

async function build(plan: BuildPlan): Promise<void> {
  const { sandbox, scratch, source, prefix } = plan;
  const { env, readable } = await buildNeeds(plan);
  // From the repository, the manuals would need makeinfo and help2man: INFO_DEPS empty leaves them out of make and make install.
  const noManuals = plan.fromGit ? ['INFO_DEPS='] : [];
  const steps: Array<[InstallStep, string[]]> = [
    ...(plan.fromGit ? [['bootstrap', ['/bin/sh', './bootstrap']] as [InstallStep, string[]]] : []),
    ['configure', ['/bin/sh', './configure', `--prefix=${prefix}`]],
    ['make', ['make', ...noManuals]],
    ['install', ['make', ...noManuals, 'install', `DESTDIR=${join(scratch, 'dest')}`]],
  ];
  for (const [step, argv] of steps) {
    plan.onStep?.(step);
    const result = await sandbox.run({ argv, cwd: source, writable: scratch, readable, env });
    if (result.exitCode !== 0 || result.timedOut) throw buildError(plan, step, result);
  }
}

/**
 * automake's configure refuses to run without an autoconf (2.65 or later for
 * automake 1.16) to call; its installed scripts do not keep that path. The
 * sandbox's PATH has the system's; failing that, the newest autoconf in the
 * cache is named by AUTOCONF (and made readable in the sandbox).
 */
async function buildNeeds(plan: BuildPlan): Promise<{ env: Record<string, string>; readable: string[] }> {
  if (plan.tool !== 'automake' || (await onPath('autoconf'))) return { env: {}, readable: [] };
  const cached = (await cachedTools(plan.cacheDir)).filter((t) => t.tool === 'autoconf');
  cached.sort((a, b) => compareVersions(b.version, a.version));
  for (const candidate of cached) {
    const path = join(candidate.dir, 'bin', 'autoconf');
    if ((await programVersion(path)) === candidate.version) return { env: { AUTOCONF: path }, readable: [candidate.dir] };
  }
  throw new CuckooError('tool', `building automake ${plan.version} needs an autoconf (2.65 or later) to configure it, and there is none on PATH or in the cache`, {
    hint: `install one first: cuckoo tools install autoconf@2.71 (or apt-get install autoconf), then run again`,
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10));
  const pb = b.split('.').map((n) => parseInt(n, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * A build step that failed: the message names the step, `output` holds the end
 * of what it printed (where configure and make say why), for the CLI to show
 * below the one-line error.
 */
export class BuildError extends CuckooError {
  constructor(
    message: string,
    readonly step: InstallStep,
    readonly output: string,
    hint: string,
  ) {
    super('tool', message, { hint });
  }
}

function buildError(plan: BuildPlan, step: InstallStep, result: SandboxResult): BuildError {
  const what = result.timedOut ? `did not finish within ${plan.sandbox.limits.timeoutSeconds}s` : `failed (exit ${result.exitCode})`;
  const sandboxed = plan.sandbox.kind === 'bwrap' ? ' in the bubblewrap sandbox' : '';
  return new BuildError(
    `building ${plan.tool} ${plan.version}: ${step} ${what}${sandboxed}`,
    step,
    lastLines([result.stdout.trimEnd(), result.stderr.trimEnd()].filter(Boolean).join('\n'), 15),
    step === 'configure' ? 'configure needs sh, perl, m4 and make on the system (Debian: apt-get install perl m4 make)' : 'its last lines are above; the scratch folder was removed',
  );
}
