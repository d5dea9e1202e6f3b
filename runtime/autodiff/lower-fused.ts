// onnxruntime's transformer optimizer rewrites browser-ready SD exports into com.microsoft
// fused ops. Rather than a gradient rule per fused op, each one is lowered here to the
// standard ops it stands for, before the rules run, so the existing (checked) rules do the
// differentiation. A fused op in a form we cannot lower exactly is left in place and then
// refused by name with the rest of the unsupported ops.
import { makeNode, makeTensor, type GraphProto, type NodeProto } from '../onnx/index';
import { attrInt } from './node-attrs';
import type { Info } from './dims';

export const MS = 'com.microsoft';
// float attributes read the same way as ints
const attrFloat = attrInt;

export interface LowerCtx {
  /** append a node with one output (fresh name) */
  op: (type: string, inputs: string[], attrs?: Record<string, number | number[]>) => string;
  /** a scalar constant of `like`'s float type */
  scalar: (v: number, like: string) => string;
  ints: (v: number[]) => string;
  reduceMean: (x: string, axes: number[]) => string;
  info: (v: string) => Info | undefined;
}
/** Writes the node's outputs from its inputs (outputs named `out`; '' = not wanted), or returns a reason it cannot. */
export type Lowering = (c: LowerCtx, n: NodeProto, x: string[], out: string[]) => string | void;

const gelu = (c: LowerCtx, v: string) => // exact (erf) Gelu, as the fused kernels compute it
  c.op('Mul', [c.op('Mul', [v, c.scalar(0.5, v)]), c.op('Add', [c.op('Erf', [c.op('Mul', [v, c.scalar(Math.SQRT1_2, v)])]), c.scalar(1, v)])]);

/** normalize x over `axes` (statistics in the input's type, biased variance, as the kernels) */
function normalize(c: LowerCtx, x: string, axes: number[], eps: number): string {
  const d = c.op('Sub', [x, c.reduceMean(x, axes)]);
  const v = c.reduceMean(c.op('Mul', [d, d]), axes);
  return c.op('Div', [d, c.op('Sqrt', [c.op('Add', [v, c.scalar(eps, x)])])]);
}

/** GroupNorm / SkipGroupNorm body on channels-last x: [N, H, W, C] seen as [N, H, W, G, C/G]. */
function groupNorm(c: LowerCtx, n: NodeProto, x: string, gamma: string, beta: string, declared = x): string | { y: string } {
  if (attrInt(n, 'channels_last', 1) !== 1) return 'channels_last=0 is not supported';
  const rank = c.info(declared)?.dims?.length;
  // the kernel takes 4-D NHWC only; an unknown rank (behind other fused ops) is taken on trust
  if (rank !== undefined && rank !== 4) return `input "${declared}" must be 4-D NHWC (rank ${rank})`;
  const groups = attrInt(n, 'groups', 0);
  if (groups < 1) return 'attribute groups is missing';
  const g = c.op('Reshape', [x, c.ints([0, 0, 0, groups, -1])]);
  const z = c.op('Reshape', [normalize(c, g, [1, 2, 4], attrFloat(n, 'epsilon', 1e-5)), c.op('Shape', [x])]);
  let y = c.op('Add', [c.op('Mul', [z, gamma]), beta]);
  if (attrInt(n, 'activation', 0) === 1) y = c.op('Mul', [y, c.op('Sigmoid', [y])]);
  return { y };
}

const id = (c: LowerCtx, from: string, to: string, emit: (t: string, i: string[], o: string[]) => void) => { if (to) emit('Identity', [from], [to]); };

