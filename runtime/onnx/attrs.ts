// Attribute encoding: plain JS values map to ONNX attribute types; wrap with float() to force FLOAT(S).
import { onnx, toNumber, type AttributeProto, type TensorProto } from './proto';

export class FloatAttr {
  constructor(readonly value: number | number[]) {}
}
/** Integral numbers become INT attributes; use float(1) for a FLOAT attribute with value 1. */
export const float = (v: number | number[]): FloatAttr => new FloatAttr(v);

export type AttrValue = number | number[] | string | FloatAttr | TensorProto | AttributeProto;
export type Attrs = Record<string, AttrValue | undefined>;

const T = onnx.AttributeProto.AttributeType;

export function makeAttr(name: string, v: AttrValue): AttributeProto {
  if (v instanceof FloatAttr) {
    return Array.isArray(v.value)
      ? { name, type: T.FLOATS, floats: v.value }
      : { name, type: T.FLOAT, f: v.value };
  }
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (Array.isArray(v)) {
    return v.every(Number.isInteger) ? { name, type: T.INTS, ints: v } : { name, type: T.FLOATS, floats: v };
  }
  if ('type' in v && typeof v.type === 'number' && 'name' in v && !('dataType' in v)) return { ...v, name };
  return { name, type: T.TENSOR, t: v as TensorProto };
}

export function makeAttrs(attrs: Attrs = {}): AttributeProto[] {
  return Object.entries(attrs)
    .filter((e): e is [string, AttrValue] => e[1] !== undefined)
    .map(([k, v]) => makeAttr(k, v));
}

/** Read an attribute as the JS value it holds (ints as numbers). */
export function attrValue(a: AttributeProto): number | number[] | string | TensorProto | undefined {
  switch (a.type) {
    case T.INT: return toNumber(a.i);
    case T.FLOAT: return a.f ?? 0;
    case T.INTS: return (a.ints ?? []).map((x) => toNumber(x));
    case T.FLOATS: return [...(a.floats ?? [])];
    case T.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.TENSOR: return a.t ?? undefined;
    default: return undefined;
  }
}
