/**
 * A policy file (`--policy FILE`, or a batch entry's `policy`): JSON rules that
 * allow findings a project has read and accepted, each with the reason why.
 *
 *   { "allow": [ { "paths": ["doc/*.1"], "category": "unexplained", "reason": "…" } ] }
 *
 * A rule selects findings by any of `paths` (globs, any may match), `change`,
 * `category` and `sha256` (the release file's content); all it gives must
 * match. It is only ever read from a file the user names, never from the
 * release or the tag: a policy shipped with the code it judges could be
 * written by the same attacker.
 */
import picomatch from 'picomatch';
import { CuckooError } from '../errors.js';
import { categoryInfo, type Category, type ChangeKind } from '../report/finding.js';
import { parseJson, readText, type Fail } from './json-file.js';

/** Findings about the release file or the tag as a whole: a policy cannot allow them. */
type IntegrityCategory = 'checksum-mismatch' | 'bad-signature' | 'moved-tag' | 'hidden-data' | 'unrelated-release' | 'hash-collision' | 'submodule-unavailable';
type AllowableChange = Exclude<ChangeKind, 'integrity'>;
type AllowableCategory = Exclude<Category, IntegrityCategory>;

// Records, so a new change kind or category does not compile until it is decided here.
const allowableChanges: Record<AllowableChange, true> = {
  'only-in-release': true,
  'only-in-tag': true,
  modified: true,
  'mode-changed': true,
  'type-changed': true,
  'duplicate-entry': true,
  'unsafe-entry': true,
};
const integrityCategories: Record<IntegrityCategory, true> = {
  'checksum-mismatch': true,
  'bad-signature': true,
  'moved-tag': true,
  'hidden-data': true,
  'unrelated-release': true,
  'hash-collision': true,
  'submodule-unavailable': true,
};

export interface AllowRule {
  /** Position in `allow`, from 1, as errors and reports name it. */
  rule: number;
  reason: string;
  paths?: string[];
  change?: AllowableChange;
  category?: AllowableCategory;
  /** Lower-case hex sha256 of the release file this rule accepts. */
  sha256?: string;
  /** True when the finding's path matches one of `paths` (always true without `paths`). */
  matchesPath: (path: string) => boolean;
}

export interface Policy {
  /** The file as given, for messages and the report. */
  file: string;
  rules: AllowRule[];
  /** `rebuild.steps`: the commands that make a release from the tag, run in the sandbox with --rebuild. */
  rebuild?: PolicyRebuild;
}

export interface PolicyRebuild {
  steps: string[];
  /** The folder, relative to the tag's top, that holds the rebuilt release after the steps ('' or absent: the top itself). */
  tree?: string;
}

const integrityText = 'checksum, signature, moved-tag, hidden-data, unrelated-release, hash-collision and submodule-unavailable findings cannot be allowed: they are about the release file, the archive or the tag, or are proof of an attack';
const ruleKeys = ['paths', 'change', 'category', 'sha256', 'reason'] as const;
const policyHint = 'see "Policies and baselines" in the README for the policy format';

function fail(file: string, message: string, hint = policyHint): never {
  throw new CuckooError('usage', `policy ${file}: ${message}`, { hint });
}

const failIn =
  (file: string): Fail =>
  (message, hint) =>
    fail(file, message, hint);

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function compileGlobs(file: string, where: string, value: unknown): { paths: string[]; matchesPath: (path: string) => boolean } {
  if (!Array.isArray(value) || value.length === 0 || !value.every(nonEmptyString)) fail(file, `${where}"paths" must be a non-empty list of globs`);
  const paths = value as string[];
  for (const glob of paths) {
    // Finding paths are relative to the release root: a glob outside it can never match.
    if (glob.startsWith('/') || glob.split('/').includes('..')) fail(file, `${where}bad glob ${JSON.stringify(glob)}: paths are relative to the release root`);
    try {
      picomatch(glob, { dot: true, strictBrackets: true });
    } catch (err) {
      fail(file, `${where}bad glob ${JSON.stringify(glob)}: ${(err as Error).message}`);
    }
  }
  return { paths, matchesPath: picomatch(paths, { dot: true, strictBrackets: true }) };
}

