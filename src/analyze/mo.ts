/**
 * Reader for GNU MO catalogs (the `.gmo` files msgfmt compiles from `.po`),
 * including revision 1's system-dependent strings (`%<PRIu64>`).
 * Format: https://www.gnu.org/software/gettext/manual/html_node/MO-Files.html
 * and gettext's gmo.h for the system-dependent tables.
 */
import { escapeRegExp } from './regexp.js';

/** The magic number, written in the byte order of the machine that compiled the catalog. */
const MAGIC = 0x950412de;
const SEGMENTS_END = 0xffffffff;

/** Byte order of the catalog, or undefined when the bytes are not an MO file. */
export function moByteOrder(bytes: Buffer): 'le' | 'be' | undefined {
  if (bytes.length < 28) return undefined;
  if (bytes.readUInt32LE(0) === MAGIC) return 'le';
  if (bytes.readUInt32BE(0) === MAGIC) return 'be';
  return undefined;
}

export interface MoCatalog {
  /** key (`ctxt\x04msgid\0plural`, as in the .po) → translation (plural forms joined by NUL). */
  pairs: Map<string, string>;
  /** Bytes no table, string or hash slot accounts for: room to hide data in. */
  unaccounted: number;
}

/**
 * Parse a catalog; throws when a table points outside the file. Strings are
 * decoded as `encoding`: compare them with a `.po` decoded the same way.
 */
export function parseMo(bytes: Buffer, encoding: 'utf8' | 'latin1' = 'utf8'): MoCatalog {
  const pairs = new Map<string, string>();
  const unaccounted = readMo(bytes, encoding, (key, value) => void pairs.set(key, value));
  return { pairs, unaccounted };
}

/**
 * Each pair of the catalog as it is decoded, in the order of its tables
 * (a key the file repeats comes as often as it does); returns the bytes no
 * table, string or hash slot accounts for. Throws as parseMo.
 */
function readMo(bytes: Buffer, encoding: 'utf8' | 'latin1', onPair: (key: string, value: string) => void): number {
  const order = moByteOrder(bytes);
  if (!order) throw new Error('not an MO catalog');
  const used = new Uint8Array(bytes.length);
  const claim = (at: number, length: number) => {
    if (at + length > bytes.length) throw new Error(`MO data at ${at}+${length} outside the file`);
    used.fill(1, at, at + length);
  };
  const read = order === 'le' ? (at: number) => bytes.readUInt32LE(at) : (at: number) => bytes.readUInt32BE(at);
  const u32 = (at: number) => {
    claim(at, 4);
    return read(at);
  };
  claim(0, 4); // the magic
  const revision = u32(4);
  // gettext reads major revision 0 only; minor revision 1 adds system-dependent strings.
  if (revision >>> 16 !== 0) throw new Error(`MO revision ${revision >>> 16}.${revision & 0xffff} is not one gettext reads`);
  const count = u32(8);
  const originals = u32(12);
  const translations = u32(16);
  const hashSize = u32(20);
  claim(u32(24), 4 * hashSize);
  // Each string table claimed whole, its entries then read unchecked: the
  // same bytes claimed, and the same files refused, as entry by entry.
  const claimTable = (table: number, entries: number) => entries > 0 && claim(table, 8 * entries);
  claimTable(originals, count);
  claimTable(translations, count);
  const str = (table: number, i: number) => {
    const length = read(table + 8 * i);
    const offset = read(table + 8 * i + 4);
    claim(offset, length + 1); // with its NUL
    return bytes.toString(encoding, offset, offset + length);
  };
  for (let i = 0; i < count; i++) onPair(str(originals, i), str(translations, i));
  if ((revision & 0xffff) >= 1) {
    // System-dependent strings: static pieces joined by named segments,
    // which the .po spells `<PRIu64>`.
    const segments: string[] = [];
    const segmentCount = u32(28);
    const segmentTable = u32(32);
    claimTable(segmentTable, segmentCount);
    for (let i = 0; i < segmentCount; i++) segments.push(str(segmentTable, i).replace(/\0+$/, ''));
    const sysdepCount = u32(36);
    const sysdep = (table: number, i: number) => {
      let at = u32(table + 4 * i);
      let piece = u32(at);
      let out = '';
      for (;;) {
        const size = u32(at + 4);
        const ref = u32(at + 8);
        at += 8;
        claim(piece, size);
        out += bytes.toString(encoding, piece, piece + size);
        piece += size;
        if (ref === SEGMENTS_END) return out.replace(/\0$/, '');
        if (ref >= segments.length) throw new Error(`MO segment ${ref} does not exist`);
        out += `<${segments[ref]}>`;
      }
    };
    const origSysdep = u32(40);
    const transSysdep = u32(44);
    for (let i = 0; i < sysdepCount; i++) onPair(sysdep(origSysdep, i), sysdep(transSysdep, i));
  }
  return zeros(used);
}

/** How many bytes are 0, counted by runs: an MO file's unclaimed bytes are a few runs of padding. */
function zeros(used: Uint8Array): number {
  const bytes = Buffer.from(used.buffer, used.byteOffset, used.byteLength);
  let count = 0;
  for (let at = bytes.indexOf(0); at >= 0; ) {
    const end = bytes.indexOf(1, at);
    if (end < 0) return count + bytes.length - at;
    count += end - at;
    at = bytes.indexOf(0, end);
  }
  return count;
}

