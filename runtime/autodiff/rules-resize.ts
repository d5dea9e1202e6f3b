// Gradient rule for Resize. Resize is linear and separable, so its adjoint applies, per
// spatial axis, the transpose of that axis' 1-D interpolation matrix. The matrix is made
// in the graph by resizing an identity with the forward node's own attributes, so every
// mode (nearest, linear, cubic) and coordinate convention is matched exactly.
// Nearest upsampling by integer factors takes a cheaper path: sum over each block.
import { makeTensor } from '../onnx/index';
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attrStr } from './node-attrs';

export function resizeGrad(a: RuleArgs): Grads {
  const { node, x, e } = a;
  if (node.attribute?.some((t) => t.name === 'axes')) throw new Error('Resize with the axes attribute is not supported');
  if (attrStr(node, 'coordinate_transformation_mode', 'half_pixel') === 'tf_crop_and_resize') {
    throw new Error('Resize tf_crop_and_resize is not supported');
  }
  if (attrStr(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw new Error('Resize keep_aspect_ratio_policy is not supported');
  const factors = integerFactors(a);
  const dx = factors ? blockSum(e, a.g[0]!, x[0], factors) : separableAdjoint(a);
  return [dx, null, null, null];
}

/** Integer upsampling factors per axis when nearest mode maps output o to input floor(o / f). */
function integerFactors({ node, x, e }: RuleArgs): number[] | null {
  if (attrStr(node, 'mode', 'nearest') !== 'nearest') return null;
  const ctm = attrStr(node, 'coordinate_transformation_mode', 'half_pixel');
  const nm = attrStr(node, 'nearest_mode', 'round_prefer_floor');
  // half_pixel: the sample point sits strictly inside the block, so every rounding rule agrees
  const exact = ctm === 'half_pixel' || ctm === 'pytorch_half_pixel' || (ctm === 'asymmetric' && nm === 'floor');
  if (!exact) return null;
  let f = x[2] ? e.value(x[2]) : undefined;
  if (!f && x[3]) {
    const sizes = e.value(x[3]);
    const dims = e.dims(x[0]);
    if (sizes && dims?.every((d) => typeof d === 'number')) f = sizes.map((s, i) => s / (dims[i] as number));
  }
  if (!f || f.some((v) => !Number.isInteger(v) || v < 1)) return null;
  return f;
}

/** g[..., H*f, ...] -> [..., H, f, ...] summed over the f axes. */
function blockSum(e: Emitter, g: string, x: string, f: number[]): string {
  if (f.every((v) => v === 1)) return g;
  const parts = f.flatMap((v, i) => [e.dim(x, i), e.ints([v])]);
  const blocks = e.op('Reshape', [g, e.op('Concat', parts, { axis: 0 })]);
  return e.sum(blocks, f.map((_, i) => 2 * i + 1), false);
}

/** Batch and channel axes must be left alone (torch never resizes them). */
function separableAdjoint({ node, g, x, e }: RuleArgs): string {
  const r = e.rank(x[0]);
  const attrs = Object.fromEntries((node.attribute ?? []).map((t) => [t.name!, t]));
  const scales = e.value(x[2]);
  if (scales && (scales[0] !== 1 || scales[1] !== 1)) throw new Error('Resize of batch or channel axes is not supported');
  let dx = g[0]!;
  for (let k = r - 1; k >= 2; k--) {
    if (scales && scales[k] === 1) continue; // untouched axis
    const n = e.dim(x[0], k);
    const n0 = e.op('Squeeze', [n]);
    const idx = e.op('Range', [e.scalar(0, n0), n0, e.scalar(1, n0)]);
    const eye = e.op('Cast', [e.op('Equal', [e.unsqueeze(idx, [1]), e.unsqueeze(idx, [0])])], { to: e.dtype(x[0]) });
    // identity laid out as [n, 1, .., n (axis k), .., 1]: resizing axis k gives A_k^T along axes (0, k)
    const layout = e.op('Concat', [...Array(r).keys()].map((i) => (i === 0 || i === k ? n : e.ints([1]))), { axis: 0 });
    const ident = e.op('Reshape', [eye, layout]);
    const onAxis = (t: string, rest: string) => e.op('Where', [boolMask(e, r, k), t, rest]);
    const resized = x[2] && !x[3]
      ? e.op('Resize', [ident, '', onAxis(x[2], floatOnes(e, r))], attrs)
      : e.op('Resize', [ident, '', '', onAxis(x[3], layout)], attrs);
    const amat = e.op('Transpose', [e.op('Reshape', [resized, e.op('Concat', [n, e.ints([-1])], { axis: 0 })])], { perm: [1, 0] });
    // contract the cotangent's axis k with A_k: move k last, MatMul, move back
    const toLast = [...Array(r).keys()].filter((i) => i !== k).concat(k);
    const back = toLast.map((_, i) => toLast.indexOf(i));
    dx = e.transpose(e.op('MatMul', [e.transpose(dx, toLast), amat]), back);
  }
  return dx;
}

function boolMask(e: Emitter, r: number, k: number): string {
  const m = new Uint8Array(r);
  m[k] = 1;
  return e.op('Constant', [], { value: makeTensor('', m, [r], 'bool') });
}

function floatOnes(e: Emitter, r: number): string {
  return e.op('Constant', [], { value: makeTensor('', new Float32Array(r).fill(1), [r]) });
}
