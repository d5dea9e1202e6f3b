// Read the names, element types and dims of a model's inputs and outputs.
import { toNumber, type ModelProto, type ValueInfoProto } from './proto';
import { dtypeName, type DType } from './dtypes';

/** A dim is a number, a symbolic name (dynamic axis), or null when the model leaves it open. */
export type Dim = number | string | null;
export interface TensorInfo { name: string; dtype: DType; dims: Dim[] | null }

export function valueInfo(v: ValueInfoProto): TensorInfo {
  const t = v.type?.tensorType;
  const dims = t?.shape ? (t.shape.dim ?? []).map(readDim) : null;
  return { name: v.name ?? '', dtype: dtypeName(t?.elemType ?? 0), dims };
}

function readDim(d: { dimValue?: number | { toNumber(): number } | null; dimParam?: string | null }): Dim {
  if (d.dimParam) return d.dimParam;
  // protobufjs sets only the fields present on the wire as own properties.
  if (Object.prototype.hasOwnProperty.call(d, 'dimValue') && d.dimValue != null) return toNumber(d.dimValue);
  return null;
}

/** Graph inputs that are not initializers (older exporters list weights as inputs too). */
export function modelInputs(model: ModelProto): TensorInfo[] {
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? []).filter((v) => !inits.has(v.name)).map(valueInfo);
}

export function modelOutputs(model: ModelProto): TensorInfo[] {
  return (model.graph?.output ?? []).map(valueInfo);
}
