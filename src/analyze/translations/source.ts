/**
 * Where published translation catalogs come from (the Translation Project,
 * or a mirror of it), when the user allows fetching them. Implemented over
 * HTTP with cuckoo's cache in src/commands/translations.ts.
 */
export interface TranslationSource {
  /** The base address, for the reasons: `https://translationproject.org`. */
  base: string;
  /**
   * The catalog of `domain` in `lang` the Translation Project publishes: the
   * one of `version` (PO-files/LANG/DOMAIN-VERSION.LANG.po) when it is given
   * and there, else the latest (latest/DOMAIN/LANG.po). Undefined when neither
   * is published; rejects when the server cannot be reached.
   */
  published(domain: string, lang: string, version?: string): Promise<{ url: string; text: string; latest: boolean } | undefined>;
}
