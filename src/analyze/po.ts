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

function unquote(s: string): string | undefined {
  // The unrolled form of ((?:[^"\\]|\\.)*): one step per run of plain characters.
  const m = /^"([^"\\]*(?:\\.[^"\\]*)*)"\s*$/.exec(s);
  if (!m) return undefined;
  const body = m[1]!;
  return body.includes('\\') ? body.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? `\\${c}`) : body;
}

type Field = 'msgctxt' | 'msgid' | 'msgid_plural' | 'msgstr';

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
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    let obsolete = false;
    if (line.startsWith('#~')) {
      // Obsolete entries: `#~ msgid "…"`; `#~|` is a previous msgid, a comment.
      if (line.startsWith('#~|')) continue;
      line = line.slice(2).trim();
      obsolete = true;
    } else if (line.startsWith('#')) {
      if (line.startsWith('#,') && /\bfuzzy\b/.test(line)) pendingFuzzy = true;
      continue;
    }
    if (line === '') continue;
    const m = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$/.exec(line);
    const str = unquote(m ? m[3]! : line);
    if (str === undefined) throw new Error(`line ${i + 1} is not PO syntax`);
    if (!m) {
      append(str);
      continue;
    }
    const keyword = m[1]!;
    // A msgid opens an entry unless a msgctxt just did.
    if (keyword === 'msgctxt' || (keyword === 'msgid' && field !== 'msgctxt')) start(obsolete);
    if (keyword.startsWith('msgstr')) {
      field = 'msgstr';
      cur!.msgstr.push('');
    } else field = keyword as Field;
    append(str);
  }
  if (cur) entries.push(cur);
  return entries;
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
