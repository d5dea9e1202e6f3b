// Graph clean-up after the rules have run (forward nodes included, since the gradient model
// recomputes them): shape math whose result static inference knows becomes a constant, and
// identical nodes are merged. Dynamic axes stay dynamic: a Reshape target keeps a dim param
// as 0 (copy the input's dim) or -1, an Expand target as 1 (keep the input's dim).
import { makeNode, makeTensor, onnx, type NodeProto } from '../onnx/index';
import { attrInt } from './node-attrs';
import { known, sameDim, type Info } from './dims';

const INT64 = 7;

/**
 * Replace int64 inputs whose value inference knows (all numbers, or Reshape/Expand targets
 * whose symbolic dims can be spelled with 0/-1/1) by constants. `keep`: names never replaced
 * (graph inputs, initializers). Returns the new constants (to go first) and the rewritten nodes.
 */
export function foldShapes(nodes: NodeProto[], info: Map<string, Info>, keep: Set<string>, taken: Set<string>): NodeProto[] {
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const consts: NodeProto[] = [];
  const cache = new Map<string, string>();
  let counter = 0;
  const constant = (values: number[], dims: number[]): string => {
    const key = `${dims.join('x')}:${values.join(',')}`;
    let name = cache.get(key);
    if (!name) {
      do name = `vjp/shape_${counter++}`; while (taken.has(name));
      taken.add(name);
      consts.push(makeNode('Constant', [], [name], { value: makeTensor('', new BigInt64Array(values.map(BigInt)), dims) }));
      info.set(name, { dtype: INT64, dims, value: values });
      cache.set(key, name);
    }
    return name;
  };
  const out = nodes.map((n) => {
    if (n.opType === 'Constant') return n;
    let input: string[] | null = null;
    (n.input ?? []).forEach((v, k) => {
      if (!v || keep.has(v) || producer.get(v)?.opType === 'Constant') return;
      const inf = info.get(v);
      if (!inf || inf.dtype !== INT64 || !inf.dims || inf.dims.length > 1 || !inf.dims.every(known)) return;
      let values = inf.value;
      if (!values && inf.sym) values = spell(n, k, inf.sym, info);
      if (!values || values.length !== (inf.dims.length ? inf.dims[0] : 1)) return;
      (input ??= [...(n.input ?? [])])[k] = constant(values, inf.dims as number[]);
    });
    return input ? { ...n, input } : n;
  });
  return [...consts, ...out];
}

/** A symbolic Reshape/Expand target as numbers that mean the same at run time, if there is one. */
function spell(n: NodeProto, k: number, sym: (number | string | null)[], info: Map<string, Info>): number[] | undefined {
  const xd = info.get(n.input?.[0] ?? '')?.dims;
  if (k !== 1 || !xd) return undefined;
  if (n.opType === 'Reshape' && !attrInt(n, 'allowzero', 0)) {
    // the output's inferred dims where they are complete (they resolve a -1), else the target
    const od = info.get(n.output?.[0] ?? '')?.dims;
    const dims = od && od.length === sym.length && od.every((d) => d !== null && d !== 0) ? od : sym;
    let open = dims.some((d) => d === -1) ? 1 : 0;
    const v = dims.map((d, i) => (known(d) ? d : i < xd.length && sameDim(xd[i], d) ? 0 : (open++, -1)));
    return open <= 1 ? v : undefined;
  }
  if (n.opType === 'Expand') {
    const lead = sym.length - xd.length;
    const v = sym.map((d, i) => (known(d) ? d : i >= lead && sameDim(xd[i - lead], d) ? 1 : null));
    return v.every(known) ? (v as number[]) : undefined;
  }
  return undefined;
}

/** Merge nodes with the same op, inputs and attributes (outputs renamed to the first one's). */
export function dedupe(nodes: NodeProto[], keepNames: Set<string>): NodeProto[] {
  const seen = new Map<string, string[]>();
  const rename = new Map<string, string>();
  const kept: NodeProto[] = [];
  for (const n of nodes) {
    const ins = (n.input ?? []).map((v) => rename.get(v) ?? v);
    const node = ins.some((v, i) => v !== n.input![i]) ? { ...n, input: ins } : n;
    const outs = node.output ?? [];
    // random ops (and Dropout that may train) draw afresh per node: two are never the same
    const random = /^Random/.test(node.opType ?? '') || (node.opType === 'Dropout' && !!node.input?.[2]);
    const pure = !(node.attribute ?? []).some((a) => a.g || a.graphs?.length) && !random;
    if (!pure || outs.some((o) => keepNames.has(o))) { kept.push(node); continue; }
    const attrs = (node.attribute ?? []).map((a) => {
      const b = onnx.AttributeProto.encode(onnx.AttributeProto.create(a)).finish();
      let s = '';
      for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
      return s;
    });
    const key = `${node.domain ?? ''}|${node.opType}|${ins.join(',')}|${outs.length}|${attrs.join(';')}`;
    const prev = seen.get(key);
    if (prev) {
      outs.forEach((o, i) => rename.set(o, prev[i]));
      continue;
    }
    seen.set(key, outs);
    kept.push(node);
  }
  return kept;
}
