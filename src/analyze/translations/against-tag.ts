/**
 * A release's catalog files against the tag's `.po`, as functions of bytes:
 * the work of the catalog refresh rule (po-refresh.ts: a `.po` msgmerge
 * rewrote) and of the compiled catalog rule (gettext-catalog.ts: a `.gmo`
 * msgfmt wrote, from the tag's `.po` or from the release's refreshed one).
 * Both rules ask whether a release's `.po` is a refresh of the tag's: one
 * test, here, for both. The rules word the facts these return.
 */
import { moTranslationsIn } from '../mo.js';
import { catalogBuilder, headerEnd, headerFields, isActive, isHeader, obsoleteTranslations, poKey, readPo, type PoCatalog, type PoEntry } from '../po.js';

/**
 * A `.po` read for these checks: the tag's, or the release's one a `.gmo` was
 * compiled from (a refresh of the tag's, an `en@quot.po`). Both sides are
 * read as latin1, one character per byte: the comparison is byte for byte
 * whatever the catalog's charset (two different invalid UTF-8 sequences
 * never compare equal), and decoding is a copy, not a UTF-8 pass over tens
 * of MB of translations. The rules show counts, never the text. What is kept
 * is the comparison's maps, not the entries (see readPo).
 */
export function readPoCatalog(bytes: Buffer): PoCatalog {
  const builder = catalogBuilder();
  readPo(bytes, builder.add);
  return builder.done();
}

/** Past this many translations in effect that the tag has not in effect, a catalog is not a refresh: msgmerge brings back a few. */
const maxUnmatched = 1000;

export interface Comparison {
  /** The release's header entry. */
  headerEntry: PoEntry | undefined;
  /** A template that carries a translation. */
  translated: boolean;
  /** A translation in effect in the release that the tag does not have in effect, with that text. */
  differs: boolean;
  /** Translations in effect in the release, the same in the tag. */
  kept: number;
  /**
   * Translations in effect in the release that the tag does not have in
   * effect (MO key, text): each must be one of the tag's obsolete ones,
   * which msgmerge brought back, for the catalog to be a refresh.
   */
  unmatched: Array<[string, string]>;
  /** Messages the tag does not have, and how many of them are fuzzy. */
  added: number;
  fuzzy: number;
}

/** The release's catalog against the tag's, entry by entry. The release's entries are looked at as they are read, none kept (see readPo). */
export function comparePo(afterBytes: Buffer, catalog: PoCatalog, template: boolean): Comparison {
  const c: Comparison = { headerEntry: undefined, translated: false, differs: false, kept: 0, unmatched: [], added: 0, fuzzy: 0 };
  readPo(afterBytes, (e) => {
    if (!c.headerEntry && isHeader(e)) c.headerEntry = e;
    if (template) {
      c.translated ||= e.msgid !== '' && e.msgstr.some((s) => s !== '');
      return;
    }
    if (e.obsolete) return;
    const key = poKey(e);
    if (isActive(e)) {
      const text = e.msgstr.join('\0');
      if (catalog.active.get(key) === text) c.kept++;
      else if (catalog.active.has(key) || c.unmatched.length >= maxUnmatched) c.differs = true;
      else {
        // Not in effect in the tag: one of its obsolete translations, or not msgmerge's doing (refreshFacts decides).
        c.unmatched.push([key, text]);
        return;
      }
    }
    if (e.msgid !== '' && !catalog.known.has(key)) {
      c.added++;
      if (e.fuzzy) c.fuzzy++;
    }
  });
  return c;
}

/**
 * The comparison without reading the release's entries, when msgmerge changed
 * the header alone (the template's date moved, no message did): past their
 * headers the two files are the same bytes, so the release's entries are the
 * tag's, and every translation in effect is kept. Undefined otherwise, and
 * when a key comes twice in effect (the catalog keeps one text of the two).
 */
