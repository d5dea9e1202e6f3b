// For naming where a gradient went non-finite: the same model with every float value a node
// makes also a graph output, so one run shows each intermediate. Only built after a run gave
// NaN or infinity (it keeps every value alive, which the normal run never does).
import { loadModel, opsetOf, saveModel, makeValueInfo, dtypeName, type ModelProto } from '../onnx/index';
import { graphInfo } from './graph-info';
import { runtimeOrder } from './memory-plan';

/** float, float16, double, bfloat16 */
const FLOATS = new Set([1, 10, 11, 16]);

export interface ExposedValue { tensor: string; node: string; op: string }

/**
 * `bytes` with each float node output also an output; `values` lists them in the order
 * onnxruntime runs their nodes, so the first non-finite one is where it began.
 */
export function exposeValues(bytes: Uint8Array): { model: Uint8Array; values: ExposedValue[] } {
  const model: ModelProto = loadModel(bytes);
  const graph = model.graph!;
  const info = graphInfo(graph, opsetOf(model));
  const nodes = graph.node ?? [];
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const values: ExposedValue[] = [];
  for (const i of runtimeOrder(nodes)) {
    const n = nodes[i];
    if (n.opType === 'Constant') continue;
    for (const o of n.output ?? []) {
      const dtype = info.get(o)?.dtype;
      if (!o || dtype === undefined || !FLOATS.has(dtype)) continue;
      values.push({ tensor: o, node: n.name || o, op: n.opType ?? '' });
      if (!outputs.has(o)) graph.output!.push(makeValueInfo(o, dtypeName(dtype)));
      outputs.add(o);
    }
  }
  return { model: saveModel(model), values };
}
