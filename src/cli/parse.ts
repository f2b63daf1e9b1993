import { CuckooError } from '../errors.js';

const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `512M`, `16G`, `8MiB`, `1000` → bytes. */
export function parseSize(flag: string, value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.floor(value);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(String(value));
  if (!m) throw new CuckooError('usage', `${flag}: not a size: ${JSON.stringify(value)}`, { hint: 'use a number of bytes or a size such as 512M or 16G' });
  return Math.floor(Number(m[1]) * units[m[2]!.toLowerCase()]!);
}

/** A whole number of at least `min`, as typed (options declared as strings so a bad one can be quoted). */
export function parseCount(flag: string, value: unknown, min = 0): number {
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new CuckooError('usage', `${flag}: not a whole number: ${JSON.stringify(String(value))}`);
  if (n < min) throw new CuckooError('usage', `${flag}: must be at least ${min}, got ${n}`);
  return n;
}

/** `--submodule NAME=PATH|URL`, repeatable. */
export function parseSubmoduleSources(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) {
      throw new CuckooError('usage', `--submodule: expected NAME=PATH or NAME=URL, got ${JSON.stringify(value)}`);
    }
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}
