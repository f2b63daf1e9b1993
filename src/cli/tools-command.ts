import type { Argv } from 'yargs';
import { defaultCacheDir } from '../cache.js';
import { listedTools, toolsInstall, toolsList, toolNames, type ToolsListResult } from '../commands/tools.js';
import { BuildError, type InstalledTool } from '../reproduce/install.js';
import { defaultGnuMirror } from '../reproduce/gnu-tarball.js';
import type { Io } from './io.js';
import { parseCount } from './parse.js';
import { visible } from './render/visible.js';

const toolsEpilog = `Reproduction re-runs autoconf and automake at the exact version a release's
files name. cuckoo finds them on PATH, under the versioned names distributions
install side by side (autoconf2.69, automake-1.16), or in its own cache, where
\`cuckoo tools install\` builds them from GNU's release tarballs.

Examples:
  cuckoo tools list
  cuckoo tools install autoconf@2.69`;

const installEpilog = `Examples:
  cuckoo tools install autoconf@2.69
      download autoconf-2.69.tar.xz from ftp.gnu.org, check it, build it
  cuckoo tools install automake@1.16.5 --gnu-mirror https://mirrors.kernel.org/gnu
      the same from another GNU mirror
  cuckoo tools install autoconf@2.71 --sandbox none
      build without bubblewrap (where user namespaces are disabled)
  cuckoo tools install automake@1.18.1 --git ~/src/automake
      build from a clone of automake's repository, at the commit of its tag

Only versions whose tarball sha256 is pinned in cuckoo are installed (see
cuckoo tools list); a download with other bytes is refused and deleted, so any
mirror will do. With --git, only versions whose tag's commit is pinned are
built, from that commit of the clone (a tag of that name naming another
commit is refused); the repository's bootstrap makes configure, and the
manuals are left out. configure, make and make install run in the sandbox (no
network, read-only system, one scratch folder); the result goes to
<cache>/tools/TOOL-VERSION, where cuckoo verify finds it.

Exit codes: 0 installed (or already there); 2 bad TOOL@VERSION or a version that
is not pinned; 3 download, checksum or build failure (the failed step and its
last lines are shown).`;

export function toolsInstallBuilder(y: Argv) {
  return y
    .positional('spec', { type: 'string', describe: 'TOOL@VERSION: autoconf@2.69, automake@1.16.5', demandOption: true })
    .option('gnu-mirror', { type: 'string', default: defaultGnuMirror, describe: 'GNU mirror to download from (its layout: MIRROR/autoconf/autoconf-2.69.tar.xz)' })
    .option('cache-dir', { type: 'string', describe: "cuckoo's cache folder, where tools/ lives (default: $XDG_CACHE_HOME/cuckoo)" })
    .option('allow-http', { type: 'boolean', default: false, describe: 'allow a plain http:// mirror (the pinned sha256 is checked all the same)' })
    .option('sandbox', { type: 'string', choices: ['bwrap', 'none'], default: 'bwrap', describe: 'run the build in bubblewrap, or unconfined (none)' })
    .option('timeout', { type: 'string', default: 30, describe: 'seconds without progress before the download is abandoned' })
    .option('git', { type: 'string', describe: "build from this clone of the tool's repository, at the pinned commit of the version's tag, instead of GNU's tarball" })
    .epilog(installEpilog);
}

export function toolsListBuilder(y: Argv) {
  return y.option('cache-dir', { type: 'string', describe: "cuckoo's cache folder, where tools/ lives (default: $XDG_CACHE_HOME/cuckoo)" });
}

type InstallArgs = Awaited<ReturnType<ReturnType<typeof toolsInstallBuilder>['parseAsync']>>;
type ListArgs = Awaited<ReturnType<ReturnType<typeof toolsListBuilder>['parseAsync']>>;

