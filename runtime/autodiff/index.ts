// Differentiable ONNX: compile a forward model into its vector-Jacobian-product model.
import {
  loadModel, modelInputs, modelOutputs, onnx, opsetOf, saveModel, makeValueInfo, dtypeName,
  type TensorInfo,
} from '../onnx/index';
import { buildVjpGraph, prune, subgraphInputs } from './driver';
import { graphInfo } from './graph-info';
import { dedupe, foldShapes } from './fold';
import { shareWeights } from './weights';
import { upgradeOpset } from './upgrade';
import { lowerFused } from './lower-fused';
import { rematerialize, type MemoryBudget, type RematReport } from './remat';
import { cotangentLast } from './memory-plan';

export { rules, noGradOps } from './rules';
export { buildVjpGraph } from './driver';

export interface VjpOptions {
  /** forward inputs to differentiate */
  wrt: string[];
  /** the forward value whose cotangent is fed as `grad_<of>` */
  of: string;
  /** name under which the forward bytes are referenced as external data (default "forward.onnx") */
  forwardPath?: string;
  /** also output the forward value `of` (default true) */
  includeOutput?: boolean;
  /** rewrite the locations of the forward model's own external data (when the gradient model lives elsewhere) */
  rebaseExternal?: (location: string) => string;
  /** recompute forward activations in the backward pass to plan at most `bytes` at these input shapes */
  memoryBudget?: MemoryBudget;
}

export interface VjpModel {
  model: Uint8Array;
  /** pass as onnxruntime-web's `externalData` session option */
  externalData?: { path: string; data: Uint8Array }[];
  /** the forward model's own external-data files the gradient model also reads (supply them too) */
  forwardExternalFiles: string[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** bytes of small tensors stored inline (shapes, axes, Resize scales, int64_data payloads) */
  copiedTensorBytes: number;
  /** with a memory budget: the policy chosen and its memory plan */
  memory?: RematReport;
}

export function buildVjpModel(forwardBytes: Uint8Array, opts: VjpOptions): VjpModel {
  const fwd = loadModel(forwardBytes);
  upgradeOpset(fwd); // 11 and 12 become 13; the weights (initializers) are untouched
  const graph = fwd.graph!;
  const opset = opsetOf(fwd);
  lowerFused(graph, opset, () => graphInfo(graph, opset)); // com.microsoft fused ops become standard ops
  const info = graphInfo(graph, opset);
  const vjp = buildVjpGraph(graph, info, opset, opts);
  const keep = new Set([...vjp.inputs, ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  const taken = new Set([...keep, ...vjp.nodes.flatMap((n) => n.output ?? [])]);
  const folded = foldShapes(prune(vjp.nodes, vjp.outputs), info, keep, taken);
  // outputs and names read inside If/Loop bodies keep their names
  const fixed = new Set([...vjp.outputs, ...folded.flatMap(subgraphInputs)]);
  const cotangent = vjp.inputs[vjp.inputs.length - 1];
  const nodes = cotangentLast(prune(dedupe(folded, fixed), vjp.outputs), cotangent);
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  const location = opts.forwardPath ?? 'forward.onnx';
  const shared = shareWeights(forwardBytes, graph.initializer ?? [], nodes, used, location, opts.rebaseExternal);
  const vi = (name: string) => {
    const i = info.get(name)!;
    return makeValueInfo(name, dtypeName(i.dtype || 1), i.dims);
  };
  const forwardInputs = new Map((graph.input ?? []).map((v) => [v.name ?? '', v]));
  const model = onnx.ModelProto.create({
    irVersion: fwd.irVersion,
    producerName: 'embedding-studio-vjp',
    opsetImport: fwd.opsetImport,
    functions: fwd.functions,
    graph: {
      name: `${graph.name ?? 'graph'}_vjp`,
      node: shared.nodes,
      initializer: shared.initializers,
      input: vjp.inputs.map((n) => forwardInputs.get(n) ?? vi(n)),
      output: vjp.outputs.map(vi),
    },
  });
  const forward = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  const memory = opts.memoryBudget ? rematerialize(model, forward, cotangent, opts.memoryBudget) : undefined;
  const bytes = saveModel(model);
  const parsed = onnx.ModelProto.decode(bytes);
  return {
    model: bytes,
    externalData: shared.usesForwardBytes ? [{ path: location, data: forwardBytes }] : undefined,
    forwardExternalFiles: shared.forwardExternalFiles,
    inputs: modelInputs(parsed),
    outputs: modelOutputs(parsed),
    copiedTensorBytes: shared.copiedBytes,
    memory,
  };
}
