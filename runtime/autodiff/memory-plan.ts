// A static liveness plan of a model (the gradient model, typically) at concrete input shapes:
// how many bytes of activations are alive at once at worst, how many bytes of weights the
// model holds, its largest single tensor (WebGPU binds at most maxStorageBufferBindingSize,
// 128 MiB by default, per buffer) and which nodes' outputs make up the peak.
//
// Model of the runtime (onnxruntime's CPU and WebGPU planners behave alike here):
// - nodes run in onnxruntime's order (runtimeOrder); a value lives from the node that makes it
//   to the last node that reads it (graph outputs to the end, graph inputs from the start);
// - Reshape, Squeeze, Unsqueeze, Flatten and Identity alias their input (no new buffer);
// - initializers and Constant outputs are weights, not activations;
// - no in-place reuse of a dying input by an elementwise output, and no allocator overhead:
//   where onnxruntime reuses in place the plan is high by that buffer, where its arena rounds
//   sizes up it is low.
import { loadModel, opsetOf, tensorDims, type ModelProto, type NodeProto } from '../onnx/index';
import { inferNode } from './shapes';
import { tensorInfo, type Info } from './dims';
import { subgraphInputs } from './driver';

export interface Contributor { node: string; op: string; bytes: number }
export interface MemoryPlan {
  /** live activation bytes at the worst step (graph inputs included) */
  peakBytes: number;
  /** the node running at the peak */
  peakNode: string;
  weightBytes: number;
  /** the largest single tensor, weights included */
  largest: Contributor & { tensor: string };
  /** the five nodes whose outputs hold the most of the peak ("input x" for graph inputs) */
  top: Contributor[];
  /** values whose size could not be inferred (counted as 0 bytes) */
  unsized: string[];
}

const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
const ALIASES = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/** Byte size of a value from its inferred info; null where a dim is unknown. */
export function infoBytes(i: Info | undefined): number | null {
  if (!i?.dims || !i.dims.every((d) => typeof d === 'number')) return null;
  return (i.dims as number[]).reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[i.dtype] ?? 4);
}

/**
 * Types and concrete dims of every value, given the inputs' shapes. A gradient model's
 * cotangent grad_<of> not given takes the shape inferred for <of>.
 */
export function concreteInfo(model: ModelProto, shapes: Record<string, number[]>): Map<string, Info> {
  const info = propagate(model, shapes);
  const cot = (model.graph?.input ?? []).map((v) => v.name ?? '').filter((n) => n.startsWith('grad_') && !shapes[n]);
  const dims = (n: string) => info.get(n.slice('grad_'.length))?.dims;
  const known = cot.filter((n) => dims(n)?.every((d) => typeof d === 'number'));
  return known.length ? propagate(model, { ...shapes, ...Object.fromEntries(known.map((n) => [n, dims(n) as number[]])) }) : info;
}

function propagate(model: ModelProto, shapes: Record<string, number[]>): Map<string, Info> {
  const graph = model.graph!;
  const opset = opsetOf(model);
  const info = new Map<string, Info>();
  for (const v of graph.input ?? []) {
    const t = v.type?.tensorType;
    const declared = (t?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : null));
    info.set(v.name ?? '', { dtype: t?.elemType ?? 0, dims: shapes[v.name ?? ''] ?? (t?.shape ? declared : null) });
  }
  for (const t of graph.initializer ?? []) info.set(t.name ?? '', { ...tensorInfo(t), dims: tensorDims(t) });
  for (const node of graph.node ?? []) {
    inferNode(node, (n) => info.get(n), opset).forEach((inf, k) => info.set(node.output![k], inf));
  }
  return info;
}

/**
 * The order onnxruntime runs nodes in (its GraphViewer's default, checked against its profile):
 * a depth-first post-order from the leaf nodes (those whose outputs no node reads), the last
 * leaf first, and of a node's producers the last one first. It computes values late, just
 * before they are needed, which often keeps fewer alive than the file's order.
 */
export function runtimeOrder(nodes: NodeProto[]): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const inputsOf = nodes.map((n) => [...new Set([...(n.input ?? []), ...subgraphInputs(n)].flatMap((x) => (producer.has(x) ? [producer.get(x)!] : [])))]);
  const read = new Set(inputsOf.flat());
  const stack: [number, boolean][] = nodes.flatMap((_, i) => (read.has(i) ? [] : [[i, false] as [number, boolean]]));
  const seen = new Uint8Array(nodes.length);
  const order: number[] = [];
  while (stack.length) {
    const [i, leave] = stack.pop()!;
    if (leave) { order.push(i); continue; }
    if (seen[i]) continue;
    seen[i] = 1;
    stack.push([i, true]);
    for (const p of [...inputsOf[i]].sort((a, b) => a - b)) if (!seen[p]) stack.push([p, false]);
  }
  return order;
}

