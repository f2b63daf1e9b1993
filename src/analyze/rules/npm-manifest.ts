import { isDeepStrictEqual } from 'node:util';
import type { Rule } from '../rule.js';

/**
 * package.json as a JavaScript package manager publishes it. `npm pack` ships
 * it as it is, but pnpm and yarn rewrite workspace and catalog ranges
 * (`workspace:^` → `^1.2.0`) and apply `publishConfig` overrides (`main`,
 * `types`, `exports`), and release tools set `version` at publish time. The
 * change is explained when every difference is one of those; anything else,
 * above all a new or changed `scripts` entry (npm runs install scripts on the
 * user's machine), is not.
 */

const dependencyFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
/** Fields a publish may drop: they matter only inside the source repository. */
const droppable = new Set(['devDependencies', 'scripts', 'publishConfig', 'packageManager', 'workspaces']);
/** A range a workspace or catalog specifier resolves to: versions, ranges, `*`, npm: aliases. */
const resolvedRange = /^(npm:[@\w./-]+@)?[\^~<>=*]?[\w.+-]*( [<>=|\w.*+ -]+)?$/;

type Json = Record<string, unknown>;

function parse(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The reason for each difference, or undefined as soon as one is not a publish rewrite. */
function explain(tag: Json, release: Json, releaseVersion: string | undefined): string[] | undefined {
  const reasons = new Set<string>();
  const publish = (tag.publishConfig ?? {}) as Json;
  for (const key of new Set([...Object.keys(tag), ...Object.keys(release)])) {
    const before = tag[key];
    const after = release[key];
    if (isDeepStrictEqual(before, after)) continue;
    if (after === undefined && droppable.has(key)) {
      reasons.add(`\`${key}\` dropped`);
    } else if (key in publish && isDeepStrictEqual(after, publish[key])) {
      reasons.add(`\`${key}\` from publishConfig`);
    } else if (key === 'version' && typeof after === 'string' && after === releaseVersion) {
      reasons.add(`version set to the release's ${after}`);
    } else if (dependencyFields.includes(key) && isObject(before) && isObject(after) && resolvedRanges(before, after)) {
      reasons.add(`workspace ranges of \`${key}\` resolved`);
    } else if (key === 'publishConfig' && after !== undefined) {
      // pnpm keeps what it did not apply; nothing in it runs.
      if (!isObject(after) || Object.keys(after).some((k) => !(k in publish))) return undefined;
      reasons.add('`publishConfig` trimmed');
    } else {
      return undefined;
    }
  }
  return [...reasons];
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Same packages; each changed range was a `workspace:` or `catalog:` specifier and is now a plain range. */
function resolvedRanges(before: Json, after: Json): boolean {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const name of names) {
    const b = before[name];
    const a = after[name];
    if (b === a) continue;
    if (typeof b !== 'string' || typeof a !== 'string' || !/^(workspace|catalog):/.test(b) || !resolvedRange.test(a)) return false;
  }
  return true;
}

export const npmManifest: Rule = {
  name: 'npm-manifest',
  changes: ['modified'],
  async judge(change, ctx) {
    if (!(change.path === 'package.json' || change.path.endsWith('/package.json'))) return undefined;
    if (change.release?.type !== 'file' || change.tag?.type !== 'file') return undefined;
    const content = await ctx.releaseContent(change.release);
    if (!content) return undefined;
    const tag = parse((await ctx.tagContent(change.tag)).toString('utf8'));
    const release = parse(content.toString('utf8'));
    if (!tag || !release || tag.name !== release.name) return undefined;
    const reasons = explain(tag, release, ctx.releaseVersion);
    if (!reasons) return undefined;
    return {
      category: 'npm-package',
      severity: 'low',
      reasons: reasons.length > 0 ? [`package.json as a package manager publishes it: ${reasons.join(', ')}`] : ['package.json with the same content, formatted differently'],
    };
  },
};
