// ONNX protobuf classes and model (de)serialization. No Node APIs: runs in workers too.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** protobufjs hands int64 fields back as Long objects when `long` is installed. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function loadModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model: ${(e as Error).message}`);
  }
  if (!model.graph) throw new Error('not an ONNX model: no graph');
  return model;
}

export function saveModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  const buf = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  // in Node protobufjs returns a Buffer, whose slice() is a view; hand back a plain Uint8Array
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Opset version of the default ("" or "ai.onnx") domain. */
export function opsetOf(model: onnxProto.onnx.IModelProto): number {
  const imp = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return imp ? toNumber(imp.version) : 0;
}
