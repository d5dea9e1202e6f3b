// Reading attributes off a NodeProto by name.
import { attrValue, type NodeProto, type TensorProto } from '../onnx/index';

export function attr(node: NodeProto, name: string): number | number[] | string | TensorProto | undefined {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return a ? attrValue(a) : undefined;
}
export const attrInt = (n: NodeProto, name: string, dflt: number): number => {
  const v = attr(n, name);
  return typeof v === 'number' ? v : dflt;
};
export const attrInts = (n: NodeProto, name: string): number[] | undefined => {
  const v = attr(n, name);
  return Array.isArray(v) ? v : undefined;
};
export const attrStr = (n: NodeProto, name: string, dflt: string): string => {
  const v = attr(n, name);
  return typeof v === 'string' ? v : dflt;
};
/** Optional inputs are given as "" or left off the end. */
export const inputAt = (n: NodeProto, i: number): string | undefined => {
  const v = (n.input ?? [])[i];
  return v ? v : undefined;
};
