/**
 * Git LFS pointer files (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md):
 * under 1024 bytes, `key value\n` lines, `version` first and the other keys
 * sorted, with `oid sha256:<64 hex>` and `size <bytes>` required. A release
 * that carries the real file where the tag has a pointer is explained by it.
 */

export interface LfsPointer {
  /** sha256 of the real file, lower-case hex. */
  oid: string;
  size: number;
}

/** Spec URLs git-lfs accepts for `version` (the first is what it writes). */
const versions = new Set(['https://git-lfs.github.com/spec/v1', 'https://hawser.github.com/spec/v1', 'http://git-media.io/v/2']);

/** The pointer, or undefined when `buf` is not exactly a valid pointer. */
export function parseLfsPointer(buf: Uint8Array): LfsPointer | undefined {
  if (buf.length === 0 || buf.length >= 1024 || buf[buf.length - 1] !== 0x0a) return undefined;
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
  const lines = text.slice(0, -1).split('\n');
  let oid: string | undefined;
  let size: number | undefined;
  let previous = '';
  for (const [i, line] of lines.entries()) {
    const match = /^([a-z0-9.-]+) ([^\r\n]*)$/.exec(line);
    if (!match) return undefined;
    const [, key = '', value = ''] = match;
    if (i === 0) {
      if (key !== 'version' || !versions.has(value)) return undefined;
      continue;
    }
    if (key === 'version' || key <= previous) return undefined;
    previous = key;
    if (key === 'oid') {
      const m = /^sha256:([0-9a-f]{64})$/.exec(value);
      if (!m) return undefined;
      oid = m[1];
    } else if (key === 'size') {
      if (!/^(0|[1-9][0-9]*)$/.test(value)) return undefined;
      size = Number(value);
      if (!Number.isSafeInteger(size)) return undefined;
    } else if (!/^ext-[0-9]-[a-z0-9]+$/.test(key) || !/^sha256:[0-9a-f]{64}$/.test(value)) {
      return undefined;
    }
  }
  return oid !== undefined && size !== undefined ? { oid, size } : undefined;
}
