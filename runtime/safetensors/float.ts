import type { SafeTensor } from './format';

/** A float32 tensor as stored bytes (copied, so later edits of `data` do not leak in). */
export function fromFloat32(data: Float32Array, shape: number[]): SafeTensor {
  return { dtype: 'F32', shape, data: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Float tensors of any stored precision as float32 (embeddings shared as fp16 are common). */
export function toFloat32(t: SafeTensor): Float32Array {
  const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const n = t.data.length / ({ F32: 4, F16: 2, BF16: 2, F64: 8 } as Record<string, number>)[t.dtype];
  const out = new Float32Array(n);
  switch (t.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0];
      return out;
    default:
      throw new Error(`tensor of dtype ${t.dtype} is not a float tensor`);
  }
}
