/**
 * The bootstrap prover of one verify run: the tag exported as a checkout
 * has it (see checkoutTag), the gnulib the tag pins (its submodule, or --submodule
 * gnulib=PATH), and the sandbox of reproduction. Nothing is exported or run
 * until a rule asks about a file the bootstrap claims to have written.
 */
import { dirname } from 'node:path';
import type { Change } from '../compare/change.js';
import { git } from '../git/run.js';
import { createBootstrapProver, type BootstrapProver } from '../reproduce/bootstrap/prover.js';
import { defaultSandboxLimits, findSandbox } from '../reproduce/sandbox.js';
import { checkoutTag } from './rebuild-side.js';
import type { ReproduceOptions } from './reproduction.js';
import type { OpenTagSide } from './tag-side.js';

/**
 * Seconds gnulib-tool may run at the least (--reproduce-timeout raises it):
 * the shell gnulib-tool of 2022 forks sed and cmp for each of the thousand
 * files of coreutils' 300 modules and their tests, which took 30 to 36
 * minutes on two cores shared with other work. It runs once: the result is
 * cached.
 */
const gnulibSeconds = 3600;

/** What gnulib-tool reads of a gnulib tree, for a clone that lacks some blobs (a partial mirror without the large ChangeLog). */
const gnulibParts = ['gnulib-tool', 'modules', 'lib', 'm4', 'build-aux', 'tests', 'doc', 'top', 'config'];

function pinnedGnulib(tag: OpenTagSide): { commit: string; export: (tar: string) => Promise<void> } | { why: string } {
  const isGnulib = (s: { name: string; path: string }) => s.name === 'gnulib' || /(^|\/)\.?gnulib$/.test(s.path);
  const sub = tag.compared.find(isGnulib);
  const repo = sub ? tag.submoduleRepos.get(sub.path) : undefined;
  if (!sub || !repo) {
    const away = tag.unavailable.find((u) => isGnulib(u.submodule));
    return { why: away ? `the gnulib submodule could not be had: ${away.why}` : 'the tag pins no gnulib submodule that cuckoo compared' };
  }
  return {
    commit: sub.commit,
    async export(tar) {
      try {
        await git(repo, ['archive', '--format=tar', '-o', tar, sub.commit]);
      } catch {
        await git(repo, ['archive', '--format=tar', '-o', tar, sub.commit, '--', ...gnulibParts]);
      }
    },
  };
}

/** The run's bootstrap prover, or undefined with --no-reproduce. */
export function bootstrapProver(options: ReproduceOptions & { cacheDir: string }, tag: OpenTagSide, changes: readonly Change[]): BootstrapProver | undefined {
  if (options.reproduce === false) return undefined;
  const limits = { timeoutSeconds: options.reproduceTimeout ?? defaultSandboxLimits.timeoutSeconds, memoryBytes: options.reproduceMemory ?? defaultSandboxLimits.memoryBytes };
  let sandbox: ReturnType<typeof findSandbox> | undefined;
  return createBootstrapProver({
    cacheDir: options.cacheDir,
    sandbox: () => (sandbox ??= findSandbox(options.sandbox ?? 'bwrap', limits, options.bwrap)),
    sandboxKind: options.sandbox ?? 'bwrap',
    tagCommit: tag.ref.commit,
    tagHas: (path) => tag.byPath.get(path)?.type === 'file',
    tagText: async (path) => {
      const entry = tag.byPath.get(path);
      return entry?.type === 'file' ? (await tag.content(entry)).toString('latin1') : undefined;
    },
    releaseOnly: new Set(changes.flatMap((c) => (c.kind === 'only-in-release' ? [c.path] : []))),
    exportTag: (tar) => checkoutTag(tag, tar, dirname(tar)),
    checkoutDiffers: [...tag.side.attributes.values()].some((a) => a.exportIgnore || a.exportSubst),
    gnulib: pinnedGnulib(tag),
    gnulibTimeoutSeconds: Math.max(gnulibSeconds, limits.timeoutSeconds),
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
  });
}
