// Gradient rules for MaxPool and AveragePool (any spatial rank, strides, pads, dilations,
// ceil_mode). Both end in one ConvTranspose: per output position, K = prod(kernel) weights
// (one per window element) laid out as K channels, placed back onto the input by a kernel
// whose channel k is one-hot at window element k. No scatter: it runs on every backend.
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attrInt, attrInts, attrStr } from './node-attrs';
import { inputGrad, spatial, type ConvAttrs } from './rules-conv';
import { mulDim } from './dims';
import { poolDims } from './shape-ops';

interface PoolAttrs extends ConvAttrs { kernel: number[]; ceil: boolean }

function poolAttrs(a: RuleArgs): PoolAttrs {
  const { node } = a;
  const pad = attrStr(node, 'auto_pad', 'NOTSET');
  if (pad !== 'NOTSET' && pad !== 'VALID') throw new Error(`${node.opType} auto_pad "${pad}" is not supported`);
  const kernel = attrInts(node, 'kernel_shape');
  if (!kernel) throw new Error(`${node.opType} without kernel_shape`);
  const sp = kernel.length;
  const p: PoolAttrs = {
    sp,
    kernel,
    strides: attrInts(node, 'strides') ?? Array(sp).fill(1),
    pads: attrInts(node, 'pads') ?? Array(2 * sp).fill(0),
    dilations: attrInts(node, 'dilations') ?? Array(sp).fill(1),
    group: 1,
    ceil: attrInt(node, 'ceil_mode', 0) === 1,
  };
  // onnxruntime's shape inference keeps a last ceil-mode window that starts in the end padding,
  // its kernel drops it: a static shape then folds wrong in the gradient model
  const xd = a.e.dims(a.x[0]);
  if (p.ceil && xd && poolDims(node, xd)?.some((d, i) => d === null && typeof xd[i] === 'number')) {
    throw new Error(`${node.opType} ceil_mode with a last window inside the end padding is not supported`);
  }
  return p;
}

const spans = (a: PoolAttrs) => a.kernel.map((k, i) => a.dilations[i] * (k - 1) + 1);

/** Window element offsets in row-major kernel order (the order the forward scans a window). */
function offsets(kernel: number[]): number[][] {
  return kernel.reduce<number[][]>((acc, k) => acc.flatMap((o) => [...Array(k).keys()].map((j) => [...o, j])), [[]]);
}

/**
 * x padded with `fill` so that the windows of y lie inside it: the forward pads, plus in ceil
 * mode whatever the last window overhangs (computed at run time from y's size).
 */
function padToWindows(e: Emitter, x: string, y: string, a: PoolAttrs, fill: string): string {
  const { sp } = a;
  const begin = a.pads.slice(0, sp);
  let end = e.ints(a.pads.slice(sp));
  if (a.ceil) {
    const need = e.op('Add', [e.op('Mul', [e.op('Sub', [spatial(e, y, sp), e.ints([1])]), e.ints(a.strides)]), e.ints(spans(a))]);
    const have = e.op('Add', [spatial(e, x, sp), e.ints(a.pads.slice(0, sp).map((p, i) => p + a.pads[sp + i]))]);
    end = e.op('Add', [end, e.op('Max', [e.op('Sub', [need, have]), e.ints([0])])]);
  } else if (a.pads.every((p) => p === 0)) return x;
  const pads = e.op('Concat', [e.ints([0, 0, ...begin, 0, 0]), end], { axis: 0 });
  return e.op('Pad', [x, pads, fill]);
}

/** Per-window weights `cols` [N*C, K, *out] summed back onto x's positions, shaped like x. */
function place(e: Emitter, cols: string, x: string, a: PoolAttrs, kernelWeights: number[]): string {
  const K = kernelWeights.length / a.kernel.reduce((p, k) => p * k, 1);
  const w = e.floats(kernelWeights, [K, 1, ...a.kernel], x);
  const xd = e.dims(x);
  const target = { spatial: () => spatial(e, x, a.sp), dims: xd ? [mulDim(xd[0], xd[1]), 1, ...xd.slice(2)] : null, dtype: e.dtype(x) };
  return e.reshapeLike(inputGrad(e, cols, target, w, a), x);
}

