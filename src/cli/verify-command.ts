import type { Argv } from 'yargs';
import { findPolicy } from '../policy/found.js';
import { verify, type VerifyOptions } from '../commands/verify.js';
import { CuckooError } from '../errors.js';
import { defaultCacheDir } from '../cache.js';
import { defaultLimits } from '../limits.js';
import { isSeverity, severities } from '../report/severity.js';
import { colors, wantColor } from './colors.js';
import type { Io } from './io.js';
import { formatNames, parseOutputs } from './outputs.js';
import { parseCount, parseSize, parseSubmoduleSources } from './parse.js';
import { renderers, type RenderContext } from './render/index.js';
import { writeReportFile } from './write-file.js';
import { progressBar, statusLine } from './progress.js';
import { defaultTranslationsUrl } from '../commands/translations.js';
import { tagPathOption } from '../commands/tag-side.js';
import { parseReproduceOptions, reproduceBuilder, reproduceFlags } from './reproduce-options.js';
import { parseRebuildOptions, rebuildBuilder, rebuildFlags } from './rebuild-options.js';

export const exitCodesText = `Exit codes:
  0  nothing at or above --fail-on: PASS, or REVIEW (something at medium or above)
  1  findings at or above --fail-on: FAIL (the release is suspicious)
  2  bad usage or unreadable input (release, repository, tag)
  3  git, tool or network failure (could not check), or part of the release not
     checked (a submodule that could not be fetched) and nothing else fails`;

const verifyEpilog = `Examples:
  cuckoo verify xz-5.6.1.tar.gz --repo ~/src/xz
      the tag is inferred from the release name (v5.6.1, 5.6.1, xz-5.6.1, …)
  cuckoo verify hello-1.0.zip --repo hello.bundle --tag v1.0 --format json
      the cuckoo.report/v1 JSON report (schema/cuckoo.report.v1.json)
  cuckoo verify foo-2.0.tar.xz --repo ../foo --commit 1a2b3c4 --fail-on medium
      against a commit; anything worth a look fails
  cuckoo verify smartmontools-7.3.tar.gz --repo ../smartmontools --tag-path smartmontools
      a release made from a folder of its repository, compared with that folder
  cuckoo verify foo-2.0.tar.gz --repo ../foo --format text --format json=report.json \\
      --format sarif=cuckoo.sarif --format markdown=summary.md --format html=report.html
      several reports from one run: each NAME=FILE to its file, the bare NAME to stdout
  cuckoo verify https://example.org/xz-5.6.1.tar.gz --repo https://github.com/tukaani-project/xz
      download the release (cached) and fetch just the tag's commit and trees
  cuckoo verify xz-5.6.0.tar.gz --repo ~/src/xz --previous xz-5.4.6.tar.gz
      also what changed since the previous release outside git: new release-only files,
      changed ones, generator versions, binary files changed in git between the tags
      (the previous tag, v5.4.6 here, is inferred like the main one; or --previous-tag)
  cuckoo verify https://example.org/foo-1.0.tar.xz --repo https://example.org/foo.git
      --signature auto --keyring debian/upstream/signing-key.asc --checksums SHA256SUMS
      the file must have the listed sha256 and a good signature by a key of the keyring
  cuckoo verify foo-2.1.tar.gz --repo ../foo --policy foo.policy.json --baseline foo-2.0.json
      findings the policy allows (each rule with its reason) or the accepted report of
      2.0 already had (same path, category and content) stay listed but do not fail;
      a policy file: {"allow": [{"paths": ["doc/*.1"], "category": "unexplained",
      "reason": "man pages built by our release script"}]}; a critical finding is
      allowed only by a rule naming its "sha256". Without --policy, cuckoo.json in the
      current folder is the policy (--no-policy: none); never one the release or the
      tag carries, nor one inside the repository: whoever changed them could have written it

Reports (--format, repeatable; at most one without a file, which goes to stdout):
  text      for the terminal: colour on a terminal only (NO_COLOR, FORCE_COLOR)
  json      the cuckoo.report/v1 object (schema/cuckoo.report.v1.json)
  sarif     SARIF 2.1.0 for code scanning; explained findings only with --verbose
  markdown  for CI job summaries and merge-request comments (under 60,000 characters)
  html      one self-contained page: summary chart, filters, diffs, release-only tree

Nothing is extracted or checked out: the release is read in one pass and the
tag from git's object store. Nothing from either runs outside the sandbox:
generated files (configure, aclocal.m4, config.h.in, Makefile.in, bison and
flex output) are re-made by the generator and version their header names
(autoconf 2.71, automake 1.16.5: on PATH, under versioned names such as
autoconf2.69, or installed with cuckoo tools install) from the release's own
inputs, inside bubblewrap with no network and a read-only system, and
compared byte for byte. A file its generator does not write is reported with
the lines it added; one that could not be tried says why and is judged by
its shape.

With --rebuild, the release is also made again from the tag: the tag as git
archive writes it, the project's own steps run on it in the sandbox
(autogen.sh, gnulib's bootstrap, buildconf or autoreconf -fi; then
./configure and make distdir; meson dist for meson; or the policy file's
{"rebuild": {"steps": [...], "tree": "DIR"}}), with SOURCE_DATE_EPOCH from the
tag's commit, LC_ALL=C and umask 022. A release file the rebuild writes byte
for byte is explained by that alone; one no step writes is weighed as code
nobody can account for (critical where the build runs). The tool versions
must be those the release names (--rebuild-nearest allows others, and marks
every file they write). See also cuckoo rebuild.

${exitCodesText}`;

