/**
 * `--shard I/N`: which entries of a manifest one CI runner checks. An entry's
 * shard comes from a hash of its name, not its position, so adding or removing
 * an entry never moves the others to another shard (their cached downloads and
 * repositories stay on the runner that has them).
 */
import { createHash } from 'node:crypto';
import { CuckooError } from '../errors.js';

export interface Shard {
  /** 1-based, as CI matrices count. */
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new CuckooError('usage', `--shard: expected I/N with 1 <= I <= N, got ${JSON.stringify(value)}`, { hint: 'e.g. --shard 2/4 runs the second of four shards' });
  }
  return { index, count };
}

/** The 1-based shard of a name among `count`: the first 48 bits of its sha256, modulo count. */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}

export function inShard<T extends { name: string }>(entries: readonly T[], shard: Shard | undefined): T[] {
  return shard ? entries.filter((e) => shardOf(e.name, shard.count) === shard.index) : [...entries];
}
