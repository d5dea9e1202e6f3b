/**
 * Float32 fused multiply-add: `a * b + c` with a single rounding to float32.
 *
 * PyTorch's AVX2 kernel is compiled with FMA contraction, so its mul-then-add pairs
 * round once; emulating them with two `Math.fround`s drifts by an ulp now and then.
 * For float32 inputs `a * b` is exact in float64 (48 significant bits), so only the
 * addition rounds. To avoid double rounding (float64, then float32) we keep the
 * addition's error term and round the float64 sum *to odd* before narrowing, which
 * is exact whenever the wider format has at least two more bits (53 >= 24 + 2).
 */

const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer);
// Index of the low 32-bit word of a float64 on this platform's byte order.
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** `a * b + c` for float32 values `a`, `b`, `c`, rounded once to float32. */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact
  const s = p + c;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb); // s + err === p + c exactly (TwoSum)
  if (err === 0 || !Number.isFinite(s)) return Math.fround(s);
  f64[0] = s;
  let lo = words[LO]!;
  if ((lo & 1) === 0) {
    // Step to the odd neighbour that lies on the side of the true value.
    const awayFromZero = err > 0 === s > 0;
    if (awayFromZero) {
      words[LO] = lo + 1;
    } else if (lo === 0) {
      words[LO] = 0xffffffff;
      words[HI] = words[HI]! - 1;
    } else {
      lo -= 1;
      words[LO] = lo;
    }
  }
  return Math.fround(f64[0]!);
}
