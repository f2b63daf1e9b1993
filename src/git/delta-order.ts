/**
 * The order in which git reads many blobs fastest. git stores most blobs as
 * deltas against another object and rebuilds one by rebuilding its base
 * first, keeping recent bases in a cache (core.deltaBaseCacheLimit, 96 MiB by
 * default). Asked in path order, blobs stored as long chains of deltas of
 * one another are rebuilt from the start of their chain again and again once
 * the cache is full; asked with each delta right after its base, every base
 * is at hand. `make bench`'s 20,000-file tree, 69% of its blobs deltas of
 * others in it: `git cat-file --batch` of them 7.1 → 3.6 s. Where deltas
 * point mostly into history (realtrees: 18%; the six real releases: 8 to
 * 12%), the order gains nothing and listing the bases only costs: a sample
 * of the set decides first.
 */
import { git } from './run.js';
import type { RepoHandle } from './types.js';

/** Sets of blobs from `from` on are looked at, first about `sample` of them spread over the set (tests lower both). */
export const deltaOrdering = { from: 10_000, sample: 1000 };
/** The share of the sample stored as deltas of blobs in the set from which the set is ordered. */
const ORDER_FROM_SHARE = 1 / 3;

/**
 * `oids` (distinct) reordered so that a blob stored as a delta against
 * another of them comes right after it, depth first; blobs whose base is
 * not among them keep their order. `oids` as given when few of them are such
 * deltas (see above), in a partial clone (listing a missing blob would fetch
 * it), or where git cannot list them.
 */
export async function deltaOrder(repo: RepoHandle, oids: readonly string[]): Promise<readonly string[]> {
  if (repo.promisor || oids.length < deltaOrdering.from || oids.length === 0) return oids;
  try {
    const wanted = new Set(oids);
    const step = Math.max(1, Math.ceil(oids.length / deltaOrdering.sample));
    const sample = oids.filter((_, i) => i % step === 0);
    const base = await deltaBases(repo, sample);
    if (sample.filter((o) => wanted.has(base.get(o) ?? '')).length < sample.length * ORDER_FROM_SHARE) return oids;
    if (step > 1) for (const [oid, b] of await deltaBases(repo, oids.filter((_, i) => i % step !== 0))) base.set(oid, b);
    return byDeltas(oids, wanted, base);
  } catch {
    return oids;
  }
}

/** The object each of `oids` is stored as a delta against (git's null id where none), as git lists it. */
async function deltaBases(repo: RepoHandle, oids: readonly string[]): Promise<Map<string, string>> {
  const { stdout } = await git(repo, ['cat-file', '--batch-check=%(objectname) %(deltabase)'], { input: oids.map((o) => `${o}\n`).join('') });
  const base = new Map<string, string>();
  for (const line of stdout.toString('latin1').split('\n')) {
    const [oid, b] = line.split(' ');
    if (oid !== undefined && b !== undefined) base.set(oid, b);
  }
  return base;
}

/** `oids` ordered depth first from each blob whose base is not among them, each delta after its base. */
function byDeltas(oids: readonly string[], wanted: ReadonlySet<string>, base: ReadonlyMap<string, string>): readonly string[] {
  const children = new Map<string, string[]>();
  const hasBase = new Set<string>();
  for (const oid of oids) {
    const b = base.get(oid);
    if (b === undefined || b === oid || !wanted.has(b)) continue;
    const list = children.get(b);
    if (list) list.push(oid);
    else children.set(b, [oid]);
    hasBase.add(oid);
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  const place = (root: string) => {
    const stack = [root];
    while (stack.length > 0) {
      const oid = stack.pop()!;
      if (placed.has(oid)) continue;
      placed.add(oid);
      ordered.push(oid);
      const next = children.get(oid);
      if (next) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
    }
  };
  for (const oid of oids) if (!hasBase.has(oid)) place(oid);
  // A chain that loops (git writes none) is placed from where it was asked.
  for (const oid of oids) place(oid);
  return ordered;
}
