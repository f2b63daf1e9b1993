/**
 * `cuckoo rebuild RELEASE --repo REPO [--out DIR]`: verify with the rebuild
 * always on, a report about the rebuild, and the rebuilt tree copied out
 * when asked.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { verify } from '../commands/verify.js';
import { CuckooError } from '../errors.js';
import { findPolicy } from '../policy/found.js';
import { colors, wantColor } from './colors.js';
import type { Io } from './io.js';
import { parseOutputs } from './outputs.js';
import { parseCount } from './parse.js';
import { renderers, type RenderContext } from './render/index.js';
import { renderRebuildText } from './render/rebuild-text.js';
import { verifyBuilder, verifyOptions } from './verify-command.js';
import { writeReportFile } from './write-file.js';

const rebuildEpilog = `Examples:
  cuckoo rebuild hello-1.0.tar.gz --repo ~/src/hello
      export v1.0 as git archive would, run ./autogen.sh, ./configure and make
      distdir on it in bubblewrap, and say which release files they wrote
  cuckoo rebuild xz-5.4.1.tar.xz --repo ~/src/xz --rebuild-nearest --out /tmp/xz-rebuilt
      with the libtool and gettext installed here standing in for the release's,
      and the rebuilt tree copied to a new folder
  cuckoo rebuild foo-2.0.tar.gz --repo ../foo --policy foo.json --format json=rebuild.json
      the recipe from the policy: {"rebuild": {"steps": ["./make-release.sh"], "tree": "out"}}

The recipe is found in the tag: the policy's rebuild.steps; else autogen.sh,
gnulib's bootstrap (--skip-po, with the gnulib the tag pins), buildconf or
autoreconf -fi; then ./configure and make distdir where Makefile.am exists;
meson dist for meson. The steps run with no network, the system read-only,
SOURCE_DATE_EPOCH from the tag's commit, LC_ALL=C, TZ=UTC and umask 022, in
a scratch folder under cuckoo's cache that is removed afterwards (--keep
keeps it). A step that fails ends the rebuild: the report names it with the
end of its output, and files are compared with the tree as far as it went.

Exit codes:
  0  rebuilt, nothing at or above --fail-on
  1  findings at or above --fail-on (the release is suspicious)
  2  bad usage or unreadable input
  3  the rebuild did not run or a step failed, or a git, tool or network failure`;

export function rebuildCommandBuilder(y: Argv) {
  return verifyBuilder(y)
    .option('out', { type: 'string', describe: 'copy the rebuilt tree to this new (or empty) folder' })
    .hide('rebuild')
    .epilog(rebuildEpilog);
}

type RebuildArgs = Awaited<ReturnType<ReturnType<typeof rebuildCommandBuilder>['parseAsync']>>;

/** --out is checked before the rebuild, which can take minutes. */
function outFolder(out: string | undefined): string | undefined {
  if (out === undefined) return undefined;
  const dir = resolve(out);
  let names: string[] | undefined;
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CuckooError('usage', `--out ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { hint: 'name a new or empty folder' });
  }
  if (names && names.length > 0) throw new CuckooError('usage', `--out ${out}: the folder is not empty`, { hint: 'name a new or empty folder' });
  return dir;
}

export async function runRebuild(args: RebuildArgs, io: Io): Promise<number> {
  const targets = parseOutputs(([] as unknown[]).concat(args.format ?? []).map(String));
  const out = outFolder(args.out);
  const options = { ...verifyOptions(args, io.env, args.policy === undefined ? await findPolicy() : undefined, true), ...(out ? { rebuildOut: out } : {}) };
  const report = await verify(options);
  const rebuilt = report.rebuild?.status === 'rebuilt';
  const exitCode = report.verdict === 'fail' ? 1 : rebuilt && !report.incomplete ? 0 : 3;
  const base: RenderContext = { colors: colors(false), verbose: args.verbose ?? false, quiet: args.quiet ?? false, diffLines: parseCount('--diff-lines', args['diff-lines']), width: 100, exitCode };
  const render = (format: (typeof targets)[number]['format'], ctx: RenderContext) => (format === 'text' ? renderRebuildText(report, ctx) : renderers[format](report, ctx));
  for (const t of targets) if (t.file !== undefined) writeReportFile(t.file, render(t.format, base), t.flag);
  const toStdout = targets.find((t) => t.file === undefined);
  if (toStdout) io.stdout.write(render(toStdout.format, { ...base, colors: colors(wantColor(io.stdout, io.env)), width: Math.max(60, Math.min(120, io.stdout.columns ?? 100)) }));
  return exitCode;
}