export function verifyBuilder(y: Argv) {
  return rebuildBuilder(reproduceBuilder(y))
    .positional('release', { type: 'string', describe: 'the release (tar, tar.gz, tar.xz, tar.bz2, tar.zst or zip): a path or an https:// URL', demandOption: true })
    .option('repo', { type: 'string', describe: 'the upstream repository: a clone, a bundle, or a URL (https, ssh, git, file)', demandOption: true })
    .option('tag', { type: 'string', describe: 'the tag the release claims to come from (default: inferred from its name)' })
    .option('commit', { type: 'string', describe: 'compare against this commit instead of a tag' })
    .option('tag-path', { type: 'string', describe: "compare with this folder of the tag, for a release made from part of the repository (smartmontools' smartmontools/)" })
    .option('strip', { type: 'string', describe: 'leading folders to strip (default: the one top-level folder)' })
    .option('submodules', {
      type: 'boolean',
      default: true,
      describe: 'compare submodule content with the pinned commits, fetched like the tag (--no-submodules: leave submodules out)',
    })
    .option('submodule', { type: 'string', array: true, default: [] as string[], describe: 'where to find a submodule: NAME=PATH or NAME=URL (repeatable)' })
    // Not `array: true`: that would swallow a release path written after `--format json`.
    // Repeated flags still arrive as an array (yargs' duplicate-arguments-array).
    .option('format', {
      type: 'string',
      defaultDescription: 'text',
      describe: `NAME or NAME=FILE, repeatable: ${formatNames.join(', ')}`,
    })
    .option('previous', { type: 'string', describe: 'the previous release (path or URL): report what changed since it outside git' })
    .option('previous-tag', { type: 'string', describe: 'the tag of the previous release (default: inferred from its name)' })
    .option('fail-on', { type: 'string', default: 'high', describe: `lowest severity that fails: ${severities.join(', ')}` })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'list explained (low, info) findings too, with their diffs in the json, markdown and html reports' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'print the verdict line only' })
    .option('diff-lines', { type: 'string', default: 40, describe: 'most diff lines shown per finding in the text report' })
    .option('host-knowledge', {
      type: 'boolean',
      default: true,
      describe: 'use the build tools installed here for diffs against genuine files (--no-host-knowledge: reports independent of this machine)',
    })
    .option('sha256', { type: 'string', describe: 'sha256 the release must have (else a critical finding)' })
    .option('checksums', { type: 'string', describe: 'a SHA256SUMS-style file or URL that lists the release' })
    .option('signature', { type: 'string', describe: 'its OpenPGP signature: FILE, URL or auto (.asc, .sig, .sign)' })
    .option('keyring', { type: 'string', describe: 'trusted signers: armoured keys, e.g. debian/upstream/signing-key.asc' })
    .option('allow-http', { type: 'boolean', default: false, describe: 'allow plain http:// downloads (unauthenticated)' })
    .option('max-download', { type: 'string', default: '4G', describe: 'most bytes a download may have' })
    .option('timeout', { type: 'string', default: 30, describe: 'seconds without progress before a download is abandoned' })
    .option('retries', { type: 'string', default: 3, describe: 'retries after a transient failure (never after 404)' })
    .option('fetch-translations', {
      type: 'boolean',
      default: false,
      describe: "compare .po catalogs the bootstrap downloads with the Translation Project's published ones (else judged by their shape)",
    })
    .option('translations-url', { type: 'string', describe: `where --fetch-translations finds the Translation Project (default ${defaultTranslationsUrl})` })
    .option('cache-dir', { type: 'string', describe: 'cuckoo\'s cache folder (default: $XDG_CACHE_HOME/cuckoo)' })
    .option('max-entries', { type: 'string', default: defaultLimits.maxEntries, describe: "most entries a release (or the tag's tree) may hold" })
    .option('max-total-size', { type: 'string', default: '16G', describe: 'most bytes a release may unpack to' })
    .option('max-file-memory', { type: 'string', default: '8M', describe: 'most bytes of one file held in memory for diffs' })
    .option('policy', {
      type: 'string',
      describe: 'a JSON policy file whose rules allow findings you accepted, each with a reason (default: cuckoo.json in the current folder, if any; --no-policy: none)',
    })
    .option('baseline', { type: 'string', describe: 'an accepted earlier JSON report: findings it already has do not count' })
    .option('sha1-check', {
      type: 'boolean',
      default: true,
      describe: 'in a SHA-1 repository, confirm each file identical by SHA-1 with sha256 of both sides (--no-sha1-check: SHA-1 alone, faster, blind to collision attacks)',
    })
    .option('js-decoders', { type: 'boolean', default: false, hidden: true })
    .conflicts('tag', 'commit')
    .conflicts('verbose', 'quiet')
    .group(['repo', 'tag', 'commit', 'tag-path', 'submodules', 'submodule'], 'The tag side:')
    .group(['previous', 'previous-tag'], 'Drift since the previous release:')
    .group(['strip', 'max-entries', 'max-total-size', 'max-file-memory', 'sha1-check'], 'The release:')
    .group(['sha256', 'checksums', 'signature', 'keyring', 'allow-http', 'max-download', 'timeout', 'retries', 'fetch-translations', 'translations-url', 'cache-dir'], 'Downloads, checksums and signatures:')
    .group(['format', 'fail-on', 'verbose', 'quiet', 'diff-lines'], 'The report:')
    .group(['policy', 'baseline'], 'Accepted findings:')
    .group([...reproduceFlags], 'Generated files, re-made in a sandbox:')
    .group([...rebuildFlags], 'The release, rebuilt from the tag in a sandbox:')
    .epilog(verifyEpilog);
}

