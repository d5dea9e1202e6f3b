/**
 * The aesthetic runs' trick (docs/methods.md#metric-optimization): after each step, rescale the optimized values to
 * their initial standard deviation and shift them back to their initial mean, so the
 * embedding stays in the region the text encoder produces.
 */
export interface Statistics {
  mean: number;
  std: number;
}

export function statistics(x: Float32Array): Statistics {
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let sq = 0;
  for (const v of x) sq += (v - mean) * (v - mean);
  // Population std, as torch.std(unbiased=False); the choice cancels out when restoring.
  return { mean, std: Math.sqrt(sq / x.length) };
}

/** In place: make `x` have the given mean and std (a constant vector only gets the mean). */
export function restoreStatistics(x: Float32Array, target: Statistics): void {
  const now = statistics(x);
  const scale = now.std > 0 ? target.std / now.std : 0;
  for (let k = 0; k < x.length; k++) x[k] = (x[k] - now.mean) * scale + target.mean;
}
