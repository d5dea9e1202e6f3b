import { describe, expect, it } from 'vitest';
import { fma32 } from '../../runtime/rng/fma32.js';

/** A normal float32 as integer mantissa * 2^exponent, exactly. */
function split(x: number): [bigint, number] {
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  const sign = bits >>> 31 ? -1n : 1n;
  const exp = (bits >>> 23) & 0xff;
  const mant = BigInt((bits & 0x7fffff) | (exp === 0 ? 0 : 0x800000));
  return [sign * mant, (exp === 0 ? 1 : exp) - 150];
}

/** a * b + c rounded once to float32 (ties to even), in exact integer arithmetic. */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = split(a);
  const [mb, eb] = split(b);
  const [mc, ec] = split(c);
  const e = Math.min(ea + eb, ec);
  const total = ma * mb * 2n ** BigInt(ea + eb - e) + mc * 2n ** BigInt(ec - e);
  if (total === 0n) return 0;
  const neg = total < 0n;
  let mag = neg ? -total : total;
  let shift = mag.toString(2).length - 24;
  if (shift > 0) {
    const rem = mag & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    mag >>= BigInt(shift);
    if (rem > half || (rem === half && (mag & 1n) === 1n)) mag += 1n;
  } else {
    shift = 0;
  }
  const v = Number(mag) * 2 ** (e + shift);
  return neg ? -v : v;
}

/** Deterministic float32 values spread over a few decades, both signs. */
function* floats(seed: number, n: number): Generator<[number, number, number]> {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const f = () => Math.fround((next() < 0.5 ? -1 : 1) * (0.5 + next()) * 2 ** Math.floor(next() * 16 - 8));
  for (let i = 0; i < n; i++) {
    const a = f();
    const b = f();
    // Every third case cancels the product almost exactly, where rounding is hardest.
    const c = i % 3 === 0 ? -Math.fround(a * b) : f();
    yield [a, b, c];
  }
}

describe('fma32 against exact integer arithmetic', () => {
  it('rounds 30000 random cases exactly like a hardware fused multiply-add', () => {
    let mismatches = 0;
    for (const [a, b, c] of floats(12345, 30000)) if (fma32(a, b, c) !== exactFma(a, b, c)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('matches the exact reference on the hand-made double-rounding case', () => {
    const a = 2 ** -24 * (1 + 2 ** -15);
    const b = 1 - 2 ** -15;
    const c = 1 + 2 ** -23;
    expect(exactFma(a, b, c)).toBe(1 + 2 ** -23);
    expect(fma32(a, b, c)).toBe(exactFma(a, b, c));
  });
});
