import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { batch } from '../commands/batch.js';
import { mergeSummaries } from '../commands/batch-merge.js';
import { readManifest, type Manifest } from '../commands/batch-manifest.js';
import { parseShard } from '../commands/shard.js';
import { defaultCacheDir } from '../cache.js';
import { parseReproduceOptions, reproduceBuilder } from './reproduce-options.js';
import { parseRebuildOptions, rebuildBuilder } from './rebuild-options.js';
import { CuckooError } from '../errors.js';
import type { BatchSummary } from '../report/batch-summary.js';
import { isSeverity, severities } from '../report/severity.js';
import { colors, wantColor } from './colors.js';
import type { Io } from './io.js';
import { parseCount, parseSize } from './parse.js';
import { renderBatchJson, renderBatchMarkdown, renderBatchTable } from './render/batch-summary.js';
import { renderJson } from './render/json.js';
import { renderSarif } from './render/sarif.js';
import { hasRecipes, recipeManifest } from './recipes.js';
import { visible } from './render/visible.js';
import { writeReportFile } from './write-file.js';

export const batchExitCodesText = `Exit codes:
  0  every entry passed (nothing at or above --fail-on)
  1  some entry is suspicious (findings at or above --fail-on), all were checked
  2  bad usage or a bad manifest (nothing was checked)
  3  some entry could not be checked (network, git, tool or input error of that
     entry, or a shard missing from a merge); wins over 1, because those
     releases were not checked at all (summary.json still lists the suspicious)`;

const batchEpilog = `Examples:
  cuckoo batch releases.yaml --out reports --jobs 4
      check every entry; reports/<name>.json and .sarif, reports/summary.json and summary.md
  cuckoo batch releases.yaml --out reports --shard 2/8
      the entries of shard 2 of 8 (by a hash of the name: stable as the manifest grows)
  cuckoo batch merge shard-*/summary.json --out reports
      one summary from the shards' summaries (same manifest only)
  cuckoo batch --from-debian ~/debian/xz-utils-5.4.1 ~/debian/curl-7.88.1 --write-manifest releases.yaml
      entries from unpacked Debian source packages: the .orig tarball beside each is the
      release (with its .asc), debian/upstream/metadata names the repository, the tag is
      the upstream version among its tags; --repo-map FILE for packages that name none
  cuckoo batch --from-rpm-spec foo.spec --from-srcinfo bar/.SRCINFO --out reports
      entries from RPM spec files (Source0, URL, %{forgeurl}) and Arch .SRCINFO files

A manifest (YAML or JSON) is a list of entries, or {entries: [...]}:
  - name: xz-5.6.1                     # optional; letters, digits, . _ -
    release: https://example.org/xz-5.6.1.tar.gz   # path or URL
    repo: https://github.com/tukaani-project/xz     # clone, bundle or URL
    tag: v5.6.1                        # or commit: <id>; default: inferred
    tagPath: smartmontools             # optional, as verify --tag-path
    sha256: <hex>                      # or checksums: SHA256SUMS (optional)
    signature: auto                    # optional, with keyring: signing-key.asc
    policy: xz.policy.json             # optional, as verify --policy
    policyFound: from-debian           # written by --from-debian for debian/cuckoo.json:
                                       # refused when the release or tag has the same bytes
    baseline: xz-5.6.0.json            # optional, as verify --baseline
    upstream: https://example.org/xz-5.6.1.tar.gz  # a record of where upstream published
                                       # it (--from-debian writes it); never downloaded
Relative paths are read from the manifest's folder. Entries share one cache
folder; its entries are locked, so entries that share a repository or a URL
may run at the same time.

${batchExitCodesText}`;

