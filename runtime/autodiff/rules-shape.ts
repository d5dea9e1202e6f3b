// Gradient rules for data movement. Sizes come from Shape ops at run time,
// so dynamic axes (batch, resolution) keep working.
import type { Grads, RuleArgs } from './rule-types';
import { attrInt, attrInts, attrStr, inputAt } from './node-attrs';

const norm = (a: number, r: number) => (a < 0 ? a + r : a);

export function concatGrad({ node, g, x, e }: RuleArgs): Grads {
  const axis = attrInt(node, 'axis', 0);
  if (x.length === 1) return [g[0]];
  const sizes = e.op('Concat', x.map((xi) => e.dim(xi, axis)), { axis: 0 });
  return e.opN('Split', [g[0]!, sizes], x.length, { axis });
}

export function splitGrad({ node, g, y, e }: RuleArgs): Grads {
  const parts = y.map((yi, i) => g[i] ?? e.zerosLike(yi));
  return [parts.length === 1 ? parts[0] : e.op('Concat', parts, { axis: attrInt(node, 'axis', 0) }), null];
}

/** Unit steps: pad the cotangent back with zeros. Other steps: scatter into zeros. */
export function sliceGrad({ node, g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const nStarts = e.dims(x[1])?.[0];
  const axes = inputAt(node, 3) ? e.value(x[3]) : typeof nStarts === 'number' ? [...Array(nStarts).keys()] : undefined;
  const steps = inputAt(node, 4) ? e.value(x[4]) : axes?.map(() => 1);
  if (!axes || !steps || steps.some((s) => s !== 1)) return [scatterSliceGrad({ node, g, x, e } as RuleArgs), null, null, null, null];
  const ax = axes.map((a) => norm(a, r));
  const n = e.op('Gather', [e.shape(x[0]), e.ints(ax)]);
  const zero = e.ints([0]);
  const clampIdx = (v: string) => {
    const pos = e.op('Where', [e.op('Less', [v, zero]), e.op('Add', [v, n]), v]);
    return e.op('Min', [e.op('Max', [pos, zero]), n]);
  };
  const i64 = (v: string) => (e.dtype(v) === 7 ? v : e.op('Cast', [v], { to: 7 }));
  const start = clampIdx(i64(x[1]));
  const end = e.op('Max', [clampIdx(i64(x[2])), start]);
  const after = e.op('Sub', [n, end]);
  const pick = (v: string, d: number) => {
    const i = ax.indexOf(d);
    return i < 0 ? zero : e.op('Gather', [v, e.ints([i])]);
  };
  const dims = [...Array(r).keys()];
  const pads = e.op('Concat', [...dims.map((d) => pick(start, d)), ...dims.map((d) => pick(after, d))], { axis: 0 });
  return [e.op('Pad', [g[0]!, pads]), null, null, null, null];
}

function scatterSliceGrad({ g, x, e }: RuleArgs): string {
  const size = e.op('Size', [x[0]]);
  const flatIdx = e.op('Range', [e.scalar(0, size), size, e.scalar(1, size)]);
  const idx = e.op('Slice', [e.reshapeLike(flatIdx, x[0]), ...x.slice(1).filter(Boolean)]);
  const zeros = e.op('Expand', [e.scalar(0, g[0]!), e.op('Reshape', [size, e.ints([1])])]);
  const flatG = e.op('Reshape', [g[0]!, e.ints([-1])]);
  const hit = e.op('ScatterElements', [zeros, e.op('Reshape', [idx, e.ints([-1])]), flatG], { axis: 0 });
  return e.reshapeLike(hit, x[0]);
}

/**
 * Constant padding only: the gradient is the slice of the cotangent the input landed in; the
 * constant value gets the rest (everything the padding wrote).
 */
export function padGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  if (attrStr(node, 'mode', 'constant') !== 'constant') throw new Error(`Pad mode "${attrStr(node, 'mode', '')}" is not supported`);
  const pv = e.value(x[1]);
  if (pv?.some((p) => p < 0)) throw new Error('Pad with negative pads is not supported');
  const r = e.rank(x[0]);
  const axes = inputAt(node, 3) ? e.value(x[3]) : [...Array(r).keys()];
  if (!axes) throw new Error('Pad axes must be constant');
  const begin = e.op('Slice', [x[1], e.ints([0]), e.ints([axes.length])]);
  const sizes = e.op('Gather', [e.shape(x[0]), e.ints(axes.map((a) => norm(a, r)))]);
  const dx = e.op('Slice', [g[0]!, begin, e.op('Add', [begin, sizes]), e.ints(axes)]);
  const total = (t: string) => e.op('ReduceSum', [t], { keepdims: 0 });
  const dv = x[2] && wants(2) ? e.reshapeLike(e.op('Sub', [total(g[0]!), total(dx)]), x[2]) : null;
  return [dx, null, dv, null];
}

