/**
 * A baseline (`--baseline REPORT.json`): an earlier cuckoo.report/v1 JSON
 * report someone read and accepted. A finding it already has, for the same
 * path and category and the same release content, is `known` and no longer
 * counts; one whose content changed since counts again.
 */
import { CuckooError } from '../errors.js';
import type { Finding } from '../report/finding.js';
import { reportSchema } from '../report/report.js';
import type { BaselineResult } from '../report/waivers.js';
import { parseJson, readText } from './json-file.js';

export interface Baseline {
  /** The file as given, for messages and the report. */
  file: string;
  /** contentKey of every finding the baseline accepted. */
  keys: Set<string>;
}

type KeyedFinding = Pick<Finding, 'path' | 'category' | 'evidence'>;

/**
 * Path, category and content: the release file's sha256 (its blob id in
 * reports without one, its type for entries without content) and link
 * target, and the same for every copy of a duplicated path; or the tag's
 * blob id for a file the release lacks.
 */
function contentKey(f: KeyedFinding): string {
  const side = (s: { type?: unknown; sha256?: unknown; blobId?: unknown; linkTarget?: unknown }) =>
    `${String(s.sha256 ?? s.blobId ?? s.type)}${s.linkTarget !== undefined ? ` -> ${String(s.linkTarget)}` : ''}`;
  const r = f.evidence.release;
  const copies = Array.isArray(f.evidence.copies) ? f.evidence.copies.map((c) => ` copy ${side(c ?? {})}`).join('') : '';
  const content = r ? `release ${side(r)}${copies}` : `tag ${f.evidence.tag?.blobId ?? ''}`;
  return `${f.path}\0${f.category}\0${content}`;
}

function fail(file: string, message: string, hint = `give a report written by cuckoo verify --format json (${reportSchema})`): never {
  throw new CuckooError('usage', `baseline ${file}: ${message}`, { hint });
}

function isKeyedFinding(value: unknown): value is KeyedFinding {
  if (!value || typeof value !== 'object') return false;
  const f = value as Record<string, unknown>;
  return typeof f.path === 'string' && typeof f.category === 'string' && !!f.evidence && typeof f.evidence === 'object';
}

/** Parse and check a baseline report's text; `file` names it in errors. */
export function parseBaseline(text: string, file: string): Baseline {
  const doc = parseJson(text, (message, hint) => fail(file, message, hint));
  const obj = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  if (obj.schema !== reportSchema) fail(file, `not a ${reportSchema} report (schema ${JSON.stringify(obj.schema ?? null)})`);
  if (!Array.isArray(obj.findings)) fail(file, 'it has no "findings" list');
  const bad = obj.findings.findIndex((f) => !isKeyedFinding(f));
  if (bad !== -1) fail(file, `finding ${bad + 1} lacks a path, category or evidence`);
  return { file, keys: new Set((obj.findings as KeyedFinding[]).map(contentKey)) };
}

/** Read a baseline report. */
export async function readBaseline(file: string): Promise<Baseline> {
  return parseBaseline(await readText(file, (message, hint) => fail(file, message, hint)), file);
}

/** Mark the findings the baseline already has as known; integrity findings always count. */
export function applyBaseline(findings: Finding[], baseline: Baseline): { findings: Finding[]; result: BaselineResult } {
  const out = findings.map((f): Finding => (f.change !== 'integrity' && !f.allowed && baseline.keys.has(contentKey(f)) ? { ...f, known: true } : f));
  return { findings: out, result: { file: baseline.file, known: out.filter((f) => f.known).length } };
}
