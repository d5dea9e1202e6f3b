/**
 * Greedy farthest-point selection (docs/methods.md#human-feedback): start from `first`, then repeatedly take the
 * point whose distance to the nearest chosen point is largest. Gives `k` well-spread picks.
 */
export function farthestPoints(count: number, k: number, distance: (i: number, j: number) => number, first = 0): number[] {
  if (k > count) throw new Error(`cannot pick ${k} of ${count} points`);
  if (k === 0) return [];
  const chosen = [first];
  const nearest = Float64Array.from({ length: count }, (_, i) => distance(i, first));
  while (chosen.length < k) {
    let best = -1;
    for (let i = 0; i < count; i++) if (!chosen.includes(i) && (best < 0 || nearest[i] > nearest[best])) best = i;
    chosen.push(best);
    for (let i = 0; i < count; i++) nearest[i] = Math.min(nearest[i], distance(i, best));
  }
  return chosen;
}

/** Cosine similarity of two equally long vectors (0 when either is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}

/**
 * Picks `k` of a batch of embeddings [n, tokens, dim] spread apart by 1 - cosine of one token
 * row (the paper uses the last one, 76, which summarizes the prompt in CLIP's causal encoder).
 * `first` is where the greedy walk starts: another start gives another well-spread set.
 */
export function spreadEmbeddings(data: Float32Array, dims: readonly number[], k: number, row: number, first = 0): number[] {
  const [n, tokens, dim] = dims;
  if (row < 0 || row >= tokens) throw new Error(`row ${row} is outside 0..${tokens - 1}`);
  const rows = Array.from({ length: n }, (_, i) => data.subarray((i * tokens + row) * dim, (i * tokens + row + 1) * dim));
  return farthestPoints(n, k, (i, j) => 1 - cosine(rows[i], rows[j]), first);
}