export function sameAfterHeader(afterBytes: Buffer, tagBytes: Buffer, catalog: PoCatalog): Comparison | undefined {
  if (catalog.activeEntries !== catalog.active.size) return undefined;
  const after = headerEnd(afterBytes);
  if (after === undefined) return undefined;
  const before = headerEnd(tagBytes);
  if (before === undefined || !afterBytes.subarray(after).equals(tagBytes.subarray(before))) return undefined;
  let headerEntry: PoEntry | undefined;
  readPo(afterBytes.subarray(0, after), (e) => (headerEntry ??= e));
  return { headerEntry, translated: false, differs: false, kept: catalog.active.size, unmatched: [], added: 0, fuzzy: 0 };
}

/** What the refresh rule words about a release's `.po` that msgmerge may have refreshed. */
export interface RefreshFacts {
  /** The header fields of the tag's catalog and of the release's. */
  tagHeader: Map<string, string>;
  releaseHeader: Map<string, string>;
  /** Translations in effect in the release, the same in the tag. */
  kept: number;
  /** Messages the tag does not have, and how many of them are fuzzy. */
  added: number;
  fuzzy: number;
  /** Obsolete translations of the tag back in effect, with the same text. */
  revived: number;
  /** Translations in effect in the tag. */
  inEffect: number;
}

/**
 * A release's `.po` (`afterBytes`) against the tag's (`tagBytes`, read as
 * `catalog`): undefined when a translation in effect in the release is not
 * the tag's, in effect or obsolete. The header is left to the rule.
 */
export function refreshFacts(afterBytes: Buffer, tagBytes: Buffer, catalog: PoCatalog): RefreshFacts | undefined {
  const c = sameAfterHeader(afterBytes, tagBytes, catalog) ?? comparePo(afterBytes, catalog, false);
  if (c.differs) return undefined;
  if (c.unmatched.length > 0) {
    const obsolete = obsoleteTranslations(tagBytes);
    if (!c.unmatched.every(([key, text]) => obsolete.get(key) === text)) return undefined;
  }
  return {
    tagHeader: catalog.header,
    releaseHeader: headerFields(c.headerEntry),
    kept: c.kept,
    added: c.added,
    fuzzy: c.fuzzy,
    revived: c.unmatched.length,
    inEffect: catalog.active.size,
  };
}

/** What the compiled catalog rule words about a `.gmo`: how many translations it carries, each in effect in the tag's `.po`. */
export interface CompiledFacts {
  translations: number;
  /** The `.po`'s charset, when msgfmt converted its translations to UTF-8. */
  convertedFrom?: string;
}

/**
 * A `.gmo` (`bytes`, an MO file) against the tag's `.po` read as `catalog`:
 * undefined unless every translation it carries is in effect there. Throws
 * on an MO table that points outside the file (see moTranslationsIn).
 */
export function compiledFacts(bytes: Buffer, catalog: PoCatalog): CompiledFacts | undefined {
  // msgfmt leaves no gaps beyond alignment; spare bytes could carry a payload (see moTranslationsIn).
  const translations = moTranslationsIn(bytes, 'latin1', catalog.active);
  if (translations !== undefined) return { translations };
  // msgfmt of gettext 0.22 and later writes UTF-8 whatever the .po's charset (its --no-convert keeps it).
  const from = charsetOf(catalog.header.get('Content-Type'));
  const converted = from && !isUtf8(from) ? inUtf8(catalog.active, from) : undefined;
  const convertedTranslations = converted && moTranslationsIn(bytes, 'latin1', converted);
  return convertedTranslations === undefined ? undefined : { translations: convertedTranslations, convertedFrom: from! };
}

const charsetOf = (contentType: string | undefined) => /charset=([\w.:-]+)/i.exec(contentType ?? '')?.[1];
const isUtf8 = (charset: string) => /^utf-?8$/i.test(charset);

/**
 * The translations in effect (keys and translations as bytes in latin1
 * strings, as moTranslationsIn reads them) converted from `charset` to
 * UTF-8; undefined when this runtime has no decoder for it.
 */
function inUtf8(active: ReadonlyMap<string, string>, charset: string): Map<string, string> | undefined {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    return undefined;
  }
  const convert = (text: string) => Buffer.from(decoder.decode(Buffer.from(text, 'latin1')), 'utf8').toString('latin1');
  const out = new Map<string, string>();
  try {
    for (const [key, value] of active) out.set(convert(key), convert(value));
  } catch {
    return undefined;
  }
  return out;
}
