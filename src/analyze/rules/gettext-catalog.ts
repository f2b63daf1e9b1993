import { moByteOrder, moTranslationsIn } from '../mo.js';
import { parsePo } from '../po.js';
import { tagCatalog } from '../tag-catalog.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { splitPath } from '../places.js';

/**
 * Files gettext writes into `po/` at `make dist`: compiled catalogs (`.gmo`),
 * the template (`.pot`) and `stamp-po`. A `.gmo` is binary and ships to users'
 * machines, so it is explained only when every translation it carries is one
 * the tag's `.po` already has in effect: a catalog cannot smuggle in text the
 * translators never wrote.
 */

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const inTag = (ctx: AnalysisContext, path: string) => ctx.tagByPath.get(path)?.type === 'file';

/** gettext's files that mark a folder as a catalog folder. */
const catalogMarkers = ['POTFILES.in', 'Makevars', 'LINGUAS', 'po4a.conf'];

async function compiledCatalog(dir: string, stem: string, bytes: Buffer, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const order = moByteOrder(bytes);
  if (!order) return undefined;
  const poPath = join(dir, `${stem}.po`);
  const po = ctx.tagByPath.get(poPath);
  if (po?.type !== 'file') return undefined;
  // msgfmt leaves no gaps beyond alignment; spare bytes could carry a payload (see moTranslationsIn).
  const catalog = await tagCatalog(po, ctx);
  let translations = moTranslationsIn(bytes, 'latin1', catalog.active);
  // msgfmt of gettext 0.22 and later writes UTF-8 whatever the .po's charset (its --no-convert keeps it).
  const from = charsetOf(catalog.header.get('Content-Type'));
  const converted = translations === undefined && from && !isUtf8(from) ? inUtf8(catalog.active, from) : undefined;
  if (converted) translations = moTranslationsIn(bytes, 'latin1', converted);
  if (translations === undefined) return undefined;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [
      `GNU MO catalog (${order === 'le' ? 'little' : 'big'}-endian magic), compiled by msgfmt`,
      `all ${translations} translations it carries are in effect in ${poPath} in the tag${converted ? `, converted from its ${from} to UTF-8 (as msgfmt of gettext 0.22 and later writes them)` : ''}`,
    ],
  };
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

function template(dir: string, text: string, ctx: AnalysisContext): Judgement | undefined {
  if (!/^msgid ""$/m.test(text) || !/^"Content-Type: text\/plain; charset=/m.test(text)) return undefined;
  const marker = catalogMarkers.map((m) => join(dir, m)).find((p) => inTag(ctx, p));
  if (!marker) return undefined;
  // A template lists the strings to translate; a translation in it is not a template's shape.
  const entries = parsePo(text);
  if (entries.some((e) => e.msgid !== '' && e.msgstr.some((s) => s !== ''))) return undefined;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [`gettext template with ${entries.length - 1} messages and no translations`, `${marker} in the tag says this folder holds catalogs`],
  };
}

function stamp(dir: string, text: string, ctx: AnalysisContext): Judgement | undefined {
  // gettext's po/Makefile writes the word `timestamp` (or a date) into it.
  if (text.length > 64 || !/^[\w :.,+-]*\n?$/.test(text)) return undefined;
  const marker = catalogMarkers.map((m) => join(dir, m)).find((p) => inTag(ctx, p));
  if (!marker) return undefined;
  return {
    category: 'gettext-catalog',
    severity: 'low',
    reasons: [`make's timestamp for the catalogs (content: ${JSON.stringify(text.trim())})`, `${marker} in the tag says this folder holds catalogs`],
  };
}

export const gettextCatalog: Rule = {
  name: 'gettext-catalog',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file') return undefined;
    const { dir, name } = splitPath(change.path);
    const kind = name === 'stamp-po' ? 'stamp' : name.endsWith('.gmo') ? 'gmo' : name.endsWith('.pot') ? 'pot' : undefined;
    if (!kind) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content) return undefined;
    if (kind === 'gmo') return compiledCatalog(dir, name.slice(0, -'.gmo'.length), content, ctx);
    const text = content.toString('utf8');
    return kind === 'pot' ? template(dir, text, ctx) : stamp(dir, text, ctx);
  },
};
