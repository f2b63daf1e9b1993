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
const HASH = 0x23;
const BACKSLASH = 0x5c;

/**
 * The text of the quoted string that runs from `from` to `end` in `text` (a
 * trimmed line ends at `end`), escapes resolved; undefined when it is not
 * one: no closing quote, a quote left unescaped inside, or anything after it.
 */
function unquote(text: string, from: number, end: number): string | undefined {
  if (from >= end || text.charCodeAt(from) !== QUOTE) return undefined;
  // Most strings have no escape: one slice, no copies built up.
  let i = from + 1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i === end - 1 ? text.slice(from + 1, i) : undefined;
    if (c === BACKSLASH) break;
  }
  let out = '';
  let run = from + 1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      if (i + 1 >= end) return undefined;
      const e = text[i + 1]!;
      out += text.slice(run, i) + (escapes[e] ?? `\\${e}`);
      i++;
      run = i + 1;
    } else if (c === QUOTE) {
      return i === end - 1 ? out + text.slice(run, i) : undefined;
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
 * The keyword the line from `start` to `end` opens with, and where its
 * string starts; undefined for a continuation string. `msgstr[N]` counts as
 * msgstr. Keywords hold no space, and the line is trimmed, so none can match
 * past its end.
 */
function keywordAt(text: string, start: number, end: number): { field: Field; from: number } | undefined {
  if (text.charCodeAt(start) !== 0x6d /* m */) return undefined;
  for (const k of keywords) {
    if (!text.startsWith(k, start)) continue;
    let i = start + k.length;
    if (k === 'msgstr' && text.charCodeAt(i) === 0x5b /* [ */) {
      const close = text.indexOf(']', i);
      if (close < 0 || close >= end || !/^\[\d+$/.test(text.slice(i, close))) return undefined;
      i = close + 1;
    }
    if (i >= end || !spaceAt(text, i)) continue;
    while (i < end && spaceAt(text, i)) i++;
    return { field: k, from: i };
  }
  return undefined;
}

/** Bytes decoded at a time when a catalog is read from its bytes. */
const pieceBytes = 64 * 1024;

/**
 * A catalog's bytes as latin1 text in pieces of whole lines, each about
 * `pieceBytes` (a longer line is a piece of its own). A string of a whole
 * catalog is one large object, which the engine gives fresh memory from the
 * system each time (its pages faulted in one by one, a cost that dominates on
 * some virtual machines); pieces this size come from pages the young
 * generation reuses, and die there once their entries have been looked at.
 */
function* latin1Pieces(bytes: Buffer): Generator<string> {
  for (let at = 0; at < bytes.length; ) {
    const end = pieceEnd(bytes, at);
    yield bytes.toString('latin1', at, end);
    at = end;
  }
}

/**
 * Parse a PO file; throws on a line that is not PO syntax. Lines are read
 * where they lie in `text`, by their bounds: a 40 MB catalog is not cut into
 * a million line strings first.
 */
export function parsePo(text: string): PoEntry[] {
  const entries: PoEntry[] = [];
  readPo(text, (e) => entries.push(e));
  return entries;
}

/**
 * parsePo's entries one at a time, in order, none kept: a caller that keeps
 * what it needs of each (a key, a count) leaves the rest to die young, where
 * collecting them costs almost nothing, instead of a catalog of objects that
 * the collector copies twice on the way to the old generation. Throws, as
 * parsePo, on a line that is not PO syntax, after the entries before it.
 * Bytes are read as latin1, a character per byte, a piece at a time (see
 * latin1Pieces).
 */
export function readPo(input: string | Buffer, onEntry: (entry: PoEntry) => void): void {
  if (!primed) prime();
  readEntries(input, onEntry);
}

/** The reader's state between the pieces of one input. */
interface ReadState {
  cur: PoEntry | undefined;
  pendingFuzzy: boolean;
  field: Field | undefined;
  lineNo: number;
  onEntry: (entry: PoEntry) => void;
}

/**
 * The input a piece of whole lines at a time (latin1Pieces for bytes; a
 * string cut the same way), each read by one call of readLines. One call
 * over a whole catalog kept its loop running long enough for V8 to compile
 * the reader twice, once for the loop in flight and once whole, each a
 * 40 to 90 ms job; called a piece at a time, the next piece runs the whole
 * function's compiled code as soon as it is ready, and the loop's own is
 * made only when that one comes late (see prime).
 */
function readEntries(input: string | Buffer, onEntry: (entry: PoEntry) => void): void {
  const state: ReadState = { cur: undefined, pendingFuzzy: false, field: undefined, lineNo: 0, onEntry };
  if (typeof input === 'string') {
    for (let at = 0; at < input.length; ) {
      const end = pieceEnd(input, at);
      readLines(state, input, at, end);
      at = end;
    }
  } else {
    for (const text of latin1Pieces(input)) readLines(state, text, 0, text.length);
  }
  if (state.cur) emit(state, state.cur);
}

/** Where the piece of `text` (characters or bytes) from `at` ends: after the last line that ends within pieceBytes of it (a longer line is a piece of its own). */
function pieceEnd(text: string | Buffer, at: number): number {
  const end = at + pieceBytes;
  if (end >= text.length) return text.length;
  const nl = text.lastIndexOf('\n', end - 1);
  if (nl >= at) return nl + 1;
  const next = text.indexOf('\n', end);
  return next < 0 ? text.length : next + 1;
}

function append(state: ReadState, s: string): void {
  const { cur, field } = state;
  if (!cur || !field) throw new Error('string outside an entry');
  if (field === 'msgctxt') cur.msgctxt = (cur.msgctxt ?? '') + s;
  else if (field === 'msgid') cur.msgid += s;
  else if (field === 'msgid_plural') cur.msgidPlural = (cur.msgidPlural ?? '') + s;
  else cur.msgstr[cur.msgstr.length - 1] += s;
}

function emit(state: ReadState, e: PoEntry): void {
  if (e.msgstr === noStrings) e.msgstr = [];
  state.onEntry(e);
}

function start(state: ReadState, obsolete: boolean): void {
  if (state.cur) emit(state, state.cur);
  // No array until a msgstr comes: an empty literal that is pushed to takes room for 17.
  state.cur = { msgid: '', msgstr: noStrings, fuzzy: state.pendingFuzzy, obsolete };
  state.pendingFuzzy = false;
}

/** The lines of `text` from `at` to `stop` (whole lines). */
function readLines(state: ReadState, text: string, at: number, stop: number): void {
  while (at < stop) {
    let next = text.indexOf('\n', at);
    if (next < 0 || next > stop) next = stop;
    // The line is text[from, end), trimmed as String.prototype.trim would.
    let from = at;
    let end = next;
    at = next + 1;
    state.lineNo++;
    while (from < end && spaceAt(text, from)) from++;
    while (end > from && spaceAt(text, end - 1)) end--;
    if (from === end) continue;
    let obsolete = false;
    if (text.charCodeAt(from) === 0x23 /* # */) {
      if (text.startsWith('#~', from)) {
        // Obsolete entries: `#~ msgid "…"`; `#~|` is a previous msgid, a comment.
        if (text.startsWith('#~|', from)) continue;
        from += 2;
        while (from < end && spaceAt(text, from)) from++;
        obsolete = true;
      } else {
        if (text.startsWith('#,', from) && /\bfuzzy\b/.test(text.slice(from, end))) state.pendingFuzzy = true;
        continue;
      }
    }
    if (from === end) continue;
    const keyword = keywordAt(text, from, end);
    const str = unquote(text, keyword ? keyword.from : from, end);
    if (str === undefined) throw new Error(`line ${state.lineNo} is not PO syntax`);
    if (!keyword) {
      append(state, str);
      continue;
    }
    // A msgid opens an entry unless a msgctxt just did.
    if (keyword.field === 'msgctxt' || (keyword.field === 'msgid' && state.field !== 'msgctxt')) start(state, obsolete);
    if (keyword.field === 'msgstr') state.cur!.msgstr = state.cur!.msgstr === noStrings ? [''] : [...state.cur!.msgstr, ''];
    state.field = keyword.field;
    append(state, str);
  }
}

/** The msgstr list of an entry before its first msgstr, never returned. */
const noStrings: string[] = [];

/**
 * A small catalog that takes every branch of the reader: the header, a
 * context, a plural with continued strings, escapes, a fuzzy flag, an empty
 * translation, obsolete entries with a previous msgid, and lines with
 * leading and trailing white space, a non-ASCII one (latin1's no-break
 * space) among them.
 */
const primer = [
  '# translator comment',
  '#, fuzzy',
  'msgid ""',
  'msgstr ""',
  '"Content-Type: text/plain; charset=UTF-8\\n"',
  '',
  '#: src/a.c:1',
  'msgctxt "menu"',
  '"bar"',
  'msgid "a\\tb"',
  'msgstr "x\\"y\\q"',
  '',
  'msgid "one"',
  'msgid_plural "many"',
  '  msgstr[0] "un"\t',
  'msgstr[1] "des"',
  '"\\\\ suite"\u00a0',
  '',
  '#, fuzzy, c-format',
  'msgid "f"',
  'msgstr "g"',
  '',
  '#, c-format',
  'msgid "h"',
  'msgstr ""',
  '',
  '#~| msgid "old"',
  '#~ msgid "gone"',
  '#~ msgstr "parti"',
  '',
].join('\n');

/**
 * The reader's inputs as the rules give them: a string of one byte per
 * character, one of two (a catalog decoded as UTF-8 with a character past
 * latin1), and bytes read as latin1.
 */
export function primingInputs(): Array<string | Buffer> {
  const wide = primer.replace('suite', 'su\u2013ite').replace('\u00a0', '');
  return [primer, wide, Buffer.from(primer, 'latin1'), Buffer.from(wide, 'utf8')];
}

let primed = false;

/**
 * The reader once over primingInputs, each passed to more callbacks than V8
 * inlines at one call, before the first real catalog. V8 optimizes a hot
 * function for the branches it has seen taken, the kinds of string it has
 * seen and the callbacks it has seen called; a catalog that takes another
 * (the first escape, the first obsolete entry, the first catalog of the other
 * string width or from another rule) throws the optimized code away, and the
 * reader runs unoptimized until it is compiled again, a 50 to 100 ms job
 * each time. Read cold, it was compiled six times in a coreutils 9.1 run
 * (387 ms of the compiler's time), primed twice (126 ms: the first compile
 * while a loop runs, then the whole function); in util-linux 2.38.1's six
 * and four (304 and 210 ms). Read a piece at a time (readEntries), the
 * reader is compiled once or twice per thread: in util-linux's main thread
 * once or twice (31 to 73 ms) where it was four times (142 to 171 ms). The
 * priming takes about 2 ms, once, at the first catalog.
 */
function prime(): void {
  primed = true;
  let seen = 0;
  const sinks: Array<(e: PoEntry) => void> = [
    (e) => (seen += e.msgstr.length),
    (e) => (seen += e.msgid.length),
    (e) => (seen += e.fuzzy ? 1 : 0),
    (e) => (seen += e.obsolete ? 1 : 0),
    (e) => (seen += e.msgctxt === undefined ? 0 : 1),
  ];
  for (const input of primingInputs()) for (const sink of sinks) readEntries(input, sink);
}

/** Bytes of a catalog's start looked at for its header entry (see headerEnd). */
const headerWindow = 64 * 1024;

/**
 * Where a catalog's header entry ends: the offset of the first line after the
 * header's strings that is not blank (the length when nothing follows).
 * Undefined unless the file opens with comments and a plain header (`msgid ""`
 * with no string added, then `msgstr` and its strings), and the first line
 * after it that is neither blank nor a comment opens an entry (`msgid` or
 * `msgctxt`, obsolete or not). Then readPo is in the same state there whatever
 * the header held (no fuzzy flag pending, no string that could still add to
 * the header): two catalogs whose bytes from there on are the same have the
 * same entries after their headers.
 */
export function headerEnd(bytes: Buffer): number | undefined {
  const text = bytes.toString('latin1', 0, Math.min(bytes.length, headerWindow));
  const whole = text.length === bytes.length;
  let stage: 'comments' | 'msgid' | 'msgstr' = 'comments';
  let split: number | undefined;
  for (let at = 0; at < text.length; ) {
    let next = text.indexOf('\n', at);
    if (next < 0) {
      // A line the window cuts is not looked at.
      if (!whole) return undefined;
      next = text.length;
    }
    const lineStart = at;
    let from = at;
    let end = next;
    at = next + 1;
    while (from < end && spaceAt(text, from)) from++;
    while (end > from && spaceAt(text, end - 1)) end--;
    if (from === end) continue;
    const comment = text.charCodeAt(from) === HASH;
    if (split === undefined) {
      if (stage === 'comments') {
        if (comment && !text.startsWith('#~', from)) continue;
        const k = keywordAt(text, from, end);
        if (k?.field !== 'msgid' || unquote(text, k.from, end) !== '') return undefined;
        stage = 'msgid';
        continue;
      }
      if (stage === 'msgid') {
        // The msgstr next: a string would add to the msgid, a comment could flag the entry after.
        const k = keywordAt(text, from, end);
        if (k?.field !== 'msgstr' || text.charCodeAt(from + 'msgstr'.length) === 0x5b /* [ */ || unquote(text, k.from, end) === undefined) return undefined;
        stage = 'msgstr';
        continue;
      }
      if (text.charCodeAt(from) === QUOTE) {
        if (unquote(text, from, end) === undefined) return undefined;
        continue;
      }
      split = lineStart;
    }
    // After the header, comments are passed over (an obsolete line is not one);
    // the first other line must open an entry.
    if (comment) {
      if (!text.startsWith('#~', from) || text.startsWith('#~|', from)) continue;
      from += 2;
      while (from < end && spaceAt(text, from)) from++;
      if (from === end) continue;
    }
    const k = keywordAt(text, from, end);
    return k?.field === 'msgid' || k?.field === 'msgctxt' ? split : undefined;
  }
  if (!whole) return undefined;
  return stage === 'msgstr' ? (split ?? bytes.length) : undefined;
}

/** A tag's catalog as the rules compare it: what is in effect, by MO key, and no entry objects. */
export interface PoCatalog {
  /** Translations in effect: MO key → msgstr forms joined by NUL. */
  active: Map<string, string>;
  /** Entries in effect, one per entry: more than active's size when a key comes twice. */
  activeEntries: number;
  /** The MO keys of every entry that is not obsolete, translated or not. */
  known: Set<string>;
  /** Fields of the header entry (see poHeader). */
  header: Map<string, string>;
}

/**
 * A catalog from its entries, as they come (see readPo): `add` each, then
 * `done`. Its `known` set is made when first asked for: only a release's
 * `.po` compared entry by entry needs it, and a tag's catalog is often read
 * for its translations alone (a `.gmo`'s check, a refresh that changed the
 * header only), where the set of every message was an eighth of the work.
 */
export function catalogBuilder(): { add(e: PoEntry): void; done(): PoCatalog } {
  const active = new Map<string, string>();
  /** Every key that is not obsolete, in order, for `known`. */
  const keys: string[] = [];
  let header: PoEntry | undefined;
  let activeEntries = 0;
  return {
    add(e) {
      if (!header && isHeader(e)) header = e;
      if (e.obsolete) return;
      const key = poKey(e);
      keys.push(key);
      if (!isActive(e)) return;
      active.set(key, e.msgstr.join('\0'));
      activeEntries++;
    },
    done: () => {
      let known: Set<string> | undefined;
      return {
        active,
        activeEntries,
        get known() {
          return (known ??= new Set(keys));
        },
        header: headerFields(header),
      };
    },
  };
}

/**
 * A catalog's obsolete translations (`#~`, translated, not fuzzy), by MO key:
 * msgmerge puts one back in effect, with its text, when its message returns.
 * Read only when a refreshed catalog has a translation in effect the tag's
 * catalog has not (see po-refresh): most catalogs never need it, and
 * util-linux's tag holds 22,000 such entries.
 */
export function obsoleteTranslations(bytes: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  readPo(bytes, (e) => {
    if (e.obsolete && !e.fuzzy && e.msgid !== '' && e.msgstr.some((m) => m !== '')) out.set(poKey(e), e.msgstr.join('\0'));
  });
  return out;
}

export function poCatalog(entries: Iterable<PoEntry>): PoCatalog {
  const builder = catalogBuilder();
  for (const e of entries) builder.add(e);
  return builder.done();
}

/** The entry gettext keeps its header in: `msgid ""`, no context, not obsolete. */
export const isHeader = (e: PoEntry) => e.msgid === '' && e.msgctxt === undefined && !e.obsolete;

/** Header fields of the `msgid ""` entry, by name. */
export function poHeader(entries: PoEntry[]): Map<string, string> {
  return headerFields(entries.find(isHeader));
}

/** The fields of a header entry, by name; none for no entry. */
export function headerFields(header: PoEntry | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of (header?.msgstr[0] ?? '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}