type VerifyArgs = Awaited<ReturnType<ReturnType<typeof verifyBuilder>['parseAsync']>>;

/** --policy FILE, else the cuckoo.json found in the current folder; --no-policy (false) for none. */
function policyOption(given: string | boolean | undefined, found: string | undefined): { policy?: string; policyFound?: true } {
  if (given === false) return {};
  if (typeof given === 'string') return { policy: given };
  return found !== undefined ? { policy: found, policyFound: true } : {};
}

/** --submodule NAME=… names where to fetch one: it means nothing with --no-submodules. */
function submodulesOption(submodules: boolean, sources: readonly string[]): boolean {
  if (!submodules && sources.length > 0) throw new CuckooError('usage', '--submodule: given with --no-submodules', { hint: 'leave one of them out' });
  return submodules;
}

/** --translations-url means nothing without --fetch-translations. */
function translationsOption(fetch: boolean, url: string | undefined): { translationsUrl?: string } {
  if (url !== undefined && !fetch) throw new CuckooError('usage', '--translations-url: only used with --fetch-translations', { hint: 'add --fetch-translations, or leave --translations-url out' });
  return fetch ? { translationsUrl: url ?? defaultTranslationsUrl } : {};
}

/** `found`: the cuckoo.json of the current folder, if any (see findPolicy). */
export function verifyOptions(args: VerifyArgs, env: NodeJS.ProcessEnv, found?: string, alwaysRebuild = false): VerifyOptions {
  const failOn = String(args['fail-on']);
  if (!isSeverity(failOn)) throw new CuckooError('usage', `--fail-on: unknown severity ${JSON.stringify(failOn)}`, { hint: `use one of ${severities.join(', ')}` });
  if (args['previous-tag'] !== undefined && args.previous === undefined) {
    throw new CuckooError('usage', '--previous-tag: no --previous release to go with it', { hint: 'pass --previous PATH|URL too' });
  }
  return {
    release: String(args.release),
    repo: args.repo,
    ...(args.tag !== undefined ? { tag: args.tag } : {}),
    ...(args.commit !== undefined ? { commit: args.commit } : {}),
    ...tagPathOption(args['tag-path'], alwaysRebuild || args.rebuild === true),
    ...(args.strip !== undefined ? { strip: parseCount('--strip', args.strip) } : {}),
    ...(args.previous !== undefined ? { previous: args.previous } : {}),
    ...(args['previous-tag'] !== undefined ? { previousTag: args['previous-tag'] } : {}),
    submodules: submodulesOption(args.submodules, args.submodule),
    submoduleSources: parseSubmoduleSources(args.submodule),
    cacheDir: args['cache-dir'] ?? defaultCacheDir(env),
    failOn,
    limits: {
      maxEntries: parseCount('--max-entries', args['max-entries']),
      maxTotalBytes: parseSize('--max-total-size', args['max-total-size']),
      maxFileMemory: parseSize('--max-file-memory', args['max-file-memory']),
    },
    diffLines: Math.max(parseCount('--diff-lines', args['diff-lines']), 200),
    allDiffs: args.verbose === true,
    preferJs: args['js-decoders'],
    sha1Check: args['sha1-check'],
    hostKnowledge: args['host-knowledge'],
    ...parseReproduceOptions(args),
    ...parseRebuildOptions(args, alwaysRebuild),
    ...(args.sha256 !== undefined ? { sha256: args.sha256 } : {}),
    ...(args.checksums !== undefined ? { checksums: args.checksums } : {}),
    ...(args.signature !== undefined ? { signature: args.signature } : {}),
    ...(args.keyring !== undefined ? { keyring: args.keyring } : {}),
    ...policyOption(args.policy, found),
    ...(args.baseline !== undefined ? { baseline: args.baseline } : {}),
    ...translationsOption(args['fetch-translations'], args['translations-url']),
    http: {
      allowHttp: args['allow-http'],
      maxBytes: parseSize('--max-download', args['max-download']),
      idleTimeoutMs: parseCount('--timeout', args.timeout, 1) * 1000,
      retries: parseCount('--retries', args.retries),
    },
  };
}

