import { isActive, parsePo, poHeader, poKey, type PoEntry } from '../po.js';
import { scanBuildFile, signalNamed } from '../signals/scan.js';

/**
 * A translation catalog judged by its shape: what a file the Translation
 * Project serves looks like, and nothing a build could run or decode. A .po
 * is data, but data is where the xz backdoor hid its payload; so besides
 * parsing as PO, it must carry no build-code signal in any line and no long
 * run of opaque characters (base64, hex), which no translation has.
 */

export interface Catalog {
  entries: PoEntry[];
  /** `coreutils 9.1-pre1` as the header has it, and the version part. */
  projectId: string;
  version?: string;
  /** Set when the header names another package (translators' headers lag: coreutils' gl.po says textutils). */
  otherPackage?: boolean;
  translated: number;
  lastTranslator?: string;
}

/** A catalog's header and counts without its entries: what a worker thread hands back (catalog-task.ts). */
export type CatalogSummary = Omit<Catalog, 'entries'>;

/** Language codes as the Translation Project names its files: `fr`, `pt_BR`, `sr@latin`, `zh_Hant`. */
export const languageCode = /^[a-z]{2,3}(?:_[A-Z]{2}|_[A-Z][a-z]{3})?(?:@[a-z]+)?$/;

/** Base64 or hex runs this long are payloads, not words. */
const opaqueRun = /[A-Za-z0-9+/]{160,}={0,2}|(?:\\x[0-9A-Fa-f]{2}){40,}/;
/** The shortest line opaqueRun can match. */
const opaqueLength = 160;
const maxLine = 8192;
/** Longer than any package name and version a catalog's header gives. */
const maxProjectId = 256;
/** The `#`, `#,`, `#:`, `#.`, `#|` or `#~` that opens a comment line (and one space after it). */
const commentMark = /^#(?:[^\S\n]|[,.:|~])?/;

/**
 * The first line too long to be a catalog's, else the first line with a long
 * run of encoded data: found in one walk, without cutting the text into lines
 * (a line shorter than a run is never cut out).
 */
function badLine(text: string): string | undefined {
  let opaque: number | undefined;
  let number = 0;
  for (let start = 0; start <= text.length; number++) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    if (nl - start > maxLine) return `line ${number + 1} is ${nl - start} characters long`;
    if (opaque === undefined && nl - start >= opaqueLength && opaqueRun.test(text.slice(start, nl))) opaque = number;
    start = nl + 1;
  }
  return opaque === undefined ? undefined : `line ${opaque + 1} carries a long run of encoded data`;
}

/** The catalog, or why it is not one of `domain` in `lang`. */
export function readCatalog(path: string, text: string, domain: string, lang: string): Catalog | string {
  if (text.includes('\0')) return 'binary content';
  const bad = badLine(text);
  if (bad) return bad;
  // Comments too: a catalog's comments are names and references, never commands.
  const hits = scanBuildFile(path, text, undefined, commentMark).filter((h) => signalNamed(h.signal)?.strength !== 'weak');
  if (hits.length > 0) return `line ${hits[0]!.line} reads like build code (${signalNamed(hits[0]!.signal)?.title ?? hits[0]!.signal}): ${hits[0]!.text}`;
  let entries: PoEntry[];
  try {
    entries = parsePo(text);
  } catch (err) {
    return `not PO syntax: ${err instanceof Error ? err.message : String(err)}`;
  }
  const header = poHeader(entries);
  const projectId = header.get('Project-Id-Version');
  if (!projectId) return 'no Project-Id-Version in its header';
  // A package name and a version; the pattern below takes time the square of a much longer value.
  if (projectId.length > maxProjectId) return `its header's Project-Id-Version is ${projectId.length} characters long`;
  const m = /^(?:GNU\s+)?(.+?)(?:[-\s]+v?(\d[\w.+~-]*))?$/i.exec(projectId);
  const otherPackage = m?.[1]?.toLowerCase() !== domain.toLowerCase();
  const language = header.get('Language');
  if (language && language.replace(/-/g, '_').toLowerCase() !== lang.toLowerCase()) return `its header says Language: ${language}, not ${lang}`;
  if (!/charset=/i.test(header.get('Content-Type') ?? '')) return 'no charset in its header';
  const translator = header.get('Last-Translator');
  return {
    entries,
    projectId,
    ...(m?.[2] && !otherPackage ? { version: m[2] } : {}),
    ...(otherPackage ? { otherPackage } : {}),
    translated: entries.filter(isActive).length,
    ...(translator ? { lastTranslator: translator } : {}),
  };
}

export interface CatalogDifference {
  /** Translations in effect in the release that the published file does not have in effect with that text. */
  changed: Array<{ key: string; release: string; published?: string }>;
}

/**
 * The release's catalog against the published one. `make dist` may have run
 * msgmerge over it (po-refresh.ts): references, header dates, new fuzzy or
 * untranslated messages, obsolete ones. None of that puts a translation into
 * effect, so the test is that every translation in effect in the release is
 * in effect, with the same text, in the published file.
 */
export function compareCatalogs(release: PoEntry[], published: PoEntry[]): CatalogDifference {
  const inEffect = new Map(published.filter(isActive).map((e) => [poKey(e), e.msgstr.join('\0')]));
  const changed: CatalogDifference['changed'] = [];
  for (const e of release.filter(isActive)) {
    const key = poKey(e);
    const text = e.msgstr.join('\0');
    const theirs = inEffect.get(key);
    if (theirs !== text) changed.push({ key, release: text, ...(theirs !== undefined ? { published: theirs } : {}) });
  }
  return { changed };
}

const quote = (s: string) => JSON.stringify(s.replace(/\0/g, ' | '));

/** The differing messages as a diff: published → release. */
export function differenceDiff(d: CatalogDifference, maxMessages: number): string {
  const out: string[] = [];
  for (const c of d.changed.slice(0, maxMessages)) {
    out.push(`@@ msgid ${quote(c.key.replace(/\u0004/, ' | '))} @@`);
    out.push(c.published === undefined ? '-(not translated in the published file)' : `-msgstr ${quote(c.published)}`);
    out.push(`+msgstr ${quote(c.release)}`);
  }
  if (d.changed.length > maxMessages) out.push(`… ${d.changed.length - maxMessages} more`);
  return out.join('\n');
}