const columns = (e: Emitter, t: string, y: string, a: PoolAttrs, k: number) =>
  e.op('Reshape', [t, e.op('Concat', [e.ints([-1, k]), spatial(e, y, a.sp)], { axis: 0 })]);

/**
 * The gradient goes to the first element of each window (in scan order) equal to the window's
 * max, as the forward's argmax picks it (torch's convention); overlapping windows add up.
 * The window views are strided Slices of x padded with -inf, stacked along a new axis 2.
 */
export function maxPoolGrad(args: RuleArgs): Grads {
  const { g, x, y, e } = args;
  const a = poolAttrs(args);
  const xp = e.unsqueeze(padToWindows(e, x[0], y[0], a, e.scalar(-Infinity, x[0])), [2]);
  const length = e.op('Add', [e.op('Mul', [e.op('Sub', [spatial(e, y[0], a.sp), e.ints([1])]), e.ints(a.strides)]), e.ints([1])]);
  const axes = e.ints([...Array(a.sp).keys()].map((i) => i + 3));
  const offs = offsets(a.kernel);
  const views = offs.map((o) => {
    const start = e.ints(o.map((j, i) => j * a.dilations[i]));
    return e.op('Slice', [xp, start, e.op('Add', [start, length]), axes, e.ints(a.strides)]);
  });
  const stack = views.length === 1 ? views[0] : e.op('Concat', views, { axis: 2 }); // [N, C, K, *out]
  const hit = e.op('Equal', [stack, e.unsqueeze(y[0], [2])]);
  const seen = e.op('CumSum', [e.op('Cast', [hit], { to: e.dtype(x[0]) }), e.tensor([2], [], 7)]);
  const first = e.op('And', [hit, e.op('Equal', [seen, e.scalar(1, x[0])])]);
  const G = g[0]!;
  const picked = e.op('Where', [first, e.unsqueeze(G, [2]), e.scalar(0, G)]);
  const K = offs.length;
  const onehot = Array.from({ length: K * K }, (_, i) => (Math.floor(i / K) === i % K ? 1 : 0));
  return [place(e, columns(e, picked, y[0], a, K), x[0], a, onehot), null];
}

/**
 * Each output's cotangent, divided by the forward's divisor, spread evenly over its window.
 * The divisor is prod(kernel) where no window reaches outside the (padded) input; otherwise
 * it is computed: valid(p), the real elements window p reads, is a window sum of ones, and
 * AveragePool(ones) = valid / divisor gives the divisor for count_include_pad = 1.
 */
export function averagePoolGrad(args: RuleArgs): Grads {
  const { node, g, x, y, e } = args;
  const a = poolAttrs(args);
  const size = a.kernel.reduce((p, k) => p * k, 1);
  const include = attrInt(node, 'count_include_pad', 0) === 1;
  const G = g[0]!;
  let scaled: string;
  if (!a.ceil && (include || a.pads.every((p) => p === 0))) scaled = e.op('Div', [G, e.scalar(size, G)]);
  else {
    const ones = e.op('Expand', [e.scalar(1, x[0]), e.op('Concat', [e.ints([1, 1]), spatial(e, x[0], a.sp)], { axis: 0 })]);
    const kernel = e.floats(Array(size).fill(1), [1, 1, ...a.kernel], x[0]);
    const valid = e.op('Conv', [padToWindows(e, ones, y[0], a, e.scalar(0, x[0])), kernel], { strides: a.strides, dilations: a.dilations });
    const attrs = Object.fromEntries((node.attribute ?? []).map((t) => [t.name!, t]));
    const share = include ? e.op('AveragePool', [ones], attrs) : e.scalar(1, x[0]);
    scaled = e.op('Mul', [G, e.op('Div', [share, valid])]);
  }
  return [place(e, columns(e, scaled, y[0], a, 1), x[0], a, Array(size).fill(1))];
}
