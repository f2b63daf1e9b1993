/**
 * XXH64 (seed 0), the hash whose low 32 bits close a zstd frame as its
 * content checksum (RFC 8878, 3.1.1). Written from the algorithm's published
 * description (xxhash's doc/xxhash_spec.md), streaming, in 32-bit halves:
 * BigInt arithmetic would be a hundred times slower than the decoder it checks.
 *
 * A 64-bit value is two unsigned 32-bit numbers, high and low. Products are
 * taken modulo 2^64: the low halves' full 64-bit product (from 16-bit
 * pieces, exact in doubles) plus the cross products' low 32 bits in the high half.
 */

// The five primes, as high and low halves. Halves are kept as signed 32-bit
// integers (`| 0`) throughout: V8 holds those unboxed, where an unsigned half
// above 2^31 would be a heap number allocated at every step.
const P1H = 0x9e3779b1 | 0, P1L = 0x85ebca87 | 0;
const P2H = 0xc2b2ae3d | 0, P2L = 0x27d4eb4f | 0;
const P3H = 0x165667b1 | 0, P3L = 0x9e3779f9 | 0;
const P4H = 0x85ebca77 | 0, P4L = 0xc2b2ae63 | 0;
const P5H = 0x27d4eb2f | 0, P5L = 0x165667c5 | 0;

/** The high half of the 64-bit product of two 32-bit halves, read as unsigned. */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const carry = ((p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)) >>> 16;
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + carry) | 0;
}

// Results of the 64-bit steps below: one pair, not an object per step.
let H = 0, L = 0;

/** (h, l) * (bh, bl) mod 2^64, into H and L. */
function mul(h: number, l: number, bh: number, bl: number): void {
  H = (mulHigh(l, bl) + Math.imul(h, bl) + Math.imul(l, bh)) | 0;
  L = Math.imul(l, bl);
}

/** (h, l) + (bh, bl) mod 2^64, into H and L. */
function add(h: number, l: number, bh: number, bl: number): void {
  const low = (l >>> 0) + (bl >>> 0);
  L = low | 0;
  H = (h + bh + (low > 0xffffffff ? 1 : 0)) | 0;
}

/** (h, l) rotated left by r bits, 0 < r < 32, into H and L. */
function rotl(h: number, l: number, r: number): void {
  H = (h << r) | (l >>> (32 - r));
  L = (l << r) | (h >>> (32 - r));
}

/** round(acc, lane): acc + lane * P2, rotated left 31, times P1; into H and L. */
function round(ah: number, al: number, lh: number, ll: number): void {
  mul(lh, ll, P2H, P2L);
  add(ah, al, H, L);
  rotl(H, L, 31);
  mul(H, L, P1H, P1L);
}

const u32 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

export class Xxh64 {
  // The four accumulators, set up for seed 0: P1 + P2, P2, 0, -P1 (as high and low halves).
  private v1h = 0;
  private v1l = 0;
  private v2h = P2H;
  private v2l = P2L;
  private v3h = 0;
  private v3l = 0;
  private v4h = 0;
  private v4l = 0;
  private total = 0;
  /** Bytes short of a 32-byte stripe, kept for the next update. */
  private readonly rest = new Uint8Array(32);
  private restLength = 0;

  constructor() {
    add(P1H, P1L, P2H, P2L);
    this.v1h = H;
    this.v1l = L;
    // -P1 mod 2^64: its two's complement.
    add(~P1H, ~P1L, 0, 1);
    this.v4h = H;
    this.v4l = L;
  }

  update(data: Uint8Array): this {
    this.total += data.length;
    let at = 0;
    if (this.restLength > 0) {
      const take = Math.min(32 - this.restLength, data.length);
      this.rest.set(data.subarray(0, take), this.restLength);
      this.restLength += take;
      at = take;
      if (this.restLength < 32) return this;
      this.stripes(this.rest, 0, 32);
      this.restLength = 0;
    }
    const end = at + ((data.length - at) & ~31);
    this.stripes(data, at, end);
    this.rest.set(data.subarray(end), 0);
    this.restLength = data.length - end;
    return this;
  }

