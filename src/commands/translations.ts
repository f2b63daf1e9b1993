/**
 * Published translation catalogs over HTTP (--fetch-translations), kept in
 * `<cache>/translations`. The Translation Project serves each version a
 * translator submitted at PO-files/LANG/DOMAIN-VERSION.LANG.po, which never
 * changes, so it is kept for good; latest/DOMAIN/LANG.po changes with each
 * submission and is kept for a day.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TranslationSource } from '../analyze/translations/source.js';
import { writeCacheFile } from '../cache.js';
import { CuckooError } from '../errors.js';
import type { HttpOptions } from '../release/http-get.js';
import { fetchSmall } from '../release/small-file.js';

export const defaultTranslationsUrl = 'https://translationproject.org';

/** Catalogs are text; the largest of the Translation Project are a few megabytes. */
const maxCatalog = 32 * 1024 ** 2;
const latestLifetimeMs = 86_400_000;

async function download(url: string, http: HttpOptions): Promise<Buffer | undefined> {
  try {
    return await fetchSmall(url, http, { limit: maxCatalog, what: 'a translation catalog', hint: 'check --translations-url' });
  } catch (err) {
    // A catalog that is not published is an answer, not a failure.
    if (err instanceof CuckooError && /: HTTP 40[34]\b/.test(err.message)) return undefined;
    throw err;
  }
}

export function translationSource(base: string, http: HttpOptions, cacheDir: string): TranslationSource {
  const root = base.replace(/\/+$/, '');
  const fetched = new Map<string, Promise<string | undefined>>();

  const text = (url: string, lifetimeMs: number) => {
    let answer = fetched.get(url);
    if (!answer) {
      answer = (async () => {
        const file = join(cacheDir, 'translations', `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.po`);
        const cached = await stat(file).catch(() => undefined);
        if (cached && Date.now() - cached.mtimeMs < lifetimeMs) return (await readFile(file)).toString('utf8');
        const bytes = await download(url, http);
        if (bytes) await writeCacheFile(file, bytes);
        return bytes?.toString('utf8');
      })();
      fetched.set(url, answer);
    }
    return answer;
  };

  return {
    base: root,
    async published(domain, lang, version) {
      const segment = (s: string) => encodeURIComponent(s);
      if (version !== undefined) {
        const url = `${root}/PO-files/${segment(lang)}/${segment(`${domain}-${version}.${lang}`)}.po`;
        const found = await text(url, Infinity);
        if (found !== undefined) return { url, text: found, latest: false };
      }
      const url = `${root}/latest/${segment(domain)}/${segment(lang)}.po`;
      const found = await text(url, latestLifetimeMs);
      return found === undefined ? undefined : { url, text: found, latest: true };
    },
  };
}
