// Types and shapes of every value of a forward graph: declared ones first, inferred for the rest.
import { dtypeCode, tensorDims, valueInfo, type GraphProto } from '../onnx/index';
import { tensorInfo, type Info } from './dims';
import { inferNode } from './shapes';

export function graphInfo(graph: GraphProto, opset: number): Map<string, Info> {
  const info = new Map<string, Info>();
  const declared = new Map<string, Info>();
  for (const v of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    try {
      const t = valueInfo(v);
      declared.set(t.name, { dtype: dtypeCode(t.dtype), dims: t.dims });
    } catch {
      // a value of a type we do not model (sequence, map): leave it unknown
    }
  }
  for (const v of graph.input ?? []) if (declared.has(v.name ?? '')) info.set(v.name!, declared.get(v.name!)!);
  for (const t of graph.initializer ?? []) info.set(t.name ?? '', { ...tensorInfo(t), dims: tensorDims(t) });
  for (const node of graph.node ?? []) {
    const inferred = inferNode(node, (n) => info.get(n), opset);
    (node.output ?? []).forEach((o, i) => {
      const inf = inferred[i] ?? { dtype: 0, dims: null };
      const d = declared.get(o);
      // prefer the exporter's declared shape where ours is unknown or partly unknown
      const dims = d?.dims && (!inf.dims || inf.dims.some((x) => x === null)) ? d.dims : inf.dims;
      info.set(o, { dtype: inf.dtype || d?.dtype || 0, dims, value: inf.value, sym: inf.sym });
    });
  }
  return info;
}
