/**
 * gettext's English catalogs with quotation marks, `en@quot.po` and
 * `en@boldquot.po`, which the rules of `po/Rules-quot` write at `make dist`
 * from the template: msginit gives each message itself as its translation,
 * and msgfilter runs the tag's `quot.sed` (or `boldquot.sed`) over the
 * translations, which turns ASCII quotation marks into typographic ones (and
 * sets them in bold). So each translation is its message with only its
 * quotation marks changed: no text the sources do not have. The compiled
 * `.gmo` beside such a catalog carries those translations.
 */
import { isHeader, readPo } from '../po.js';

/** The catalogs Rules-quot makes, each with the sed script of the tag it runs. */
export const quotScripts: ReadonlyMap<string, string> = new Map([
  ['en@quot', 'quot.sed'],
  ['en@boldquot', 'boldquot.sed'],
]);

/** The typographic marks and the bold escapes, as readPo gives UTF-8 bytes: one character per byte. */
const asRead = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const singleMarks = new RegExp(`${asRead('\u2018')}|${asRead('\u2019')}`, 'g');
const doubleMarks = new RegExp(`${asRead('\u201c')}|${asRead('\u201d')}`, 'g');
const boldEscapes = /\x1b\[[01]m/g;

/** `text` with every quotation mark, ASCII or typographic, as one of two marks, and (bold) without the bold escapes. */
function marksAsOne(text: string, bold: boolean): string {
  return (bold ? text.replace(boldEscapes, '') : text).replace(singleMarks, "'").replace(doubleMarks, '"').replace(/`/g, "'");
}

/**
 * How many translations the catalog (`bytes`) has when each is its message
 * with only its quotation marks changed (plural forms: the first the
 * message's, the others the plural message's), every message translated, none
 * fuzzy; undefined when not. Obsolete entries and the header are not looked
 * at: gettext reads neither as a translation.
 */
export function quotationOnly(bytes: Buffer, bold: boolean): number | undefined {
  let translations = 0;
  let other = false;
  readPo(bytes, (e) => {
    if (other || e.obsolete || isHeader(e)) return;
    const forms = e.msgidPlural === undefined ? [e.msgid] : [e.msgid, ...e.msgstr.slice(1).map(() => e.msgidPlural!)];
    const same = !e.fuzzy && e.msgstr.length === forms.length && forms.every((m, k) => marksAsOne(e.msgstr[k]!, bold) === marksAsOne(m, bold));
    if (same) translations++;
    else other = true;
  });
  return other ? undefined : translations;
}
