import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Mt19937, seedToUint32, torchRandn } from '../../runtime/rng/index.js';

interface Case {
  seed: number;
  shape: number[];
  data: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/randn.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

/** Distance in float32 units in the last place, via the ordered integer encoding. */
function ulpDistance(a: number, b: number): number {
  const buf = new Float32Array([a, b]);
  const bits = new Int32Array(buf.buffer);
  const key = (x: number) => (x < 0 ? -(x & 0x7fffffff) : x);
  return Math.abs(key(bits[0]!) - key(bits[1]!));
}

describe('torchRandn against torch.randn golden values', () => {
  for (const c of fixture.cases) {
    it(`seed ${c.seed}, shape [${c.shape.join(',')}] is bit-identical`, () => {
      const got = torchRandn(c.seed, c.shape);
      expect(got.length).toBe(c.data.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, ulpDistance(got[i]!, c.data[i]!));
      expect(worst).toBe(0);
    });
  }

  it('covers shapes under and over 16 elements', () => {
    const sizes = new Set(fixture.cases.map((c) => c.data.length));
    expect([...sizes].some((n) => n < 16)).toBe(true);
    expect([...sizes].some((n) => n >= 16 && n % 16 !== 0)).toBe(true);
  });
});

describe('Mt19937', () => {
  it('matches the reference mt19937 first outputs for seed 5489', () => {
    // Values from the C++ standard's std::mt19937 (default seed 5489): 10000th output 4123659995.
    const mt = new Mt19937(5489);
    expect(mt.nextUint32()).toBe(3499211612);
    for (let i = 1; i < 9999; i++) mt.nextUint32();
    expect(mt.nextUint32()).toBe(4123659995);
  });
});

describe('seeds', () => {
  it('keeps the low 32 bits, so seed and seed + 2^32 give the same noise', () => {
    expect(seedToUint32(2 ** 32 - 1)).toBe(4294967295);
    expect(seedToUint32(2 ** 32 + 7)).toBe(7);
    expect(seedToUint32(-1)).toBe(4294967295);
    expect(Array.from(torchRandn(2 ** 32 + 42, [20]))).toEqual(Array.from(torchRandn(42, [20])));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => torchRandn(1.5, [2])).toThrow(RangeError);
    expect(() => torchRandn(2 ** 60, [2])).toThrow(RangeError);
  });

  it('gives an empty array for a zero-sized shape and rejects bad dims', () => {
    expect(torchRandn(0, [0, 4]).length).toBe(0);
    expect(() => torchRandn(0, [-1])).toThrow(RangeError);
  });
});

describe('distribution', () => {
  it('has mean ~0 and variance ~1 on both kernels', () => {
    for (const kernel of ['avx2', 'scalar'] as const) {
      const x = torchRandn(123, [65536], { kernel });
      let s = 0;
      let s2 = 0;
      for (const v of x) {
        s += v;
        s2 += v * v;
      }
      const mean = s / x.length;
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(Math.abs(s2 / x.length - mean * mean - 1)).toBeLessThan(0.03);
    }
  });
});