/**
 * The same nodes, those that do not depend on the cotangent first (stable otherwise). In
 * onnxruntime's order a node's producers with the higher index run first, so this makes a
 * backward node such as g * cos(x) run the long cotangent chain first and its local factor
 * cos(x) just before it, instead of holding every factor from the start of the backward pass.
 */
export function cotangentLast(nodes: NodeProto[], cotangent: string): NodeProto[] {
  const late = new Set([cotangent]);
  const early: NodeProto[] = [];
  const rest: NodeProto[] = [];
  for (const n of nodes) {
    if ([...(n.input ?? []), ...subgraphInputs(n)].some((i) => late.has(i))) {
      (n.output ?? []).forEach((o) => late.add(o));
      rest.push(n);
    } else early.push(n);
  }
  return [...early, ...rest];
}

interface Buffer { bytes: number; birth: number; death: number; node: string; op: string }

export interface PlanOptions {
  /** node order: onnxruntime's (default) or the file's */
  order?: 'onnxruntime' | 'graph';
}

export function planMemory(modelOrBytes: ModelProto | Uint8Array, shapes: Record<string, number[]>, opts: PlanOptions = {}): MemoryPlan {
  const model = modelOrBytes instanceof Uint8Array ? loadModel(modelOrBytes) : modelOrBytes;
  const graph = model.graph!;
  const info = concreteInfo(model, shapes);
  const all = graph.node ?? [];
  const nodes = opts.order === 'graph' ? all : runtimeOrder(all).map((i) => all[i]);
  const unsized: string[] = [];
  const size = (v: string) => {
    const b = infoBytes(info.get(v));
    if (b === null) unsized.push(v);
    return b ?? 0;
  };
  // weights: initializers and Constant outputs (and what aliases them)
  const weights = new Map<string, number>();
  for (const t of graph.initializer ?? []) weights.set(t.name ?? '', size(t.name ?? ''));
  const buffers = new Map<string, Buffer>(); // by root value
  const root = new Map<string, string>();
  const own = (v: string, b: Buffer) => { buffers.set(v, b); root.set(v, v); };
  for (const v of graph.input ?? []) if (!weights.has(v.name ?? '')) own(v.name ?? '', { bytes: size(v.name ?? ''), birth: -1, death: -1, node: `input ${v.name}`, op: 'input' });
  const last = nodes.length;
  nodes.forEach((n: NodeProto, t) => {
    for (const x of [...(n.input ?? []), ...subgraphInputs(n)]) {
      const r = root.get(x);
      if (r) buffers.get(r)!.death = t;
    }
    const outs = n.output ?? [];
    if (n.opType === 'Constant') { outs.forEach((o) => weights.set(o, size(o))); return; }
    const src = n.input?.[0] ?? '';
    if (ALIASES.has(n.opType ?? '') && (root.has(src) || weights.has(src))) {
      if (weights.has(src)) outs.forEach((o) => weights.set(o, 0));
      else outs.forEach((o) => root.set(o, root.get(src)!));
      return;
    }
    outs.forEach((o) => o && own(o, { bytes: size(o), birth: t, death: t, node: n.name || o, op: n.opType ?? '' }));
  });
  for (const o of graph.output ?? []) {
    const r = root.get(o.name ?? '');
    if (r) buffers.get(r)!.death = last;
  }
  // sweep: live(t) = buffers with birth <= t <= death
  const delta = new Float64Array(last + 3);
  for (const b of buffers.values()) {
    delta[b.birth + 1] += b.bytes;
    delta[b.death + 2] -= b.bytes;
  }
  let live = 0;
  let peakBytes = 0;
  let peakStep = -1;
  for (let t = -1; t <= last; t++) {
    live += delta[t + 1];
    if (live > peakBytes) { peakBytes = live; peakStep = t; }
  }
  const byNode = new Map<string, Contributor>();
  for (const b of buffers.values()) {
    if (b.birth > peakStep || b.death < peakStep) continue;
    const c = byNode.get(b.node) ?? { node: b.node, op: b.op, bytes: 0 };
    c.bytes += b.bytes;
    byNode.set(b.node, c);
  }
  const top = [...byNode.values()].sort((p, q) => q.bytes - p.bytes).slice(0, 5);
  let largest: MemoryPlan['largest'] = { tensor: '', node: '', op: '', bytes: 0 };
  for (const [v, b] of buffers) if (b.bytes > largest.bytes) largest = { tensor: v, node: b.node, op: b.op, bytes: b.bytes };
  for (const [v, bytes] of weights) if (bytes > largest.bytes) largest = { tensor: v, node: v, op: 'weight', bytes };
  const weightBytes = [...weights.values()].reduce((a, b) => a + b, 0);
  const peakNode = peakStep >= 0 && peakStep < last ? nodes[peakStep].name || `#${peakStep}` : peakStep < 0 ? '(inputs)' : '(outputs)';
  return { peakBytes, peakNode, weightBytes, largest, top, unsized };
}
