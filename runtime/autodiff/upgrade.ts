// Opsets 11 and 12 are upgraded to 13 before the rules run, so the rules (and the ops they
// emit) only ever see opset 13 or later. What changed at 13 for differentiable graphs:
// - Softmax, LogSoftmax and Hardmax: before 13 they flatten x to 2-D at `axis` (default 1)
//   and normalize each row; from 13 they normalize along `axis` alone. Where the axis is the
//   last one the two agree; elsewhere the old meaning is spelled Flatten -> op -> Reshape.
// - ReduceSum, Squeeze and Unsqueeze take `axes`, and Split takes `split`, as an input.
// - Dropout 12 already takes ratio as an input; Dropout 10's ratio attribute is dropped (it is
//   the identity in inference, the only mode before 12).
import { makeNode, makeTensor, opsetOf, type GraphProto, type ModelProto, type NodeProto } from '../onnx/index';
import { attrInt, attrInts, attrStr } from './node-attrs';
import { graphInfo } from './graph-info';
import { norm } from './dims';

const TARGET = 13;
const isDefault = (n: NodeProto) => !n.domain || n.domain === 'ai.onnx';

/** Rewrites `model` in place to opset 13 when it declares 11 or 12; refuses anything older. */
export function upgradeOpset(model: ModelProto): void {
  const from = opsetOf(model);
  if (from >= TARGET) return;
  if (from < 11) throw new Error(`opset ${from} is not supported (11 or later)`);
  const graph = model.graph!;
  const taken = new Set<string>();
  const collect = (g: GraphProto) => {
    for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.initializer ?? [])]) taken.add(v.name ?? '');
    for (const n of g.node ?? []) {
      for (const o of n.output ?? []) taken.add(o);
      taken.add(n.name ?? '');
      subgraphs(n).forEach(collect);
    }
  };
  collect(graph);
  let counter = 0;
  const fresh = (hint: string) => {
    let s: string;
    do s = `upgrade/${hint}_${counter++}`; while (taken.has(s));
    taken.add(s);
    return s;
  };
  const info = graphInfo(graph, from);
  upgradeGraph(graph, (v) => info.get(v)?.dims?.length, fresh);
  model.opsetImport = (model.opsetImport ?? []).map((o) => (!o.domain || o.domain === 'ai.onnx' ? { ...o, version: TARGET } : o));
  // opset 13 needs IR version 7
  if (Number(model.irVersion ?? 0) < 7) model.irVersion = 7;
}

const subgraphs = (n: NodeProto): GraphProto[] => (n.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);

function upgradeGraph(graph: GraphProto, rank: (v: string) => number | undefined, fresh: (hint: string) => string): void {
  const out: NodeProto[] = [];
  const ints = (values: number[]) => {
    const name = fresh('axes');
    out.push(makeNode('Constant', [], [name], { value: makeTensor('', new BigInt64Array(values.map(BigInt)), [values.length]) }, name));
    return name;
  };
  /** An ints attribute moved to input 1. */
  const toInput = (n: NodeProto, attr: string) => {
    const v = attrInts(n, attr);
    if (!v) return;
    n.attribute = (n.attribute ?? []).filter((a) => a.name !== attr);
    n.input = [n.input![0], ints(v)];
  };
  for (const n of graph.node ?? []) {
    // bodies of If/Loop/Scan: ranks unknown there, so Softmax takes the general path
    for (const g of subgraphs(n)) upgradeGraph(g, () => undefined, fresh);
    if (!isDefault(n)) { out.push(n); continue; }
    switch (n.opType) {
      case 'ReduceSum': case 'Squeeze': case 'Unsqueeze': toInput(n, 'axes'); break;
      case 'Split': toInput(n, 'split'); break;
      case 'Dropout': n.attribute = (n.attribute ?? []).filter((a) => a.name !== 'ratio'); break;
      case 'Resize':
        if (attrStr(n, 'coordinate_transformation_mode', '') === 'tf_half_pixel_for_nn') {
          throw new Error(`Resize "tf_half_pixel_for_nn" (before opset 13) has no opset 13 equivalent at node "${n.name}"`);
        }
        break;
      case 'Softmax': case 'LogSoftmax': case 'Hardmax': {
        const axis = attrInt(n, 'axis', 1);
        const r = rank(n.input![0]);
        n.attribute = (n.attribute ?? []).filter((a) => a.name !== 'axis');
        if (r !== undefined && norm(axis, r) === r - 1) {
          n.attribute.push(...makeNode('', [], [], { axis: -1 }).attribute!);
          break;
        }
        const x = n.input![0];
        const y = n.output![0];
        const flat = fresh('flat');
        const rows = fresh('rows');
        const shape = fresh('shape');
        out.push(makeNode('Flatten', [x], [flat], { axis }, flat));
        out.push({ ...n, input: [flat], output: [rows], attribute: [...n.attribute, ...makeNode('', [], [], { axis: 1 }).attribute!] });
        out.push(makeNode('Shape', [x], [shape], undefined, shape));
        out.push(makeNode('Reshape', [rows, shape], [y], undefined, fresh('unflatten')));
        continue;
      }
    }
    out.push(n);
  }
  graph.node = out;
}
