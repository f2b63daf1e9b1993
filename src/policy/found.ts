/**
 * The per-project policy: `cuckoo.json` in the folder cuckoo runs from (a
 * distribution's packaging folder, a CI job's checkout), used when no
 * --policy is named. A policy must never come from what is under check, so a
 * found `cuckoo.json` that the release or the tag also carries, or that lies
 * inside the repository being checked, is refused: run from an unpacked
 * release or an upstream clone, it would be the upstream's own rules. The
 * debian/cuckoo.json that `batch --from-debian` picks up is checked the same
 * way: an upstream that ships debian/ could otherwise supply its own waivers.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { CuckooError } from '../errors.js';
import type { ObjectFormat, ReleaseEntry } from '../release/entry.js';
import { gitBlobId } from '../release/hash.js';

export const policyFileName = 'cuckoo.json';

/** `cuckoo.json` when the current folder has one (the path to give --policy), else undefined. */
export async function findPolicy(): Promise<string | undefined> {
  return (await stat(policyFileName).then((s) => s.isFile(), () => false)) ? policyFileName : undefined;
}

/**
 * How a policy was found rather than named: `true`, the cuckoo.json of the
 * current folder (verify); `from-debian`, the debian/cuckoo.json of a Debian
 * source package (batch --from-debian).
 */
export type PolicyFound = true | 'from-debian';

const refusedHint = {
  folder: 'a release must not choose its own policy: run cuckoo from a folder you control, name a policy with --policy FILE, or use none with --no-policy',
  debian: "a release must not choose its own policy: upstream ships this debian/cuckoo.json too, so it is upstream's; check it, then name a policy in a manifest of your own (policy: FILE, without policyFound)",
};

/** How a found policy is named in messages and notes. */
export function foundPolicyName(file: string, found: PolicyFound): string {
  return found === 'from-debian' ? `${file} (the package's debian/cuckoo.json, found by --from-debian)` : `${policyFileName} in the current folder`;
}

async function inside(file: string, folder: string): Promise<boolean> {
  const [f, d] = await Promise.all([realpath(file).catch(() => undefined), realpath(folder).catch(() => undefined)]);
  if (f === undefined || d === undefined) return false;
  const rel = relative(d, f);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Throws when the found policy is part of the release, the tag or the local repository under check. */
export async function refuseForeignPolicy(
  file: string,
  under: { repo: string; entries: readonly ReleaseEntry[]; tagOids: { has(oid: string): boolean }; objectFormat: ObjectFormat },
  found: PolicyFound = true,
): Promise<void> {
  const fail = (where: string) => {
    throw new CuckooError('usage', `${foundPolicyName(file, found)} ${where}`, { hint: found === 'from-debian' ? refusedHint.debian : refusedHint.folder });
  };
  if (await inside(file, under.repo)) fail(`lies inside the repository under check (${under.repo})`);
  const id = gitBlobId(await readFile(file), under.objectFormat);
  const shipped = under.entries.find((e) => e.type === 'file' && e.blobId === id);
  if (shipped) fail(`has the same bytes as ${shipped.path} in the release`);
  if (under.tagOids.has(id)) fail("has the same bytes as a file of the tag's tree");
}