/** Run verify, write every requested report, print at most one; returns the exit code. */
export async function runVerify(args: VerifyArgs, io: Io): Promise<number> {
  // Formats and folders are checked before the comparison, which can take minutes.
  const targets = parseOutputs(([] as unknown[]).concat(args.format ?? []).map(String));
  const options = verifyOptions(args, io.env, args.policy === undefined ? await findPolicy() : undefined);
  const bar = io.stderr.isTTY && !args.quiet ? progressBar(io.stderr) : undefined;
  const status = io.stderr.isTTY && !args.quiet ? statusLine(io.stderr) : undefined;
  const report = await verify({
    ...options,
    ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
    ...(status ? { onStatus: (s) => status.set(s) } : {}),
  }).finally(() => {
    bar?.done();
    status?.done();
  });
  const exitCode = report.verdict === 'fail' ? 1 : report.incomplete ? 3 : 0;
  const base: RenderContext = {
    colors: colors(false),
    verbose: args.verbose ?? false,
    quiet: args.quiet ?? false,
    diffLines: parseCount('--diff-lines', args['diff-lines']),
    width: 100,
    exitCode,
  };
  // Files first: if one cannot be written, the run fails (exit 2) before stdout claims success.
  for (const t of targets) {
    if (t.file !== undefined) writeReportFile(t.file, renderers[t.format](report, base), t.flag);
  }
  const toStdout = targets.find((t) => t.file === undefined);
  if (toStdout) {
    // Only the terminal gets colour and its own width; files stay plain.
    const ctx = { ...base, colors: colors(wantColor(io.stdout, io.env)), width: Math.max(60, Math.min(120, io.stdout.columns ?? 100)) };
    io.stdout.write(renderers[toStdout.format](report, ctx));
  }
  return exitCode;
}
