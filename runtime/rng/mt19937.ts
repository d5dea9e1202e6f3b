/**
 * MT19937 (32-bit Mersenne Twister), seeded the way PyTorch's CPU generator seeds it.
 *
 * Written from the published algorithm (Matsumoto & Nishimura, 1998). PyTorch's
 * `mt19937_engine` uses the reference `init_genrand` seeding on the low 32 bits of the
 * 64-bit seed and the standard tempering, so a stream seeded here equals
 * `torch.Generator().manual_seed(seed)`'s engine output word for word.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** `seed32` must already be reduced to an unsigned 32-bit integer. */
  constructor(seed32: number) {
    const s = this.state;
    s[0] = seed32 >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1]!;
      // Math.imul keeps the product modulo 2^32, as uint32 arithmetic in C does.
      s[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** Next tempered 32-bit output, as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    if (this.index >= N) this.regenerate();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Refill all 624 words at once (the "twist"). */
  private regenerate(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i]! & UPPER) | (s[(i + 1) % N]! & LOWER);
      let next = s[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) next ^= MATRIX_A;
      s[i] = next >>> 0;
    }
    this.index = 0;
  }
}

/**
 * Reduce a JS integer seed to the 32 bits the engine actually uses.
 *
 * torch accepts 64-bit seeds (negative ones wrap to 2^64 + seed) but the engine keeps
 * only `seed & 0xffffffff`; for any safe integer that equals the value modulo 2^32, so
 * seeds 1 and 2^32 + 1 (or -1 and 2^32 - 1) give the same noise, exactly as in torch.
 */
export function seedToUint32(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
  const r = seed % 4294967296;
  return (r < 0 ? r + 4294967296 : r) >>> 0;
}
