import { describe, expect, it } from 'vitest';
import { fma32 } from '../../runtime/rng/fma32.js';
import { torchRandn } from '../../runtime/rng/index.js';

/**
 * torch 1.13 built without AVX2 (ATEN_CPU_CAPABILITY=default):
 * torch.randn(37, generator=torch.Generator().manual_seed(42)). libm's float sin/cos/log
 * are not always correctly rounded, so this path is matched to within 1 ulp.
 */
const SCALAR_SEED42_37 = [1.9269150495529175, 1.4872841835021973, 0.9007171988487244, -2.1055214405059814, 0.6784184575080872, -1.2345449924468994, -0.043067481368780136, -1.6046669483184814, -0.7521361708641052, 1.6487228870391846, -0.3924786448478699, -1.403606653213501, -0.7278812527656555, -0.5594298839569092, -0.7688389420509338, 0.7624453902244568, 1.6423169374465942, -0.15959732234477997, -0.4973974823951721, 0.4395892322063446, -0.7581311464309692, -0.42451897263526917, 0.30572032928466797, -0.7745925188064575, 0.03491166606545448, 0.3211030960083008, 1.573600172996521, -0.8454675078392029, 1.312307596206665, 2.1227850914001465, -1.234653353691101, -0.4879138767719269, -1.4180599451065063, 0.8962682485580444, 0.04990537837147713, 2.2667179107666016, 1.1789507865905762];

function ulpDistance(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const key = (x: number) => (x < 0 ? -(x & 0x7fffffff) : x);
  return Math.abs(key(bits[0]!) - key(bits[1]!));
}

describe('scalar (non-AVX2) kernel', () => {
  it('is within 1 ulp of torch built without AVX2', () => {
    const got = torchRandn(42, [37], { kernel: 'scalar' });
    for (let i = 0; i < got.length; i++) expect(ulpDistance(got[i]!, SCALAR_SEED42_37[i]!)).toBeLessThanOrEqual(1);
  });

  it('differs from the AVX2 kernel only in the last bits', () => {
    const a = torchRandn(42, [37], { kernel: 'scalar' });
    const b = torchRandn(42, [37], { kernel: 'avx2' });
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
  });

  it('uses the same serial path for both kernels below 16 elements', () => {
    expect(Array.from(torchRandn(7, [15], { kernel: 'scalar' }))).toEqual(Array.from(torchRandn(7, [15])));
  });
});

describe('fma32', () => {
  it('rounds once where two roundings would land on the wrong side of a tie', () => {
    const a = 2 ** -24 * (1 + 2 ** -15);
    const b = 1 - 2 ** -15;
    const c = 1 + 2 ** -23;
    // Exact value 1 + 2^-23 + 2^-24 - 2^-54 sits just below the float midpoint.
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fma32(a, b, c)).toBe(1 + 2 ** -23);
  });

  it('agrees with plain rounding when the sum is exact', () => {
    expect(fma32(1.5, 2, 0.25)).toBe(3.25);
    expect(fma32(-3, 0.5, 1.5)).toBe(0);
  });
});