  /** The 32-byte stripes of data[from, to), to - from a multiple of 32. */
  private stripes(data: Uint8Array, from: number, to: number): void {
    let { v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l } = this;
    for (let i = from; i < to; i += 32) {
      round(v1h, v1l, u32(data, i + 4), u32(data, i));
      v1h = H;
      v1l = L;
      round(v2h, v2l, u32(data, i + 12), u32(data, i + 8));
      v2h = H;
      v2l = L;
      round(v3h, v3l, u32(data, i + 20), u32(data, i + 16));
      v3h = H;
      v3l = L;
      round(v4h, v4l, u32(data, i + 28), u32(data, i + 24));
      v4h = H;
      v4l = L;
    }
    Object.assign(this, { v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l });
  }

  /** The hash as 16 hex digits. */
  digest(): string {
    const [h, l] = this.final();
    return (h >>> 0).toString(16).padStart(8, '0') + (l >>> 0).toString(16).padStart(8, '0');
  }

  /** The low 32 bits of the hash: what a zstd frame stores. */
  low32(): number {
    return this.final()[1] >>> 0;
  }

  private final(): [number, number] {
    let hh: number, hl: number;
    if (this.total >= 32) {
      rotl(this.v1h, this.v1l, 1);
      let sh = H, sl = L;
      rotl(this.v2h, this.v2l, 7);
      add(sh, sl, H, L);
      sh = H;
      sl = L;
      rotl(this.v3h, this.v3l, 12);
      add(sh, sl, H, L);
      sh = H;
      sl = L;
      rotl(this.v4h, this.v4l, 18);
      add(sh, sl, H, L);
      hh = H;
      hl = L;
      for (const [vh, vl] of [[this.v1h, this.v1l], [this.v2h, this.v2l], [this.v3h, this.v3l], [this.v4h, this.v4l]] as const) {
        // mergeRound: acc ^ round(0, v), times P1, plus P4.
        round(0, 0, vh, vl);
        mul(hh ^ H, hl ^ L, P1H, P1L);
        add(H, L, P4H, P4L);
        hh = H;
        hl = L;
      }
    } else {
      hh = P5H;
      hl = P5L;
    }
    // The length, modulo 2^64 (a double holds it exactly below 2^53).
    add(hh, hl, Math.floor(this.total / 0x100000000) | 0, this.total | 0);
    hh = H;
    hl = L;
    const rest = this.rest;
    let i = 0;
    for (; i + 8 <= this.restLength; i += 8) {
      round(0, 0, u32(rest, i + 4), u32(rest, i));
      rotl(hh ^ H, hl ^ L, 27);
      mul(H, L, P1H, P1L);
      add(H, L, P4H, P4L);
      hh = H;
      hl = L;
    }
    if (i + 4 <= this.restLength) {
      mul(0, u32(rest, i), P1H, P1L);
      rotl(hh ^ H, hl ^ L, 23);
      mul(H, L, P2H, P2L);
      add(H, L, P3H, P3L);
      hh = H;
      hl = L;
      i += 4;
    }
    for (; i < this.restLength; i++) {
      mul(0, rest[i]!, P5H, P5L);
      rotl(hh ^ H, hl ^ L, 11);
      mul(H, L, P1H, P1L);
      hh = H;
      hl = L;
    }
    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hl ^= hh >>> 1;
    mul(hh, hl, P2H, P2L);
    hh = H;
    hl = L;
    hl ^= (hl >>> 29) | (hh << 3);
    hh ^= hh >>> 29;
    mul(hh, hl, P3H, P3L);
    hh = H;
    hl = L;
    hl ^= hh;
    return [hh, hl];
  }
}

/** XXH64 of one buffer, as 16 hex digits. */
export function xxh64(data: Uint8Array): string {
  return new Xxh64().update(data).digest();
}
