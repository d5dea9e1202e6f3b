// Rematerialization: trade recomputation for memory in a gradient model. The backward nodes
// read forward activations (the stash), which stay alive from the forward pass to the backward
// one. Under a memory budget only chosen activations are kept (checkpoints); the rest of the
// stash is recomputed from them inside the backward pass, by copies of the forward nodes that
// onnxruntime runs just before they are needed. The result is an ordinary ONNX model.
//
// Policies, from least to most recomputation:
// - "cheap": keep what Conv, ConvTranspose, MatMul, Gemm and Einsum produce, recompute the
//   elementwise, normalization and shape work between them;
// - "segments k": keep only what crosses k cuts of the forward pass (block boundaries: cuts
//   where the crossing bytes are smallest), recompute everything else.
// The first policy (in that order, segments by planned peak) whose plan fits the budget wins.
import { makeNode, makeTensor, type ModelProto, type NodeProto } from '../onnx/index';
import { cotangentLast, planMemory, concreteInfo, infoBytes, type MemoryPlan } from './memory-plan';

export interface MemoryBudget { bytes: number; shapes: Record<string, number[]> }
export interface RematReport { policy: string; plan: MemoryPlan; unbudgetedPeak: number; fits: boolean }

const EXPENSIVE = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'Einsum']);
/** Tensors smaller than this are never worth recomputing. */
const SMALL = 4096;
const random = (n: NodeProto) => /^Random/.test(n.opType ?? '') || (n.opType === 'Dropout' && !!n.input?.[2])
  || (n.attribute ?? []).some((a) => a.g || a.graphs?.length);

/**
 * Rewrites `model` (a gradient model whose forward nodes produce the `forward` values and
 * whose cotangent input is `cotangent`) to fit the budget where a policy can; returns what
 * was chosen and its plan. Without a policy that lowers the peak the model is left as it is.
 */
export function rematerialize(model: ModelProto, forward: Set<string>, cotangent: string, budget: MemoryBudget): RematReport {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const base = planMemory(model, budget.shapes);
  const none: RematReport = { policy: 'none', plan: base, unbudgetedPeak: base.peakBytes, fits: base.peakBytes <= budget.bytes };
  if (none.fits) return none;
  const info = concreteInfo(model, budget.shapes);
  const bytes = (v: string) => infoBytes(info.get(v)) ?? 0;
  const isForward = (n: NodeProto) => (n.output ?? []).some((o) => forward.has(o));
  const fwd = nodes.filter(isForward);
  const weights = new Set([...(graph.initializer ?? []).map((t) => t.name ?? ''), ...nodes.filter((n) => n.opType === 'Constant').flatMap((n) => n.output ?? [])]);
  const ctx: Rewrite = { nodes, isForward, producer: new Map(fwd.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const))), weights, bytes, cotangent };
  const pinned = fwd.filter(random).flatMap((n) => n.output ?? []);
  const trial = (policy: string, keep: Set<string>) => {
    const rewritten = rewrite(ctx, (v) => keep.has(v) || bytes(v) < SMALL);
    const plan = planMemory({ ...model, graph: { ...graph, node: rewritten } } as ModelProto, budget.shapes);
    return { policy, plan, unbudgetedPeak: base.peakBytes, fits: plan.peakBytes <= budget.bytes, rewritten };
  };
  const cheap = trial('cheap', new Set([...pinned, ...fwd.filter((n) => EXPENSIVE.has(n.opType ?? '')).flatMap((n) => n.output ?? [])]));
  let best = cheap;
  if (!cheap.fits) {
    const segments = [2, 3, 4, 6, 8, 12, 16, 24, 32].map((k) => trial(`segments ${k}`, new Set([...pinned, ...cuts(fwd, bytes, k)])));
    const fitting = segments.filter((t) => t.fits);
    best = [...(fitting.length ? fitting : [cheap, ...segments])].sort((p, q) => p.plan.peakBytes - q.plan.peakBytes)[0];
  }
  if (best.plan.peakBytes >= base.peakBytes) return none;
  graph.node = best.rewritten;
  return { policy: best.policy, plan: best.plan, unbudgetedPeak: base.peakBytes, fits: best.fits };
}

/**
 * Values crossing k cuts of the forward pass. Cut positions split the forward nodes into k
 * parts of about equal output bytes; each moves to where, within its part's middle half,
 * the bytes crossing it are fewest.
 */