export function lowerings(emit: (type: string, inputs: string[], outputs: string[]) => void): Record<string, Lowering> {
  const alias = (c: LowerCtx, from: string, to: string) => id(c, from, to, emit);
  return {
    BiasAdd: (c, _n, x, o) => alias(c, c.op('Add', [c.op('Add', [x[0], x[1]]), x[2]]), o[0]),
    BiasGelu: (c, _n, x, o) => alias(c, gelu(c, c.op('Add', [x[0], x[1]])), o[0]),
    FastGelu: (c, _n, x, o) => {
      const v = x[1] ? c.op('Add', [x[0], x[1]]) : x[0];
      const inner = c.op('Mul', [c.op('Add', [v, c.op('Mul', [c.op('Mul', [c.op('Mul', [v, v]), v]), c.scalar(0.044715, v)])]), c.scalar(Math.sqrt(2 / Math.PI), v)]);
      alias(c, c.op('Mul', [c.op('Mul', [v, c.scalar(0.5, v)]), c.op('Add', [c.op('Tanh', [inner]), c.scalar(1, v)])]), o[0]);
    },
    QuickGelu: (c, n, x, o) => alias(c, c.op('Mul', [x[0], c.op('Sigmoid', [c.op('Mul', [x[0], c.scalar(attrFloat(n, 'alpha', 1.702), x[0])])])]), o[0]),
    BiasSplitGelu: (c, _n, x, o) => { // (x + bias) split in halves on the last axis: left * gelu(right)
      const v = c.op('Add', [x[0], x[1]]);
      const half = c.op('Div', [c.op('Slice', [c.op('Shape', [v]), c.ints([-1]), c.ints([Number.MAX_SAFE_INTEGER])]), c.ints([2])]);
      const left = c.op('Slice', [v, c.ints([0]), half, c.ints([-1])]);
      const right = c.op('Slice', [v, half, c.ints([Number.MAX_SAFE_INTEGER]), c.ints([-1])]);
      alias(c, c.op('Mul', [left, gelu(c, right)]), o[0]);
    },
    GroupNorm: (c, n, x, o) => {
      const r = groupNorm(c, n, x[0], x[1], x[2]);
      if (typeof r === 'string') return r;
      alias(c, r.y, o[0]);
    },
    SkipGroupNorm: (c, n, x, o) => {
      let s = c.op('Add', [x[0], x[3]]);
      if (x[4]) s = c.op('Add', [s, x[4]]);
      const r = groupNorm(c, n, s, x[1], x[2], x[0]);
      if (typeof r === 'string') return r;
      alias(c, r.y, o[0]);
      alias(c, s, o[1] ?? '');
    },
    SkipLayerNormalization: (c, n, x, o) => {
      if (o[1] || o[2]) return 'its mean and inv_std_var outputs are not supported';
      let s = c.op('Add', [x[0], x[1]]);
      if (x[4]) s = c.op('Add', [s, x[4]]);
      let y = c.op('Mul', [normalize(c, s, [-1], attrFloat(n, 'epsilon', 1e-12)), x[2]]);
      if (x[3]) y = c.op('Add', [y, x[3]]);
      alias(c, y, o[0]);
      alias(c, s, o[3] ?? '');
    },
    MultiHeadAttention: (c, n, x, o) => {
      // the SD form: separate 3-D query, key, value; no bias, mask, past or packed inputs
      if (x.slice(3).some(Boolean)) return 'only query, key and value inputs are supported';
      if (o.slice(1).some(Boolean)) return 'present_key/present_value outputs are not supported';
      if (attrInt(n, 'unidirectional', 0)) return 'unidirectional=1 is not supported';
      const heads = attrInt(n, 'num_heads', 0);
      const dims = [x[0], x[1], x[2]].map((v) => c.info(v)?.dims);
      if (!x[1] || !x[2] || dims.some((d) => d?.length !== 3)) return 'query, key and value must all be given, 3-D';
      const dq = dims[0]![2];
      if (typeof dq !== 'number' || heads < 1 || dq % heads) return `query's last dim (${dq}) must be a known multiple of num_heads (${heads})`;
      const scale = attrFloat(n, 'scale', 0) || 1 / Math.sqrt(dq / heads);
      const split = (v: string, perm: number[]) => c.op('Transpose', [c.op('Reshape', [v, c.ints([0, 0, heads, -1])])], { perm });
      const q = split(x[0], [0, 2, 1, 3]);
      const k = split(x[1], [0, 2, 3, 1]);
      const v = split(x[2], [0, 2, 1, 3]);
      const p = c.op('Softmax', [c.op('Mul', [c.op('MatMul', [q, k]), c.scalar(scale, x[0])])], { axis: -1 });
      const y = c.op('Transpose', [c.op('MatMul', [p, v])], { perm: [0, 2, 1, 3] });
      alias(c, c.op('Reshape', [y, c.ints([0, 0, -1])]), o[0]);
    },
  };
}

/** The fused ops that can be lowered (the table's keys; the tests walk it). */
export const loweredOps = Object.keys(lowerings(() => undefined));

/**
 * Replaces every com.microsoft node that has a lowering, in place. `infoOf` gives types and
 * shapes of the forward graph as declared or inferred before lowering.
 */
export function lowerFused(graph: GraphProto, opset: number, infoOf: () => Map<string, Info>): void {
  const nodes = graph.node ?? [];
  if (!nodes.some((n) => n.domain === MS)) return;
  const info = infoOf(); // only paid for by models that hold fused ops
  const taken = new Set<string>([...(graph.input ?? []), ...(graph.initializer ?? [])].map((v) => v.name ?? ''));
  nodes.forEach((n) => (n.output ?? []).forEach((o) => taken.add(o)));
  let k = 0;
  const fresh = (hint: string) => {
    let s: string;
    do s = `lower/${hint}_${k++}`; while (taken.has(s));
    taken.add(s);
    return s;
  };
  const out: NodeProto[] = [];
  const emit = (type: string, inputs: string[], outputs: string[], attrs?: Record<string, number | number[]>) =>
    out.push(makeNode(type, inputs, outputs, attrs, fresh(type)));
  const table = lowerings(emit);
  const firstFloat = (graph.input ?? []).map((v) => info.get(v.name ?? '')?.dtype).find((d) => d === 1 || d === 10 || d === 11) ?? 1;
  const ctx: LowerCtx = {
    op: (type, inputs, attrs) => { const o = fresh(type); emit(type, inputs, [o], attrs); return o; },
    scalar: (v, like) => {
      const f = ctx.op('Constant', [], { value: makeTensor('', new Float32Array([v]), []) } as never);
      const to = info.get(like)?.dtype || firstFloat;
      return to === 1 ? f : ctx.op('Cast', [f], { to });
    },
    ints: (v) => ctx.op('Constant', [], { value: makeTensor('', new BigInt64Array(v.map(BigInt)), [v.length]) } as never),
    reduceMean: (x, axes) => (opset >= 18 ? ctx.op('ReduceMean', [x, ctx.ints(axes)]) : ctx.op('ReduceMean', [x], { axes })),
    info: (v) => info.get(v),
  };
  const refused: string[] = [];
  for (const n of nodes) {
    const lower = n.domain === MS ? table[n.opType ?? ''] : undefined;
    if (!lower) { out.push(n); continue; }
    const mark = out.length;
    const why = lower(ctx, n, (n.input ?? []).map((v) => v ?? ''), (n.output ?? []).map((v) => v ?? ''));
    if (typeof why === 'string') {
      // every fused node we cannot lower is named, all at once, before anything is built
      out.length = mark;
      out.push(n);
      refused.push(`cannot lower "${MS}::${n.opType}" at node "${n.name || n.output?.[0]}": ${why}`);
    }
  }
  if (refused.length) throw new Error(refused.join('; '));
  graph.node = out;
}
