/**
 * A small reader for gettext PO files: enough to tell which translations take
 * effect. Only non-obsolete, non-fuzzy entries with a translation reach the
 * compiled catalog, so those are what a dist-time refresh must not change.
 */
export interface PoEntry {
  msgctxt?: string;
  msgid: string;
  msgidPlural?: string;
  /** msgstr, or msgstr[0..n] in order. Escapes resolved. */
  msgstr: string[];
  fuzzy: boolean;
  obsolete: boolean;
}

/** The key a compiled MO catalog uses for an entry: `ctxt\x04msgid\0plural`. */
export function poKey(e: Pick<PoEntry, 'msgctxt' | 'msgid' | 'msgidPlural'>): string {
  return `${e.msgctxt !== undefined ? `${e.msgctxt}\u0004` : ''}${e.msgid}${e.msgidPlural !== undefined ? `\0${e.msgidPlural}` : ''}`;
}

/** True when the entry's translation is compiled into the catalog. */
export const isActive = (e: PoEntry) => !e.obsolete && !e.fuzzy && e.msgid !== '' && e.msgstr.some((s) => s !== '');

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\u0007', b: '\b', f: '\f', v: '\v' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The text of the quoted string that runs from `from` to the end of `line`
 * (a trimmed line), escapes resolved; undefined when it is not one: no
 * closing quote, a quote left unescaped inside, or anything after it.
 */
function unquote(line: string, from: number): string | undefined {
  if (line.charCodeAt(from) !== QUOTE) return undefined;
  let out = '';
  let run = from + 1;
  for (let i = run; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH) {
      if (i + 1 >= line.length) return undefined;
      const e = line[i + 1]!;
      out += line.slice(run, i) + (escapes[e] ?? `\\${e}`);
      i++;
      run = i + 1;
    } else if (c === QUOTE) {
      return i === line.length - 1 ? out + line.slice(run, i) : undefined;
    }
  }
  return undefined;
}

type Field = 'msgctxt' | 'msgid' | 'msgid_plural' | 'msgstr';

const keywords: readonly Field[] = ['msgctxt', 'msgid_plural', 'msgid', 'msgstr'];

/** Whether code is whitespace as String.prototype.trim sees it, for the ASCII range it checks first. */
const spaceAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && /\s/.test(s[i]!));
};

/**
 * The keyword a line opens with, and where its string starts; undefined for
 * a continuation string. `msgstr[N]` counts as msgstr.
 */
function keywordOf(line: string): { field: Field; from: number } | undefined {
  if (line.charCodeAt(0) !== 0x6d /* m */) return undefined;
  for (const k of keywords) {
    if (!line.startsWith(k)) continue;
    let i = k.length;
    if (k === 'msgstr' && line.charCodeAt(i) === 0x5b /* [ */) {
      const close = line.indexOf(']', i);
      if (close < 0 || !/^\[\d+$/.test(line.slice(i, close))) return undefined;
      i = close + 1;
    }
    if (!spaceAt(line, i)) continue;
    while (spaceAt(line, i)) i++;
    return { field: k, from: i };
  }
  return undefined;
}

/** Parse a PO file; throws on a line that is not PO syntax. */
export function parsePo(text: string): PoEntry[] {
  const entries: PoEntry[] = [];
  let cur: PoEntry | undefined;
  let pendingFuzzy = false;
  let field: Field | undefined;
  const append = (s: string) => {
    if (!cur || !field) throw new Error('string outside an entry');
    if (field === 'msgctxt') cur.msgctxt = (cur.msgctxt ?? '') + s;
    else if (field === 'msgid') cur.msgid += s;
    else if (field === 'msgid_plural') cur.msgidPlural = (cur.msgidPlural ?? '') + s;
    else cur.msgstr[cur.msgstr.length - 1] += s;
  };
  const start = (obsolete: boolean) => {
    if (cur) entries.push(cur);
    cur = { msgid: '', msgstr: [], fuzzy: pendingFuzzy, obsolete };
    pendingFuzzy = false;
  };
  let lineNo = 0;
  for (let at = 0; at <= text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let line = text.slice(at, end);
    at = end + 1;
    lineNo++;
    // Most lines need no trimming: only pay for it when an end is blank.
    if (line.length > 0 && (spaceAt(line, 0) || spaceAt(line, line.length - 1))) line = line.trim();
    if (line === '') continue;
    let obsolete = false;
    if (line.charCodeAt(0) === 0x23 /* # */) {
      if (line.startsWith('#~')) {
        // Obsolete entries: `#~ msgid "…"`; `#~|` is a previous msgid, a comment.
        if (line.startsWith('#~|')) continue;
        line = line.slice(2).trim();
        obsolete = true;
      } else {
        if (line.startsWith('#,') && /\bfuzzy\b/.test(line)) pendingFuzzy = true;
        continue;
      }
    }
    if (line === '') continue;
    const keyword = keywordOf(line);
    const str = unquote(line, keyword ? keyword.from : 0);
    if (str === undefined) throw new Error(`line ${lineNo} is not PO syntax`);
    if (!keyword) {
      append(str);
      continue;
    }
    // A msgid opens an entry unless a msgctxt just did.
    if (keyword.field === 'msgctxt' || (keyword.field === 'msgid' && field !== 'msgctxt')) start(obsolete);
    if (keyword.field === 'msgstr') cur!.msgstr.push('');
    field = keyword.field;
    append(str);
  }
  if (cur) entries.push(cur);
  return entries;
}

/** A tag's catalog as the rules compare it: what is in effect, by MO key. */
export interface PoCatalog {
  entries: PoEntry[];
  /** Translations in effect: MO key → msgstr forms joined by NUL. */
  active: Map<string, string>;
}

export function poCatalog(entries: PoEntry[]): PoCatalog {
  const active = new Map<string, string>();
  for (const e of entries) if (isActive(e)) active.set(poKey(e), e.msgstr.join('\0'));
  return { entries, active };
}

/** Header fields of the `msgid ""` entry, by name. */
export function poHeader(entries: PoEntry[]): Map<string, string> {
  const header = entries.find((e) => e.msgid === '' && e.msgctxt === undefined && !e.obsolete);
  const fields = new Map<string, string>();
  for (const line of (header?.msgstr[0] ?? '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}
