/**
 * Float32 log and sin/cos exactly as PyTorch's AVX2 `normal_fill` computes them.
 *
 * On x86 builds with AVX2 (the usual CPU case) torch.randn for float32 tensors of 16+
 * elements evaluates Box-Muller with the cephes-derived polynomial approximations of
 * `avx_mathfun.h`, not with libm. Those are a few float ulps off the true values, so to
 * be bit-identical we re-evaluate the same cephes polynomials here with every
 * intermediate rounded to float32 (`Math.fround`), one rounding per instruction, and
 * with a fused multiply-add wherever GCC contracts a multiply feeding an add (the
 * kernel is built with -mfma; without the fusion the golden values differ by 1-2 ulp).
 * Written from the cephes algorithm (range reduction by pi/4 with a three-part
 * extended-precision constant; degree-8 log polynomial around 1).
 */

import { fma32 as fma } from './fma32.js';

const f = Math.fround;

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

const SQRTHF = f(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = 1.1754943508222875e-38; // 2^-126, exact in float32

/** Natural log of a positive float32 `x`, rounded like the AVX2 cephes routine. */
export function cephesLogf(x: number): number {
  if (!(x > 0)) return NaN;
  scratchF[0] = Math.max(x, MIN_NORM_POS);
  const bits = scratchU[0]!;
  // Split into exponent e and mantissa m in [0.5, 1).
  let e = f(f((bits >>> 23) - 127) + 1);
  scratchU[0] = (bits & ~0x7f800000) | 0x3f000000;
  let m = scratchF[0]!;
  const below = m < SQRTHF;
  const tmp0 = below ? m : 0;
  m = f(m - 1);
  if (below) e = f(e - 1);
  m = f(m + tmp0);

  const z = f(m * m);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = fma(y, m, LOG_P[i]!);
  y = f(y * m);
  y = fma(y, z, f(e * LOG_Q1));
  y = f(y - f(z * 0.5));
  return fma(e, LOG_Q2, f(m + y));
}

const FOPI = f(1.27323954473516); // 4 / pi
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** Result holder reused by `cephesSincosf` so the hot loop allocates nothing. */
export interface SinCos {
  sin: number;
  cos: number;
}

/** sin and cos of a float32 `x` (|x| < 8192), rounded like the AVX2 cephes sincos. */
export function cephesSincosf(x: number, out: SinCos): SinCos {
  const negative = x < 0;
  let ax = Math.abs(x);
  // Octant index j, forced even: reduce to [-pi/4, pi/4] around j * pi/4.
  let j = Math.trunc(f(ax * FOPI)) | 0;
  j = (j + 1) & ~1;
  const yj = j; // exact in float32 for the argument range we use
  const sinFlip = (j & 4) !== 0;
  const usePolySinForSin = (j & 2) === 0;
  const cosFlip = (~(j - 2) & 4) !== 0;

  ax = fma(yj, DP1, ax);
  ax = fma(yj, DP2, ax);
  ax = fma(yj, DP3, ax);

  const z = f(ax * ax);
  let c = COS_P[0]!;
  c = fma(c, z, COS_P[1]!);
  c = fma(c, z, COS_P[2]!);
  c = f(c * z);
  c = fma(c, z, -f(z * 0.5));
  c = f(c + 1);

  let s = SIN_P[0]!;
  s = fma(s, z, SIN_P[1]!);
  s = fma(s, z, SIN_P[2]!);
  s = f(s * z);
  s = fma(s, ax, ax);

  const sinVal = usePolySinForSin ? s : c;
  const cosVal = usePolySinForSin ? c : s;
  out.sin = sinFlip !== negative ? -sinVal : sinVal;
  out.cos = cosFlip ? -cosVal : cosVal;
  return out;
}
