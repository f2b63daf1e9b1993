// MO catalogs built in memory for the gettext tests.

/** A minimal MO catalog, as msgfmt writes it (strings sorted, NUL-terminated). */
export function mo(pairs: Array<[string | Buffer, string | Buffer]>, bigEndian = false): Buffer {
  const sorted = [...pairs].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const n = sorted.length;
  const header = 28;
  const tables = header + 16 * n;
  const strings: Buffer[] = [];
  const ids: Array<[number, number]> = [];
  const strs: Array<[number, number]> = [];
  let at = tables;
  for (const list of [0, 1]) {
    for (const pair of sorted) {
      const b = Buffer.from(pair[list]!);
      (list === 0 ? ids : strs).push([b.length, at]);
      strings.push(b, Buffer.alloc(1));
      at += b.length + 1;
    }
  }
  const out = Buffer.alloc(tables);
  const w = (v: number, o: number) => (bigEndian ? out.writeUInt32BE(v, o) : out.writeUInt32LE(v, o));
  w(0x950412de, 0);
  w(0, 4);
  w(n, 8);
  w(header, 12);
  w(header + 8 * n, 16);
  ids.forEach(([l, o], i) => (w(l, header + 8 * i), w(o, header + 8 * i + 4)));
  strs.forEach(([l, o], i) => (w(l, header + 8 * n + 8 * i), w(o, header + 8 * n + 8 * i + 4)));
  return Buffer.concat([out, ...strings]);
}