export function renderToolsList(result: ToolsListResult): string {
  const lines: string[] = [];
  for (const tool of listedTools) {
    lines.push(tool);
    const copies = result.copies.filter((c) => c.tool === tool);
    const width = Math.max(7, ...copies.map((c) => (c.version ?? '?').length));
    for (const c of copies) lines.push(`  ${(c.version ?? '?').padEnd(width)}  ${c.source.padEnd(9)}  ${visible(c.path)}`);
    if (copies.length === 0) lines.push('  none found');
  }
  const pinned = toolNames.map((t) => `${t} ${result.pinned.filter((p) => p.tool === t).map((p) => p.version).join(', ')}`);
  const fromGit = toolNames.flatMap((t) => {
    const versions = result.fromGit.filter((p) => p.tool === t).map((p) => p.version);
    return versions.length > 0 ? [`${t} ${versions.join(', ')}`] : [];
  });
  lines.push('', `cuckoo tools install can fetch: ${pinned.join('; ')}`);
  if (fromGit.length > 0) lines.push(`and build from a clone (--git CLONE): ${fromGit.join('; ')}`);
  lines.push(`cache: ${visible(result.cacheDir)}`);
  return `${lines.join('\n')}\n`;
}

export function renderInstalled(result: InstalledTool): string {
  if (result.reused) return `${result.tool} ${result.version} is already installed in ${visible(result.dir)}\n`;
  const how = result.sandbox === 'none' ? 'built unconfined (--sandbox none)' : 'built in the bubblewrap sandbox';
  const checked = result.git ? `commit ${result.git.commit} of ${visible(result.git.repo)}, tag ${result.git.tag}` : `sha256 ${result.sha256} checked`;
  return `${result.tool} ${result.version} installed in ${visible(result.dir)} (${checked}, ${how})\n`;
}

/** The end of a failed step's output, marked off from cuckoo's own lines; it comes from the build, so nothing in it reaches the terminal as a control sequence. */
export function renderBuildOutput(err: BuildError): string {
  if (!err.output) return '';
  return `${err.output.split('\n').map((line) => `  | ${visible(line)}`).join('\n')}\n`;
}

export async function runToolsList(args: ListArgs, io: Io): Promise<number> {
  const result = await toolsList({ cacheDir: args['cache-dir'] ?? defaultCacheDir(io.env) });
  io.stdout.write(renderToolsList(result));
  return 0;
}

export async function runToolsInstall(args: InstallArgs, io: Io): Promise<number> {
  const result = await toolsInstall({
    spec: String(args.spec),
    cacheDir: args['cache-dir'] ?? defaultCacheDir(io.env),
    mirror: args['gnu-mirror'],
    sandbox: args.sandbox as 'bwrap' | 'none',
    http: { allowHttp: args['allow-http'], idleTimeoutMs: parseCount('--timeout', args.timeout, 1) * 1000 },
    onStep: (step) => io.stderr.write(`${args.spec}: ${step}\n`),
    ...(args.git !== undefined ? { git: args.git } : {}),
  }).catch((err: unknown) => {
    // The end of the failed step's output says why; the error line follows it.
    if (err instanceof BuildError) io.stderr.write(renderBuildOutput(err));
    throw err;
  });
  io.stdout.write(renderInstalled(result));
  return 0;
}

/** `cuckoo tools <subcommand>`: list, install. */
export function toolsBuilder(y: Argv, io: Io, done: (code: number) => void) {
  return y
    .command(
      'list',
      'show the versions of autoconf, automake, bison and flex cuckoo can run',
      (sub) => toolsListBuilder(sub),
      async (args) => {
        done(await runToolsList(args, io));
      },
    )
    .command(
      'install <spec>',
      'build an exact version from its pinned GNU release into the cache',
      (sub) => toolsInstallBuilder(sub),
      async (args) => {
        done(await runToolsInstall(args, io));
      },
    )
    .demandCommand(1, 'name a subcommand: cuckoo tools list, or cuckoo tools install TOOL@VERSION')
    .epilog(toolsEpilog);
}
