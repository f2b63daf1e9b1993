import type { AnalysisContext } from './rule.js';

/**
 * Tag paths by folder and by file name, built once per analysis: rules that
 * look for a neighbour or a namesake of the file they judge would otherwise
 * scan every tag path for every release file (quadratic on large trees).
 */
interface TagIndex {
  byFolder: Map<string, string[]>;
  byName: Map<string, string[]>;
}

const indexes = new WeakMap<AnalysisContext, TagIndex>();

function indexOf(ctx: AnalysisContext): TagIndex {
  let index = indexes.get(ctx);
  if (index) return index;
  index = { byFolder: new Map(), byName: new Map() };
  for (const path of ctx.tagByPath.keys()) {
    const slash = path.lastIndexOf('/');
    add(index.byFolder, slash === -1 ? '' : path.slice(0, slash), path);
    add(index.byName, path.slice(slash + 1), path);
  }
  indexes.set(ctx, index);
  return index;
}

function add(map: Map<string, string[]>, key: string, path: string): void {
  const list = map.get(key);
  if (list) list.push(path);
  else map.set(key, [path]);
}

/** Tag paths directly in `folder` ('' for the top level). */
export function tagPathsIn(ctx: AnalysisContext, folder: string): readonly string[] {
  return indexOf(ctx).byFolder.get(folder) ?? [];
}

/** Tag paths whose last component is `name`. */
export function tagPathsNamed(ctx: AnalysisContext, name: string): readonly string[] {
  return indexOf(ctx).byName.get(name) ?? [];
}