function parseRule(file: string, raw: unknown, rule: number): AllowRule {
  const where = `rule ${rule}: `;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, `${where}expected an object`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(ruleKeys as readonly string[]).includes(key)) fail(file, `${where}unknown key "${key}"`, `the keys of a rule are ${ruleKeys.join(', ')}`);
  }
  if (!nonEmptyString(obj.reason)) fail(file, `${where}"reason" must say why these findings are accepted`);
  const parsed: AllowRule = { rule, reason: obj.reason, matchesPath: () => true };
  if (obj.paths !== undefined) Object.assign(parsed, compileGlobs(file, where, obj.paths));
  if (obj.change !== undefined) {
    if (obj.change === 'integrity') fail(file, `${where}${integrityText}`);
    if (typeof obj.change !== 'string' || !Object.hasOwn(allowableChanges, obj.change)) {
      fail(file, `${where}unknown change ${JSON.stringify(obj.change)}`, `use one of ${Object.keys(allowableChanges).join(', ')}`);
    }
    parsed.change = obj.change as AllowableChange;
  }
  if (obj.category !== undefined) {
    if (typeof obj.category === 'string' && Object.hasOwn(integrityCategories, obj.category)) fail(file, `${where}${integrityText}`);
    if (typeof obj.category !== 'string' || !Object.hasOwn(categoryInfo, obj.category)) {
      fail(file, `${where}unknown category ${JSON.stringify(obj.category)}`, 'the categories are those of the report (schema/cuckoo.report.v1.json)');
    }
    parsed.category = obj.category as AllowableCategory;
  }
  if (obj.sha256 !== undefined) {
    if (typeof obj.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(obj.sha256)) fail(file, `${where}"sha256" must be 64 hex digits`);
    parsed.sha256 = obj.sha256.toLowerCase();
  }
  if (parsed.paths === undefined && parsed.change === undefined && parsed.category === undefined && parsed.sha256 === undefined) {
    fail(file, `${where}no selector: give "paths", "change", "category" or "sha256"`, 'a rule without one would allow every finding');
  }
  return parsed;
}

/** `rebuild: {steps: [...]}`: shell commands, run in order in the exported tag's top folder, in the sandbox. */
function parseRebuild(file: string, raw: unknown): PolicyRebuild {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, '"rebuild" must be an object with a "steps" list');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (key !== 'steps' && key !== 'tree') fail(file, `rebuild: unknown key "${key}"`, 'rebuild has the keys "steps" and "tree"');
  if (obj.tree !== undefined && (typeof obj.tree !== 'string' || obj.tree.startsWith('/') || obj.tree.split('/').includes('..'))) {
    fail(file, 'rebuild: "tree" must be a folder relative to the tag\'s top', 'the folder the steps leave the release in, such as "hello-1.0"');
  }
  if (!Array.isArray(obj.steps) || obj.steps.length === 0 || !obj.steps.every(nonEmptyString)) {
    fail(file, 'rebuild: "steps" must be a non-empty list of shell commands', 'for example {"rebuild": {"steps": ["./autogen.sh", "./configure", "make distdir"]}}');
  }
  return { steps: obj.steps as string[], ...(typeof obj.tree === 'string' && obj.tree.replace(/\/+$/, '') ? { tree: obj.tree.replace(/\/+$/, '') } : {}) };
}

/** Parse and check a policy's text; `file` names it in errors. */
export function parsePolicy(text: string, file: string): Policy {
  const doc = parseJson(text, failIn(file));
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail(file, 'expected an object with an "allow" list');
  const obj = doc as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (key !== 'allow' && key !== 'rebuild') fail(file, `unknown key "${key}"`, 'a policy has the keys "allow" and "rebuild"');
  if (obj.allow !== undefined && !Array.isArray(obj.allow)) fail(file, '"allow" must be a list of rules');
  if (obj.allow === undefined && obj.rebuild === undefined) fail(file, 'expected an "allow" list or a "rebuild" recipe');
  const rules = Array.isArray(obj.allow) ? obj.allow.map((raw, i) => parseRule(file, raw, i + 1)) : [];
  return { file, rules, ...(obj.rebuild !== undefined ? { rebuild: parseRebuild(file, obj.rebuild) } : {}) };
}

/** Read a policy file. */
export async function readPolicy(file: string): Promise<Policy> {
  return parsePolicy(await readText(file, failIn(file)), file);
}
