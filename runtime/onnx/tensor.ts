// TensorProto construction and reading for the typed arrays we use.
import { onnx, toNumber, type TensorProto } from './proto';
import { dtypeCode, dtypeName, type DType } from './dtypes';

export type TypedData =
  | Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array;

export function dtypeOfArray(data: TypedData, hint?: DType): DType {
  if (hint) return hint;
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'float16';
  return 'uint8';
}

/** Tensor stored as little-endian raw_data (typed arrays are little-endian on every target we run). */
export function makeTensor(name: string, data: TypedData, dims: readonly number[], dtype?: DType): TensorProto {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: dtypeCode(dtypeOfArray(data, dtype)), rawData: raw });
}

/** Element values of a small tensor as numbers (for shape/axes constants); null for external data. */
export function tensorValues(t: TensorProto): number[] | null {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return null;
  const type = dtypeName(t.dataType ?? 0);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    // copy out: protobufjs may hand back a view into a larger (Node Buffer) pool
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    const buf = copy.buffer;
    switch (type) {
      case 'float32': return [...new Float32Array(buf)];
      case 'float64': return [...new Float64Array(buf)];
      case 'int32': return [...new Int32Array(buf)];
      case 'int64': return [...new BigInt64Array(buf)].map(Number);
      case 'int8': return [...new Int8Array(buf)];
      case 'uint8': case 'bool': return [...new Uint8Array(buf)];
      default: return null;
    }
  }
  if (t.floatData?.length) return [...t.floatData];
  if (t.doubleData?.length) return [...t.doubleData];
  if (t.int64Data?.length) return t.int64Data.map((v) => toNumber(v));
  if (t.int32Data?.length) return [...t.int32Data];
  return [];
}

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d));
}
