/**
 * `cuckoo batch --from-debian DIR… | --from-rpm-spec SPEC… | --from-srcinfo
 * FILE…`: a manifest made from packaging recipes, written with
 * --write-manifest or checked at once. Each recipe that cannot give an entry
 * gets one line on stderr saying what to add where.
 */
import { dirname, resolve } from 'node:path';
import { parseManifest, type Manifest } from '../commands/batch-manifest.js';
import { fromDebian } from '../commands/from-debian.js';
import { fromRpmSpecs } from '../commands/from-rpm-spec.js';
import { fromSrcInfos } from '../commands/from-srcinfo.js';
import { renderManifestYaml, type RecipeResult } from '../commands/recipe.js';
import { readRepoMap } from '../commands/repo-map.js';
import { CuckooError } from '../errors.js';
import type { Io } from './io.js';
import { visible } from './render/visible.js';
import { writeReportFile } from './write-file.js';

export const recipeFlags = ['from-debian', 'from-rpm-spec', 'from-srcinfo'] as const;

export interface RecipeArgs {
  'from-debian'?: unknown[];
  'from-rpm-spec'?: unknown[];
  'from-srcinfo'?: unknown[];
  'repo-map'?: string;
  'write-manifest'?: string;
  uscan?: boolean;
  rpmspec?: boolean;
}

function given(args: RecipeArgs): Array<[(typeof recipeFlags)[number], string[]]> {
  return recipeFlags.map((f) => [f, (args[f] ?? []).map(String)] as [(typeof recipeFlags)[number], string[]]).filter(([, v]) => v.length > 0);
}

export function hasRecipes(args: RecipeArgs): boolean {
  return given(args).length > 0;
}

/** The manifest the recipes make; undefined when it was written to --write-manifest instead. */
export async function recipeManifest(args: RecipeArgs, io: Io, cacheDir: string): Promise<Manifest | undefined> {
  const kinds = given(args);
  const label = kinds.map(([f]) => `--${f}`).join(' ');
  const repoMap = args['repo-map'] !== undefined ? await readRepoMap(args['repo-map']) : undefined;
  const common = { cacheDir, ...(repoMap ? { repoMap } : {}) };
  const built: RecipeResult = { entries: [], incomplete: [] };
  for (const [flag, files] of kinds) {
    const part = flag === 'from-debian'
      ? await fromDebian(files, { ...common, ...(args.uscan === false ? { uscan: false as const } : {}) })
      : flag === 'from-rpm-spec'
        ? await fromRpmSpecs(files, { ...common, ...(args.rpmspec === false ? { rpmspec: false as const } : {}) })
        : await fromSrcInfos(files, common);
    built.entries.push(...part.entries);
    built.incomplete.push(...part.incomplete);
  }
  for (const m of built.incomplete) io.stderr.write(`cuckoo: ${visible(m.dir)}: cannot make an entry: missing ${visible(m.missing.join('; '))}\n`);
  if (built.entries.length === 0) throw new CuckooError('usage', `${label}: no recipe gave a complete entry`, { hint: 'the missing parts are listed above' });
  const out = args['write-manifest'];
  if (out !== undefined) {
    writeReportFile(out, renderManifestYaml(built, dirname(resolve(out)), label), '--write-manifest');
    io.stdout.write(`wrote ${built.entries.length} entries to ${out}${built.incomplete.length ? `; ${built.incomplete.length} incomplete (listed above)` : ''}\n`);
    return undefined;
  }
  return parseManifest(renderManifestYaml(built, process.cwd(), label), label, process.cwd());
}
