import type { Tensor } from '../../values/types';

/** Small helpers for batch-major float32 tensors. */
export function rowSize(t: Tensor): number {
  return t.dims.slice(1).reduce((a, b) => a * b, 1);
}

export function batchOf(t: Tensor): number {
  return t.dims[0];
}

/** Rows `from..to` of the batch (a copy). */
export function sliceRows(t: Tensor, from: number, to: number): Tensor {
  const n = rowSize(t);
  return { dims: [to - from, ...t.dims.slice(1)], data: t.data.slice(from * n, to * n) };
}

/** Row `index` of `t`, as its own batch of one (a view, not a copy). */
export function rowView(t: Tensor, index: number): Float32Array {
  const n = rowSize(t);
  return t.data.subarray(index * n, (index + 1) * n);
}

export function concatRows(parts: readonly Tensor[]): Tensor {
  if (parts.length === 1) return parts[0];
  const tail = parts[0].dims.slice(1);
  const data = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { dims: [parts.reduce((a, p) => a + p.dims[0], 0), ...tail], data };
}

/** Picks rows by index (repeats allowed): how B embeddings become B*S UNet rows. */
export function gatherRows(t: Tensor, rows: readonly number[]): Tensor {
  const n = rowSize(t);
  const data = new Float32Array(rows.length * n);
  rows.forEach((r, i) => data.set(t.data.subarray(r * n, (r + 1) * n), i * n));
  return { dims: [rows.length, ...t.dims.slice(1)], data };
}

export function scale(data: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * factor;
  return out;
}
