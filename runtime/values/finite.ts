import type { Value } from './types';

/** The index of the first NaN or infinity in `data`, or -1 when every value is finite. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    // v - v is 0 for finite numbers and NaN for NaN and both infinities: one test per value
    const v = data[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

/** `NaN at [0, 3, 17]`: what the first non-finite value of a tensor is and where, or undefined. */
export function nonFiniteAt(tensor: { dims: readonly number[]; data: ArrayLike<number> }): string | undefined {
  const i = firstNonFinite(tensor.data);
  if (i < 0) return undefined;
  const at: number[] = [];
  let rest = i;
  for (let d = tensor.dims.length - 1; d >= 0; d--) {
    const size = tensor.dims[d] || 1;
    at.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  const v = tensor.data[i];
  return `${Number.isNaN(v) ? 'NaN' : v > 0 ? 'infinity' : '-infinity'} at [${at.join(', ')}]`;
}

/** Where a socket value holds a NaN or infinity (`NaN at [0, 3, 17]`), or undefined when it is all finite. */
export function nonFiniteIn(value: Value): string | undefined {
  switch (value.kind) {
    case 'Embedding':
    case 'Latent':
    case 'Image':
      return nonFiniteAt(value.tensor);
    case 'Seeds':
      return value.noise ? nonFiniteAt(value.noise) : undefined;
    case 'Score':
    case 'Number':
      return nonFiniteAt({ dims: [value.values.length], data: value.values });
    default:
      return undefined;
  }
}
