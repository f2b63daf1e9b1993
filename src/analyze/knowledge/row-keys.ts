/**
 * Lookup by hash over fixed-width rows (the m4 history, index.bin): each row
 * as one number, the first four bytes of a hash column times `maxKeyedRows`
 * plus the row, sorted. A native sort of 30,000 numbers builds it in a few
 * milliseconds, where a map of lists took ten times as long; a binary search
 * finds the rows sharing a key.
 */

/** Rows a keyed file holds at most: a four-byte key times this, plus a row, is exact in a double (2^53). */
export const maxKeyedRows = 2 ** 21;

/** The sorted keys of the column at `offset` of `count` rows of `rowBytes` bytes each. */
export function sortedRowKeys(rows: Buffer, count: number, rowBytes: number, offset: number): Float64Array {
  const sorted = new Float64Array(count);
  for (let i = 0, at = offset; i < count; i++, at += rowBytes) {
    sorted[i] = ((rows[at]! | (rows[at + 1]! << 8) | (rows[at + 2]! << 16) | (rows[at + 3]! << 24)) >>> 0) * maxKeyedRows + i;
  }
  return sorted.sort();
}

/** The rows whose column starts with the same four bytes as `want`, in row order. */
export function rowsWithKey(sorted: Float64Array, want: Buffer): number[] {
  const first = want.readUInt32LE(0) * maxKeyedRows;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < first) lo = mid + 1;
    else hi = mid;
  }
  const rows: number[] = [];
  for (let k = lo; k < sorted.length && sorted[k]! < first + maxKeyedRows; k++) rows.push(sorted[k]! - first);
  return rows;
}
