/**
 * --rebuild in a verify run: the tag exported from the repository (and its
 * compared submodules at their pinned commits), the project's release steps
 * run on it in the sandbox, and each release file that differs from the tag
 * looked up in what they wrote.
 */
import { cp, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Change } from '../compare/change.js';
import { boundedDiff } from '../analyze/evidence.js';
import { CuckooError } from '../errors.js';
import { prefetchBlobs } from '../git/remote.js';
import { git } from '../git/run.js';
import type { ReleaseEntry } from '../release/entry.js';
import { gitBlobId } from '../release/hash.js';
import type { RebuiltEvidence } from '../report/finding.js';
import { defaultSandboxLimits, findSandbox, type SandboxKind } from '../reproduce/sandbox.js';
import { rebuildRelease, type Rebuild } from '../reproduce/rebuild/rebuild.js';
import { namedVersions, toolWrites, type RebuildTool } from '../reproduce/rebuild/toolchain.js';
import { findRecipe } from '../reproduce/rebuild/recipe.js';
import type { OpenTagSide } from './tag-side.js';

export interface RebuildOptions {
  /** --rebuild: run the project's release steps on the tag and compare with what they write. */
  rebuild?: boolean;
  /** Seconds for the whole rebuild (--rebuild-timeout). */
  rebuildTimeout?: number;
  /** Run with the nearest tool version here when the one the release names is not (--rebuild-nearest). */
  rebuildNearest?: boolean;
  /** Keep the rebuild's scratch folder (--keep). */
  keep?: boolean;
  /** Copy the rebuilt tree to this new folder (cuckoo rebuild --out). */
  rebuildOut?: string;
}

export const defaultRebuildTimeout = 1800;

/** Lines of a rebuilt → release diff kept. */
const diffBounds = { maxLines: 200, maxEdits: 20_000 };

/** Writes the tag (without its submodules) to `tar` as git archive makes it, its blobs fetched first from a partial clone. */
export async function archiveTag(tag: OpenTagSide, tar: string): Promise<void> {
  const inSubmodule = (path: string) => [...tag.submoduleRepos.keys()].some((p) => path.startsWith(`${p}/`));
  await prefetchBlobs(tag.repo, tag.side.entries.flatMap((e) => (e.type === 'submodule' || inSubmodule(e.path) ? [] : [e.oid])));
  await git(tag.repo, ['archive', '--format=tar', '-o', tar, tag.treeish]);
}

/**
 * Writes the tag (without its submodules) to `tar` as a checkout has it, for
 * the bootstrap's steps: a maintainer runs them, then `make dist`, in a
 * checkout, where `export-ignore` leaves nothing out and `export-subst`
 * expands nothing (strace marks every path `export-ignore`: git archive
 * of its tag holds one README). git archive does the writing, from a git
 * folder of its own under `work` that borrows the repository's objects
 * (`objects/info/alternates`) and switches both attributes off in its
 * `info/attributes`, which outrank the tag's `.gitattributes`. Nothing is
 * written into the repository.
 */
