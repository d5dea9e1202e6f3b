// ONNX element types <-> the names onnxruntime-web uses for tensors.
export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool' | 'string';

const CODES: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8,
  bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};
const NAMES = new Map<number, DType>(Object.entries(CODES).map(([k, v]) => [v, k as DType]));

export function dtypeCode(d: DType): number {
  return CODES[d];
}

export function dtypeName(code: number): DType {
  const n = NAMES.get(code);
  if (!n) throw new Error(`unsupported ONNX element type ${code}`);
  return n;
}

/** Floating types are the only ones that carry gradients. */
export function isFloatCode(code: number): boolean {
  return code === 1 || code === 10 || code === 11 || code === 16;
}
