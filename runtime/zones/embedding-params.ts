import type { Tensor } from '../values/types';

/**
 * Which numbers of an embedding [B, T, D] a GradientStep optimizes: every batch item is its
 * own parameter group (a prompt and a negative batched together keep separate norms and
 * statistics, docs/methods.md#metric-optimization), fixed rows (BOS by default) never move, and with `tie` one
 * vector is shared by all free rows (the seed-invariant method's single token vector).
 */
export interface EmbeddingLayout {
  batch: number;
  tokens: number;
  dim: number;
  freeRows: number[];
  tie: boolean;
}

export function makeLayout(dims: readonly number[], fixedRows: readonly number[], tie: boolean): EmbeddingLayout {
  if (dims.length !== 3) throw new Error(`the embedding must be [batch, tokens, dim], got [${dims.join(', ')}]`);
  const [batch, tokens, dim] = dims;
  for (const r of fixedRows) {
    if (!Number.isInteger(r) || r < 0 || r >= tokens) throw new Error(`fixed row ${r} is outside 0..${tokens - 1}`);
  }
  const fixed = new Set(fixedRows);
  const freeRows = Array.from({ length: tokens }, (_, r) => r).filter((r) => !fixed.has(r));
  if (freeRows.length === 0) throw new Error('every token row is fixed: nothing to optimize');
  return { batch, tokens, dim, freeRows, tie };
}

const rowAt = (l: EmbeddingLayout, item: number, row: number) => (item * l.tokens + row) * l.dim;

/** One vector per batch item: its free rows (or, tied, the last free row: the token that sums up the prompt). */
export function packValues(l: EmbeddingLayout, data: Float32Array): Float32Array[] {
  return Array.from({ length: l.batch }, (_, item) => {
    if (l.tie) {
      const at = rowAt(l, item, l.freeRows[l.freeRows.length - 1]);
      return data.slice(at, at + l.dim);
    }
    const out = new Float32Array(l.freeRows.length * l.dim);
    l.freeRows.forEach((row, k) => out.set(data.subarray(rowAt(l, item, row), rowAt(l, item, row) + l.dim), k * l.dim));
    return out;
  });
}

/** Gradient per group; tied rows add up (the chain rule for one vector used many times). */
export function packGradient(l: EmbeddingLayout, grad: Float32Array): Float32Array[] {
  return Array.from({ length: l.batch }, (_, item) => {
    const out = new Float32Array(l.tie ? l.dim : l.freeRows.length * l.dim);
    l.freeRows.forEach((row, k) => {
      const at = rowAt(l, item, row);
      const base = l.tie ? 0 : k * l.dim;
      for (let i = 0; i < l.dim; i++) out[base + i] += grad[at + i];
    });
    return out;
  });
}

/** A new embedding tensor: `base` (fixed rows) with the groups written into the free rows. */
export function unpack(l: EmbeddingLayout, base: Float32Array, groups: Float32Array[]): Tensor {
  const data = base.slice();
  groups.forEach((g, item) => {
    l.freeRows.forEach((row, k) => data.set(l.tie ? g : g.subarray(k * l.dim, (k + 1) * l.dim), rowAt(l, item, row)));
  });
  return { dims: [l.batch, l.tokens, l.dim], data };
}