function cuts(fwd: NodeProto[], bytes: (v: string) => number, k: number): string[] {
  const lastRead = new Map<string, number>();
  fwd.forEach((n, i) => (n.input ?? []).forEach((v) => lastRead.set(v, i)));
  const bornAt = new Map<string, number>();
  fwd.forEach((n, i) => (n.output ?? []).forEach((o) => bornAt.set(o, i)));
  const crossing = (i: number) => [...bornAt].filter(([v, b]) => b <= i && (lastRead.get(v) ?? -1) > i).map(([v]) => v);
  const cum: number[] = [];
  fwd.reduce((s, n, i) => (cum[i] = s + (n.output ?? []).reduce((a, o) => a + bytes(o), 0)), 0);
  const total = cum[cum.length - 1] ?? 0;
  const out: string[] = [];
  for (let j = 1; j < k; j++) {
    const target = cum.findIndex((c) => c >= (total * j) / k);
    const half = Math.max(1, Math.floor(fwd.length / (4 * k)));
    let at = target;
    let least = Infinity;
    for (let i = Math.max(0, target - half); i <= Math.min(fwd.length - 1, target + half); i++) {
      const b = crossing(i).reduce((a, v) => a + bytes(v), 0);
      if (b < least) [least, at] = [b, i];
    }
    out.push(...crossing(at));
  }
  return out;
}

interface Rewrite {
  nodes: NodeProto[];
  isForward: (n: NodeProto) => boolean;
  /** the forward node making each forward value */
  producer: Map<string, NodeProto>;
  /** initializers and Constant outputs: read as they are */
  weights: Set<string>;
  bytes: (v: string) => number;
  cotangent: string;
}

/**
 * Backward readers of a forward value that is not kept read a recomputed copy instead. A copy
 * reads kept activations through Where(flag, v, v), flag depending on the cotangent, so no
 * graph optimizer (onnxruntime's common-subexpression elimination) can merge the copy back into
 * the forward node it repeats.
 */
function rewrite(ctx: Rewrite, kept: (v: string) => boolean): NodeProto[] {
  const { nodes, isForward, producer, weights, bytes } = ctx;
  const extra: NodeProto[] = [];
  const copies = new Map<string, string>();
  const guards = new Map<string, string>();
  const flag = 'remat/flag';
  const guard = (v: string): string => {
    if (!guards.size) {
      const ints = (name: string, x: number) => makeNode('Constant', [], [name], { value: makeTensor('', new BigInt64Array([BigInt(x)]), [1]) });
      extra.push(ints('remat/minus_one', -1), ints('remat/zero', 0), ints('remat/one', 1),
        makeNode('Reshape', [ctx.cotangent, 'remat/minus_one'], ['remat/flat']),
        makeNode('Slice', ['remat/flat', 'remat/zero', 'remat/one'], ['remat/first']),
        makeNode('IsNaN', ['remat/first'], ['remat/nan']), makeNode('Squeeze', ['remat/nan'], [flag]));
    }
    let g = guards.get(v);
    if (!g) {
      guards.set(v, (g = `remat/keep/${v}`));
      extra.push(makeNode('Where', [flag, v, v], [g]));
    }
    return g;
  };
  const feed = (x: string): string => {
    if (!x || weights.has(x)) return x;
    if (producer.has(x) && !kept(x)) return copy(x);
    return bytes(x) >= SMALL ? guard(x) : x; // kept activation or graph input
  };
  const copy = (v: string): string => {
    const known = copies.get(v);
    if (known) return known;
    const p = producer.get(v)!;
    const input = (p.input ?? []).map(feed);
    const output = (p.output ?? []).map((o) => (o ? `remat/${o}` : o));
    (p.output ?? []).forEach((o, i) => o && copies.set(o, output[i]));
    extra.push({ ...p, input, output, name: `remat/${p.name || output[0]}` });
    return copies.get(v)!;
  };
  const out = nodes.map((n) => {
    if (isForward(n)) return n;
    const input = (n.input ?? []).map((x) => (producer.has(x) && !kept(x) ? copy(x) : x));
    return input.some((x, i) => x !== n.input![i]) ? { ...n, input } : n;
  });
  // the copies depend on the cotangent (through the flag): they go first among the nodes that
  // do, so that onnxruntime runs each one late, just before its reader
  let at = 0;
  out.forEach((n, i) => { if (isForward(n)) at = i + 1; });
  return cotangentLast([...out.slice(0, at), ...extra, ...out.slice(at)], ctx.cotangent);
}
