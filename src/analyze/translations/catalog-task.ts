/**
 * The costliest work on a catalog a bootstrap downloaded, as a task of bytes
 * in and a small answer out, so that a worker thread can take it
 * (catalog-thread.ts) while this thread judges the other files. The rule
 * runs the same functions in this thread when no worker answers, so the
 * answers are the same either way.
 */
import { moByteOrder, moTranslationsIn } from '../mo.js';
import { poCatalog, type PoEntry } from '../po.js';
import { readCatalog, type Catalog, type CatalogSummary } from './catalog.js';

/** The release's `.po` at `path` (translation-catalog.ts), and its compiled `.gmo` when the release has one. */
export interface CatalogTask {
  path: string;
  domain: string;
  lang: string;
  po: Uint8Array;
  gmo?: Uint8Array;
}

export interface CatalogAnswer {
  /** The catalog without its entries, or why it is not one (readCatalog). */
  catalog: CatalogSummary | string;
  /** The translations its `.gmo` carries when each is in effect in it (gmoInEffect). */
  gmo?: number;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The translations a downloaded catalog's `.gmo` carries, when it is an MO file and each is in effect in the catalog's `entries`. */
export function gmoInEffect(gmo: Buffer, entries: PoEntry[]): number | undefined {
  if (!moByteOrder(gmo)) return undefined;
  return moTranslationsIn(gmo, 'utf8', poCatalog(entries).active);
}

/** A catalog without its entries: what crosses back from a worker. */
export function summary(catalog: Catalog | string): CatalogSummary | string {
  if (typeof catalog === 'string') return catalog;
  const { entries: _entries, ...rest } = catalog;
  return rest;
}

/** One task's answer; throws as the rule would (an MO table pointing outside its file). */
export function runCatalogTask(task: CatalogTask): CatalogAnswer {
  const catalog = readCatalog(task.path, asBuffer(task.po).toString('utf8'), task.domain, task.lang);
  const gmo = task.gmo && typeof catalog !== 'string' ? gmoInEffect(asBuffer(task.gmo), catalog.entries) : undefined;
  return { catalog: summary(catalog), ...(gmo === undefined ? {} : { gmo }) };
}
