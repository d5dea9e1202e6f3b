/**
 * Classifier-free guidance, `u + g * (c - u)` (Ho & Salimans 2022), as the paper and
 * diffusers write it: g = 1 is the conditional output alone, g = 0 the unconditional.
 */
export function classifierFreeGuidance(uncond: Float32Array, cond: Float32Array, guidance: number): Float32Array {
  if (uncond.length !== cond.length) {
    throw new Error(`guidance: unconditional output has ${uncond.length} values, conditional ${cond.length}`);
  }
  const out = new Float32Array(uncond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i]! + guidance * (cond[i]! - uncond[i]!);
  return out;
}