/** Scatter-add through a one-hot matrix: g[P, I, Q] contracted with onehot[I, D] gives dx[P, D, Q]. */
export function gatherGrad({ node, g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const axis = norm(attrInt(node, 'axis', 0), r);
  const d = e.dim(x[0], axis);
  const idx = e.op('Reshape', [x[1], e.ints([-1, 1])]);
  const d64 = e.op('Cast', [d], { to: 7 });
  const idx64 = e.op('Cast', [idx], { to: 7 });
  const wrapped = e.op('Where', [e.op('Less', [idx64, e.ints([0])]), e.op('Add', [idx64, d64]), idx64]);
  const classes = e.op('Range', [e.scalar(0, wrapped), e.op('Squeeze', [d64, e.ints([0])]), e.scalar(1, wrapped)]);
  const onehot = e.op('Cast', [e.op('Equal', [wrapped, classes])], { to: e.dtype(x[0]) }); // [I, D]
  const shape = e.shape(x[0]);
  const outer = (s: number, t: number) => (s === t ? e.ints([1]) : e.op('ReduceProd', [e.op('Slice', [shape, e.ints([s]), e.ints([t])])], { keepdims: 1 }));
  const g3 = e.op('Reshape', [g[0]!, e.op('Concat', [outer(0, axis), e.ints([-1]), outer(axis + 1, r)], { axis: 0 })]);
  const dx = e.op('MatMul', [e.op('Transpose', [onehot], { perm: [1, 0] }), g3]);
  return [e.reshapeLike(dx, x[0]), null];
}

/** Tile: view the cotangent as [r0, d0, r1, d1, ...] and sum over the repeats. */
export function tileGrad({ g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const parts = [...Array(r).keys()].flatMap((i) => [e.op('Gather', [x[1], e.ints([i])]), e.dim(x[0], i)]);
  const blocks = e.op('Reshape', [g[0]!, e.op('Concat', parts, { axis: 0 })]);
  return [e.sum(blocks, [...Array(r).keys()].map((i) => 2 * i), false), null];
}

/**
 * DepthToSpace is a reshape, a transpose and a reshape; its adjoint undoes them. DCR mode is
 * exactly SpaceToDepth's inverse, so its gradient is SpaceToDepth; CRD's is spelled out.
 */
export function depthToSpaceGrad({ node, g, x, y, e }: RuleArgs): Grads {
  const b = attrInt(node, 'blocksize', 1);
  if (attrStr(node, 'mode', 'DCR') === 'DCR') return [e.op('SpaceToDepth', [g[0]!], { blocksize: b })];
  // y viewed as [N, C/b^2, H, b, W, b] <- transpose [0, 1, 4, 2, 5, 3] of x viewed as [N, C/b^2, b, b, H, W]
  const blocks = e.op('Concat', [e.dim(x[0], 0), e.dim(y[0], 1), e.dim(x[0], 2), e.ints([b]), e.dim(x[0], 3), e.ints([b])], { axis: 0 });
  return [e.reshapeLike(e.transpose(e.op('Reshape', [g[0]!, blocks]), [0, 1, 3, 5, 2, 4]), x[0])];
}

/** SpaceToDepth's inverse is DepthToSpace in DCR mode, and so is its adjoint. */
export function spaceToDepthGrad({ node, g, e }: RuleArgs): Grads {
  return [e.op('DepthToSpace', [g[0]!], { blocksize: attrInt(node, 'blocksize', 1), mode: 'DCR' })];
}