/** Alignment padding msgfmt may leave between tables: more unaccounted bytes than this could carry a payload. */
export const maxUnaccounted = 16;

/**
 * How many translations an MO catalog carries (its header aside) when msgfmt
 * could have compiled it from a catalog whose translations in effect are
 * `active`: each of its translations is in effect there with the same text,
 * and no bytes beyond alignment are left over. Undefined when not. Read from
 * the catalog's bytes, with no map of its pairs: each is looked up as it is
 * decoded, and every one the file holds is, a key it repeats as often as it
 * does (gettext could find any of them). Throws as parseMo.
 */
export function moTranslationsIn(bytes: Buffer, encoding: 'utf8' | 'latin1', active: ReadonlyMap<string, string>): number | undefined {
  let translations = 0;
  let differs = false;
  const unaccounted = readMo(bytes, encoding, (key, value) => {
    // The header (key ''): dates and names, no translation.
    if (differs || key === '') return;
    if (active.get(key) === value) translations++;
    else if (!isSysdepExpansion(key, value, active)) differs = true;
  });
  return differs || unaccounted > maxUnaccounted ? undefined : translations;
}

/**
 * The length modifiers a C library's <inttypes.h> puts before the conversion
 * in each PRI macro, by the macro's size (glibc, musl, the BSDs, Windows).
 */
const priModifiers: Record<string, readonly string[]> = {
  '8': ['', 'hh'],
  '16': ['', 'h', 'l'],
  '32': ['', 'l'],
  '64': ['l', 'll', 'I64'],
  MAX: ['j', 'l', 'll', 'I64'],
  PTR: ['', 'l', 'll', 'I64'],
};

/** A segment name of the PRI family, as the .po spells it: `PRIu64`, `PRIdLEAST32`, `PRIxMAX`. */
const priSegment = /<(PRI([diouxX])(?:LEAST|FAST)?(8|16|32|64|MAX|PTR))>/g;

interface SysdepEntry {
  /** Matches a key with each segment expanded, the same way wherever a segment recurs. */
  key: RegExp;
  names: string[];
  value: string;
}

const sysdepEntries = new WeakMap<ReadonlyMap<string, string>, SysdepEntry[]>();

/**
 * The entries in effect whose key holds a PRI segment, each with its key as a
 * pattern of its expansions; a plural entry also with its msgid_plural left
 * as it is (msgfmt expands the msgid and the translations, which gettext
 * looks up and prints, and may leave the plural's key alone).
 */
function sysdepOf(active: ReadonlyMap<string, string>): SysdepEntry[] {
  let entries = sysdepEntries.get(active);
  if (entries) return entries;
  entries = [];
  for (const [key, value] of active) {
    if (!key.includes('<PRI')) continue;
    const plural = key.indexOf('\0');
    const forms = plural < 0 ? [[key, '']] : [[key, ''], [key.slice(0, plural), key.slice(plural)]];
    for (const [expanded, literal] of forms as Array<[string, string]>) {
      const names: string[] = [];
      const pattern = expansions(expanded, names);
      if (names.length > 0) entries.push({ key: new RegExp(`^${pattern}${escapeRegExp(literal)}$`, 's'), names, value });
    }
  }
  sysdepEntries.set(active, entries);
  return entries;
}

/**
 * A pattern of `text` with each PRI segment in it as the expansions a C
 * library gives it, a capture group per segment name (a name it meets again
 * refers back to it); the names are pushed on `names` in group order.
 */
function expansions(text: string, names: string[]): string {
  let pattern = '';
  let at = 0;
  for (const m of text.matchAll(priSegment)) {
    pattern += escapeRegExp(text.slice(at, m.index));
    at = m.index + m[0].length;
    const [, name, conversion, size] = m as unknown as [string, string, string, string];
    const i = names.indexOf(name);
    if (i >= 0) {
      pattern += `\\${i + 1}`;
      continue;
    }
    names.push(name);
    pattern += `(${priModifiers[size]!.map((mod) => escapeRegExp(mod + conversion)).join('|')})`;
  }
  return pattern + escapeRegExp(text.slice(at));
}

/**
 * Whether a static pair of a catalog is a system-dependent entry in effect
 * with its segments expanded. msgfmt of newer gettext (0.23's output, for
 * one) writes each string with `%<PRIu64>` twice more as plain strings,
 * with `%lu` and with `%llu`, for C libraries that do not read the
 * system-dependent tables. The key and the translation must expand each
 * segment the same way: the translators' text, with the modifier a C
 * library gives that macro, and nothing else.
 */
function isSysdepExpansion(key: string, value: string, active: ReadonlyMap<string, string>): boolean {
  if (!key.includes('%')) return false;
  for (const entry of sysdepOf(active)) {
    const m = entry.key.exec(key);
    if (!m) continue;
    let unknown = false;
    const expanded = entry.value.replace(priSegment, (whole, name: string) => {
      const i = entry.names.indexOf(name);
      if (i < 0) unknown = true;
      return i < 0 ? whole : m[i + 1]!;
    });
    if (!unknown && expanded === value) return true;
  }
  return false;
}