export function batchRunBuilder(y: Argv) {
  return rebuildBuilder(reproduceBuilder(y))
    .positional('manifest', { type: 'string', describe: 'the manifest: YAML or JSON list of entries' })
    .option('out', { type: 'string', describe: 'folder for the reports and the summary (created if missing)' })
    .option('jobs', { alias: 'j', type: 'string', default: 2, describe: 'entries checked at the same time' })
    .option('shard', { type: 'string', describe: 'I/N: check only shard I of N' })
    .option('fail-on', { type: 'string', default: 'high', describe: `lowest severity that fails an entry: ${severities.join(', ')}` })
    .option('from-debian', { type: 'string', array: true, describe: 'build entries from unpacked Debian source packages (folders holding debian/, the .orig tarball beside them)' })
    .option('from-rpm-spec', { type: 'string', array: true, describe: 'build entries from RPM spec files (Source0, URL, %{forgeurl})' })
    .option('from-srcinfo', { type: 'string', array: true, describe: 'build entries from Arch .SRCINFO files (source, validpgpkeys, sha256sums)' })
    .option('repo-map', { type: 'string', describe: 'with --from-*: a YAML file of package: repository (or {repo, tag}) for recipes that name none' })
    .option('write-manifest', { type: 'string', describe: 'with --from-*: write the manifest to FILE instead of checking' })
    .option('uscan', { type: 'boolean', default: true, describe: 'with --from-debian: ask uscan (devscripts), when installed, for upstream\'s URL, kept as a record' })
    .option('rpmspec', { type: 'boolean', default: true, describe: 'with --from-rpm-spec: expand specs with rpmspec -P, when installed (it runs the spec\'s %(…) and %{lua:…})' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress lines, the summary\'s last line only' })
    .option('cache-dir', { type: 'string', describe: 'cuckoo\'s cache folder, shared by all entries (default: $XDG_CACHE_HOME/cuckoo)' })
    .option('allow-http', { type: 'boolean', default: false, describe: 'allow plain http:// downloads (unauthenticated)' })
    .option('max-download', { type: 'string', default: '4G', describe: 'most bytes a download may have' })
    .option('timeout', { type: 'string', default: 30, describe: 'seconds without progress before a download is abandoned' })
    .option('retries', { type: 'string', default: 3, describe: 'retries after a transient failure (never after 404)' })
    .option('host-knowledge', { type: 'boolean', default: true, describe: 'use the build tools installed here for diffs against genuine files' })
    .epilog(batchEpilog);
}

type BatchArgs = Awaited<ReturnType<ReturnType<typeof batchRunBuilder>['parseAsync']>>;

