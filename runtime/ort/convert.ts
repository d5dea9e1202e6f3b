import * as ort from 'onnxruntime-web';
import type { Tensor } from '../values/types';
import { float32ToHalf, halfToFloat32 } from './float16';

/**
 * Conversions at the session boundary: the runtime keeps float32 (and plain integers for
 * token ids), the model gets whatever dtype its graph declares.
 */
export type HostData = Float32Array | Int32Array | number[];

/**
 * `Tensor` is the constructor of the package the session runs on: onnxruntime-web and
 * onnxruntime-node each bundle their own copy of the class.
 */
export function toOrtTensor(dtype: string, data: HostData, dims: readonly number[], Tensor: typeof ort.Tensor = ort.Tensor): ort.Tensor {
  switch (dtype) {
    case 'float32':
      return new Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
    case 'float16':
      return new Tensor('float16', float32ToHalf(data), dims);
    case 'float64':
      return new Tensor('float64', Float64Array.from(data), dims);
    // float -> int truncates, as numpy's astype and torch's .long() do in diffusers' ONNX
    // pipelines (a fractional Euler timestep 332.67 reaches an int64 UNet as 332)
    case 'int32':
      return new Tensor('int32', data instanceof Int32Array ? data : Int32Array.from(data, Math.trunc), dims);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(Array.from(data, (v) => BigInt(Math.trunc(v)))), dims);
    default:
      throw new Error(`unsupported input dtype ${dtype}`);
  }
}

/** Reads a tensor (from the CPU or a GPU buffer) as a float32 copy; the tensor stays valid. */
export async function peekFloat32(tensor: ort.Tensor): Promise<Tensor> {
  const dims = [...tensor.dims];
  const data = tensor.location === 'cpu' ? tensor.data : await tensor.getData();
  if (data instanceof Float32Array) return { dims, data: data.slice() };
  if (data instanceof Uint16Array && tensor.type === 'float16') return { dims, data: halfToFloat32(data) };
  return { dims, data: Float32Array.from(data as ArrayLike<number>) };
}

/** Reads an output (from the CPU or a GPU buffer) as float32 and frees the ORT tensor. */
export async function readFloat32(tensor: ort.Tensor): Promise<Tensor> {
  const dims = [...tensor.dims];
  try {
    const data = tensor.location === 'cpu' ? tensor.data : await tensor.getData();
    if (data instanceof Float32Array) return { dims, data: tensor.location === 'cpu' ? data.slice() : data };
    if (data instanceof Uint16Array && tensor.type === 'float16') return { dims, data: halfToFloat32(data) };
    // Float16Array (where the platform has it), float64, ints: a plain numeric copy
    return { dims, data: Float32Array.from(data as ArrayLike<number>) };
  } finally {
    tensor.dispose();
  }
}
