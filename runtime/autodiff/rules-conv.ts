// Gradient rules for Conv and ConvTranspose (any spatial rank, strides, dilations, groups).
// Input gradient: the adjoint op. Weight gradient: a convolution of the input with the
// cotangent, batch and channels swapped, groups folded into channels.
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attrInt, attrInts, attrStr } from './node-attrs';
import type { Dim, NodeProto } from '../onnx/index';

export interface ConvAttrs { sp: number; strides: number[]; pads: number[]; dilations: number[]; group: number }
/** What an input gradient must be sized like: its spatial shape at run time, its static dims. */
export interface Target { spatial: () => string; dims: Dim[] | null; dtype: number }

function convAttrs(node: NodeProto, e: Emitter, w: string): ConvAttrs {
  const pad = attrStr(node, 'auto_pad', 'NOTSET');
  if (pad !== 'NOTSET' && pad !== 'VALID') throw new Error(`${node.opType} auto_pad "${pad}" is not supported`);
  if (attrInts(node, 'output_shape')) throw new Error('ConvTranspose output_shape is not supported');
  const sp = e.rank(w) - 2;
  return {
    sp,
    strides: attrInts(node, 'strides') ?? Array(sp).fill(1),
    pads: attrInts(node, 'pads') ?? Array(2 * sp).fill(0),
    dilations: attrInts(node, 'dilations') ?? Array(sp).fill(1),
    group: attrInt(node, 'group', 1),
  };
}

export const spatial = (e: Emitter, t: string, sp: number) => e.op('Slice', [e.shape(t), e.ints([2]), e.ints([2 + sp])]);
const targetOf = (e: Emitter, x: string, sp: number): Target => ({ spatial: () => spatial(e, x, sp), dims: e.dims(x), dtype: e.dtype(x) });
const biasGrad = (e: Emitter, g: string, sp: number) => e.sum(g, [0, ...Array.from({ length: sp }, (_, i) => i + 2)], false);

/**
 * dW[o, i, k] = sum over n and output positions of g[n, o, p] * x[n, i, p * stride + k * dilation - pad]:
 * itself a convolution of x (channels as batch) by g (batch as channels), stride and dilation swapped.
 */
function weightGrad(e: Emitter, x: string, g: string, w: string, a: ConvAttrs): string {
  const { sp, group } = a;
  const rest = [...Array(sp).keys()].map((i) => i + 3);
  let xs: string;
  let gs: string;
  if (group === 1) {
    const perm = [1, 0, ...rest.map((i) => i - 1)];
    xs = e.transpose(x, perm);
    gs = e.transpose(g, perm);
  } else {
    const n = e.dim(x, 0);
    const gn = e.op('Mul', [n, e.ints([group])]);
    const split = (t: string) => e.op('Reshape', [t, e.op('Concat', [n, e.ints([group, -1]), spatial(e, t, sp)], { axis: 0 })]);
    // x: [N, G, Cg, ...] -> [Cg, G, N, ...] -> [Cg, G*N, ...]
    const xt = e.transpose(split(x), [2, 1, 0, ...rest]);
    xs = e.op('Reshape', [xt, e.op('Concat', [e.ints([-1]), gn, spatial(e, x, sp)], { axis: 0 })]);
    // g: [N, G, Cog, ...] -> [G, Cog, N, ...] -> [Cout, N, ...]
    const gt = e.transpose(split(g), [1, 2, 0, ...rest]);
    gs = e.op('Reshape', [gt, e.op('Concat', [e.ints([-1]), n, spatial(e, g, sp)], { axis: 0 })]);
  }
  const r = e.op('Conv', [xs, gs], { strides: a.dilations, dilations: a.strides, pads: a.pads, group });
  const dw = e.transpose(r, [1, 0, ...rest.map((i) => i - 1)]);
  const axes = [...Array(sp).keys()].map((i) => i + 2);
  return e.op('Slice', [dw, e.ints(Array(sp).fill(0)), spatial(e, w, sp), e.ints(axes)]);
}

/**
 * Conv's input gradient is ConvTranspose with the same attributes, except at the far end:
 * with strides > 1 the forward end padding may be partly unused, so transpose with no end
 * padding, then zero-pad or crop to the input's size.
 */
export function inputGrad(e: Emitter, g: string, x: Target, w: string, a: ConvAttrs): string {
  const attrs = { strides: a.strides, dilations: a.dilations, group: a.group };
  if (a.strides.every((s) => s === 1)) return e.op('ConvTranspose', [g, w], { ...attrs, pads: a.pads });
  const begin = a.pads.slice(0, a.sp);
  // No end padding is the same as end padding `begin` plus output_padding `begin`, which
  // onnxruntime-web's JSEP WebGPU kernel gets right where it gets asymmetric pads wrong
  // (relative error 1.3 on SD's stride-2 downsamplers); output_padding must stay below the stride.
  const symmetric = begin.every((b, i) => b < a.strides[i]);
  const t = e.op('ConvTranspose', [g, w], symmetric
    ? { ...attrs, pads: [...begin, ...begin], ...(begin.some((b) => b > 0) ? { output_padding: begin } : {}) }
    : { ...attrs, pads: [...begin, ...Array(a.sp).fill(0)] });
  const [td, xd] = [e.dims(t), x.dims];
  const fits = td && xd && xd.slice(2).every((d, i) => typeof d === 'number' && d === td[i + 2]);
  if (fits) return t; // the end padding was fully used: already x's size
  const want = x.spatial();
  const short = e.op('Max', [e.op('Sub', [want, spatial(e, t, a.sp)]), e.ints([0])]);
  const padded = e.op('Pad', [t, e.op('Concat', [e.ints(Array(a.sp + 4).fill(0)), short], { axis: 0 })]);
  const axes = [...Array(a.sp).keys()].map((i) => i + 2);
  const dx = e.op('Slice', [padded, e.ints(Array(a.sp).fill(0)), want, e.ints(axes)]);
  if (xd) e.info.set(dx, { dtype: x.dtype, dims: xd }); // x's shape, whatever inference made of the pads
  return dx;
}

export function convGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  const a = convAttrs(node, e, x[1]);
  const G = g[0]!;
  let dx: string | null = null;
  if (wants(0)) dx = inputGrad(e, G, targetOf(e, x[0], a.sp), x[1], a);
  const dw = wants(1) ? weightGrad(e, x[0], G, x[1], a) : null;
  const db = x[2] && wants(2) ? biasGrad(e, G, a.sp) : null;
  return [dx, dw, db];
}

export function convTransposeGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  const a = convAttrs(node, e, x[1]);
  const G = g[0]!;
  const dx = wants(0)
    ? e.op('Conv', [G, x[1]], { strides: a.strides, pads: a.pads, dilations: a.dilations, group: a.group })
    : null;
  // ConvTranspose is Conv's input adjoint, so its weight gradient is Conv's with x and g swapped
  const dw = wants(1) ? weightGrad(e, G, x[0], x[1], a) : null;
  const db = x[2] && wants(2) ? biasGrad(e, G, a.sp) : null;
  return [dx, dw, db];
}