/** The output folder, made before any work so a bad --out fails at once (exit 2). */
function outDir(out: string | undefined, cwd: string): string {
  if (out === undefined) throw new CuckooError('usage', 'batch: --out DIR is required', { hint: 'the reports and summary.json go there' });
  const dir = resolve(cwd, out);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new CuckooError('usage', `--out: cannot create ${out} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { hint: 'check the path and its permissions' });
  }
  return dir;
}

/** summary.json and summary.md into the folder, the table to stdout; returns the exit code. */
function writeSummary(summary: BatchSummary, dir: string, io: Io, quiet: boolean): number {
  writeReportFile(join(dir, 'summary.json'), renderBatchJson(summary), '--out');
  writeReportFile(join(dir, 'summary.md'), renderBatchMarkdown(summary), '--out');
  const table = renderBatchTable(summary, colors(wantColor(io.stdout, io.env)));
  io.stdout.write(quiet ? `${table.trimEnd().split('\n').pop()}\n` : table);
  return summary.exitCode;
}

async function manifestOf(args: BatchArgs, io: Io): Promise<Manifest | undefined> {
  const recipes = hasRecipes(args);
  if (args.manifest !== undefined && recipes) throw new CuckooError('usage', 'batch: give a manifest or --from-debian, --from-rpm-spec, --from-srcinfo, not both', { hint: 'see cuckoo batch --help' });
  if (args.manifest === undefined && !recipes) throw new CuckooError('usage', 'batch: no manifest given', { hint: 'cuckoo batch MANIFEST --out DIR, or --from-debian DIR…' });
  for (const flag of ['write-manifest', 'repo-map'] as const) {
    if (args[flag] !== undefined && !recipes) throw new CuckooError('usage', `--${flag} needs --from-debian, --from-rpm-spec or --from-srcinfo`, { hint: 'see cuckoo batch --help' });
  }
  if (args.manifest !== undefined) return readManifest(args.manifest);
  return recipeManifest(args, io, args['cache-dir'] ?? defaultCacheDir(io.env));
}

export async function runBatch(args: BatchArgs, io: Io): Promise<number> {
  const failOn = String(args['fail-on']);
  if (!isSeverity(failOn)) throw new CuckooError('usage', `--fail-on: unknown severity ${JSON.stringify(failOn)}`, { hint: `use one of ${severities.join(', ')}` });
  const jobs = parseCount('--jobs', args.jobs, 1);
  const shard = args.shard !== undefined ? parseShard(args.shard) : undefined;
  const manifest = await manifestOf(args, io);
  if (!manifest) return 0;
  const dir = outDir(args.out, process.cwd());
  const { summary } = await batch({
    manifest,
    jobs,
    cacheDir: args['cache-dir'] ?? defaultCacheDir(io.env),
    failOn,
    ...(shard ? { shard } : {}),
    common: {
      hostKnowledge: args['host-knowledge'],
      ...parseReproduceOptions(args),
      ...parseRebuildOptions(args),
      http: {
        allowHttp: args['allow-http'],
        maxBytes: parseSize('--max-download', args['max-download']),
        idleTimeoutMs: parseCount('--timeout', args.timeout, 1) * 1000,
        retries: parseCount('--retries', args.retries),
      },
    },
    onReport: (entry, report) => {
      const files = { json: `${entry.name}.json`, sarif: `${entry.name}.sarif` };
      writeReportFile(join(dir, files.json), renderJson(report), '--out');
      // One code-scanning category per entry, so one upload of the whole folder is accepted.
      const sarif = renderSarif(report, { exitCode: report.verdict === 'fail' ? 1 : 0, verbose: false, automationId: `cuckoo/${entry.name}/` });
      writeReportFile(join(dir, files.sarif), sarif, '--out');
      return files;
    },
    onDone: (row, done, total) => {
      if (!args.quiet) io.stderr.write(`[${done}/${total}] ${visible(row.name)}: ${row.status}${row.error ? ` (${visible(row.error.message)})` : ''}\n`);
    },
  });
  return writeSummary(summary, dir, io, args.quiet);
}

export function batchMergeBuilder(y: Argv) {
  return y
    .positional('summary', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'summary.json files of one manifest\'s shards' })
    .option('out', { type: 'string', describe: 'folder for the merged summary.json and summary.md', demandOption: true })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'the summary\'s last line only' })
    .epilog(`Summaries of another manifest (its sha256), of another shard count or
covering a shard twice are refused. Missing shards are listed and count as
entries not checked.

${batchExitCodesText}`);
}

type MergeArgs = Awaited<ReturnType<ReturnType<typeof batchMergeBuilder>['parseAsync']>>;

export async function runBatchMerge(args: MergeArgs, io: Io): Promise<number> {
  const summary = await mergeSummaries((args.summary ?? []).map(String));
  return writeSummary(summary, outDir(args.out, process.cwd()), io, args.quiet);
}

/** `cuckoo batch MANIFEST` and `cuckoo batch merge SUMMARY…`. */
export function batchBuilder(y: Argv, io: Io, done: (code: number) => void) {
  return y
    .command('merge <summary..>', 'merge the summaries of a manifest\'s shards', (sub) => batchMergeBuilder(sub), async (args) => {
      done(await runBatchMerge(args, io));
    })
    .command('$0 [manifest]', 'check every entry of a manifest', (sub) => batchRunBuilder(sub), async (args) => {
      done(await runBatch(args, io));
    });
}