export async function checkoutTag(tag: OpenTagSide, tar: string, work: string): Promise<void> {
  const inSubmodule = (path: string) => [...tag.submoduleRepos.keys()].some((p) => path.startsWith(`${p}/`));
  await prefetchBlobs(tag.repo, tag.side.entries.flatMap((e) => (e.type === 'submodule' || inSubmodule(e.path) ? [] : [e.oid])));
  // Relative to git's working folder when the git folder was given relative; the common one's for a linked worktree.
  const objects = resolve(tag.repo.gitDir, (await git(tag.repo, ['rev-parse', '--git-path', 'objects'], { cwd: tag.repo.gitDir })).stdout.toString('utf8').trim());
  const dir = await mkdtemp(join(work, 'export-'));
  try {
    await git(undefined, ['init', '--quiet', '--bare', '--template=', `--object-format=${tag.repo.objectFormat}`, dir]);
    await mkdir(join(dir, 'objects', 'info'), { recursive: true });
    await mkdir(join(dir, 'info'), { recursive: true });
    await writeFile(join(dir, 'objects', 'info', 'alternates'), `${objects}\n`);
    await writeFile(join(dir, 'info', 'attributes'), '* -export-ignore -export-subst\n');
    await git({ gitDir: dir }, ['archive', '--format=tar', '-o', tar, tag.treeish]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes the tag (as git archive writes it, or as a checkout has it), and each compared submodule at its pinned commit, as tar files git archive makes. */
function exporter(tag: OpenTagSide, asCheckout: boolean): (dir: string) => Promise<Array<{ tar: string; prefix: string }>> {
  return async (dir) => {
    const archives = [{ tar: join(dir, 'tag.tar'), prefix: '' }];
    if (asCheckout) await checkoutTag(tag, archives[0]!.tar, dir);
    else await archiveTag(tag, archives[0]!.tar);
    let i = 0;
    for (const sub of tag.compared) {
      const repo = tag.submoduleRepos.get(sub.path);
      if (!repo) continue;
      const tar = join(dir, `submodule-${++i}.tar`);
      await git(repo, ['archive', '--format=tar', '-o', tar, sub.commit]);
      archives.push({ tar, prefix: sub.path });
    }
    return archives;
  };
}

/** Starts the rebuild; it runs in the sandbox while the analysis runs here. */
export async function startRebuild(
  options: RebuildOptions & { cacheDir: string; sandbox?: SandboxKind; bwrap?: string; reproduceMemory?: number; releaseVersion?: string; policyRecipe?: { steps: string[]; tree?: string } },
  tag: OpenTagSide,
  changes: readonly Change[],
  releaseContent: (e: ReleaseEntry) => Promise<Buffer | undefined>,
  tagDate: number,
): Promise<Rebuild> {
  const byPath = new Map(changes.flatMap((c) => (c.release ? [[c.path, c.release] as const] : [])));
  const read = async (path: string) => {
    const r = byPath.get(path);
    if (r) return r.type === 'file' ? releaseContent(r) : undefined;
    const t = tag.byPath.get(path);
    return t?.type === 'file' ? tag.content(t) : undefined;
  };
  const paths = new Set([...byPath.keys(), ...tag.byPath.keys()]);
  const handMade = tag.byPath.get('Makefile.in');
  const distprep = !tag.byPath.has('Makefile.am') && handMade?.type === 'file' ? /^distprep\s*:/m.test((await tag.content(handMade)).toString('latin1')) : false;
  const limits = { timeoutSeconds: defaultSandboxLimits.timeoutSeconds, memoryBytes: options.reproduceMemory ?? defaultSandboxLimits.memoryBytes };
  const executable = (p: string) => ((tag.byPath.get(p)?.mode ?? 0) & 0o111) !== 0;
  const archived = { has: (p: string) => tag.byPath.has(p) && !tag.side.attributes.get(p)?.exportIgnore, executable, distprep };
  // A tag whose .gitattributes leaves its build files out of git archive (strace: `/* export-ignore`) is released from a checkout.
  const checkout = { has: (p: string) => tag.byPath.has(p), executable, distprep };
  const hidden = !options.policyRecipe && !findRecipe(archived) && findRecipe(checkout) !== undefined;
  const exported = tag.side.entries.filter((e) => !tag.side.attributes.get(e.path)?.exportIgnore).length;
  return rebuildRelease({
      cacheDir: options.cacheDir,
      sandbox: () => findSandbox(options.sandbox ?? 'bwrap', limits, options.bwrap),
      timeoutSeconds: options.rebuildTimeout ?? defaultRebuildTimeout,
      nearest: options.rebuildNearest === true,
      keep: options.keep === true,
      ...(options.policyRecipe ? { policy: options.policyRecipe } : {}),
      exportTag: exporter(tag, hidden),
      ...(hidden
        ? { asCheckout: `the tag's .gitattributes marks its build files export-ignore (git archive of it holds ${exported} of its ${tag.side.entries.length} entries): it is exported as a checkout has it, export-ignore and export-subst off` }
        : {}),
      tagFiles: hidden ? checkout : archived,
      named: await namedVersions(paths, read),
      sourceDateEpoch: tagDate,
      ...(options.releaseVersion ? { releaseVersion: options.releaseVersion } : {}),
    });
}

/** What the rebuild wrote at each path of the release that differs from the tag; the summary's counts are filled in. */
export async function rebuiltEvidence(
  rebuild: Rebuild,
  changes: readonly Change[],
  releaseContent: (e: ReleaseEntry) => Promise<Buffer | undefined>,
  objectFormat: 'sha1' | 'sha256',
): Promise<Map<string, RebuiltEvidence>> {
  const out = new Map<string, RebuiltEvidence>();
  const s = rebuild.summary;
  if (s.status === 'not-run') return out;
  const stand = s.tools.filter((t) => t.nearest);
  for (const c of changes) {
    const r = c.release;
    if (!r || (r.type !== 'file' && r.type !== 'symlink') || c.kind === 'only-in-tag' || c.kind === 'unsafe-entry' || c.kind === 'duplicate-entry') continue;
    const nearest = stand.filter((t) => toolWrites(t.tool as RebuildTool, c.path)).map((t) => `${t.tool} ${t.version} for ${t.named}`);
    const extra: Partial<RebuiltEvidence> = {
      ...(nearest.length ? { nearest } : {}),
      ...(rebuild.complete ? {} : { incomplete: s.failedStep ?? 'export' }),
    };
    const got = await rebuild.file(c.path);
    let evidence: RebuiltEvidence;
    if (!got) evidence = { outcome: 'absent', ...extra };
    else if (r.type === 'symlink') {
      evidence = got.type === 'symlink' && got.target === r.linkTarget ? { outcome: 'identical', ...extra } : { outcome: 'different', diffNote: got.type === 'symlink' ? `the rebuild's link points to ${got.target}` : `the rebuild wrote a ${got.type}, not a link`, ...extra };
    } else if (got.type !== 'file') {
      evidence = { outcome: 'different', diffNote: `the rebuild wrote a ${got.type === 'symlink' ? `link to ${got.target}` : 'special file'} here`, ...extra };
    } else {
      const sameBytes = gitBlobId(got.bytes, objectFormat) === r.blobId;
      if (sameBytes && got.executable === ((r.mode & 0o111) !== 0)) evidence = { outcome: 'identical', ...extra };
      else if (sameBytes) evidence = { outcome: 'different', diffNote: `same bytes; the rebuild's copy is ${got.executable ? '' : 'not '}executable`, ...extra };
      else {
        const bytes = await releaseContent(r);
        const diff = bytes ? boundedDiff(got.bytes, bytes, `rebuilt/${c.path}`, `b/${c.path}`, diffBounds) : { diffNote: 'release content not kept; compared by hash only' };
        evidence = { outcome: 'different', ...diff, ...extra };
      }
    }
    out.set(c.path, evidence);
    s.counts[evidence.outcome]++;
    if (c.kind === 'only-in-release') {
      s.releaseOnly.files++;
      if (evidence.outcome === 'identical') s.releaseOnly.identical++;
    }
  }
  return out;
}

/** cuckoo rebuild --out: the rebuilt tree copied to a new folder, links as links, special files left out. */
export async function copyRebuiltTree(tree: string, out: string): Promise<void> {
  const existing = await readdir(out).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  if (existing && existing.length > 0) throw new CuckooError('usage', `--out ${out}: the folder is not empty`, { hint: 'name a new or empty folder' });
  try {
    await mkdir(out, { recursive: true });
    await cp(tree, out, { recursive: true, verbatimSymlinks: true, filter: async (src) => {
      const s = await lstat(src);
      return s.isFile() || s.isDirectory() || s.isSymbolicLink();
    } });
  } catch (err) {
    throw new CuckooError('input', `--out ${out}: cannot copy the rebuilt tree: ${err instanceof Error ? err.message : String(err)}`, { hint: 'check that the folder is writable and has space' });
  }
}
