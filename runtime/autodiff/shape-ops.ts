// Shape arithmetic for the ops whose output dims take more than a line (used by shapes.ts).
import type { Dim, NodeProto } from '../onnx/index';
import { attr, attrInt, attrInts, inputAt } from './node-attrs';
import { broadcastDims, divDim, known, mulDim, symInfo, symOf, type Info, type Lookup } from './dims';

const norm = (a: number, r: number) => (a < 0 ? a + r : a);

export function matmulDims(a: Dim[] | null, b: Dim[] | null): Dim[] | null {
  if (!a || !b) return null;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastDims([a2.slice(0, -2), b2.slice(0, -2)]) ?? [];
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

export function einsumDims(eq: string, dims: (Dim[] | null)[]): Dim[] | null {
  const [lhs, rhs] = eq.replace(/\s/g, '').split('->');
  if (rhs === undefined || eq.includes('.')) return null;
  const size = new Map<string, Dim>();
  lhs.split(',').forEach((term, k) => [...term].forEach((c, i) => {
    const d = dims[k]?.[i] ?? null;
    if (!known(size.get(c) ?? null) || d === null) size.set(c, size.get(c) ?? d);
  }));
  return [...rhs].map((c) => size.get(c) ?? null);
}

export function convDims(node: NodeProto, x: Dim[] | null, w: Dim[] | null): Dim[] | null {
  if (!x) return null;
  const sp = x.length - 2;
  const k = attrInts(node, 'kernel_shape') ?? w?.slice(2) ?? Array(sp).fill(null);
  const s = attrInts(node, 'strides') ?? Array(sp).fill(1);
  const d = attrInts(node, 'dilations') ?? Array(sp).fill(1);
  const p = attrInts(node, 'pads') ?? Array(2 * sp).fill(0);
  const transposed = node.opType === 'ConvTranspose';
  const op = attrInts(node, 'output_padding') ?? Array(sp).fill(0);
  const ch = transposed ? (w && known(w[1]) ? w[1] * attrInt(node, 'group', 1) : null) : w?.[0] ?? null;
  const spatial = x.slice(2).map((n, i) => {
    const kk = k[i];
    if (!known(n) || !known(kk)) return null;
    const span = d[i] * (kk - 1) + 1;
    return transposed ? (n - 1) * s[i] - p[i] - p[i + sp] + span + op[i] : Math.floor((n + p[i] + p[i + sp] - span) / s[i]) + 1;
  });
  return [x[0], ch, ...spatial];
}

export function sliceInfo(node: NodeProto, x: Info | undefined, get: Lookup): { dims: Dim[] | null; value?: number[]; sym?: Dim[] } {
  const v = (i: number) => (inputAt(node, i) ? get(inputAt(node, i)!)?.value : undefined);
  const [starts, ends] = [v(1), v(2)];
  if (!x?.dims) return { dims: null };
  const axes = inputAt(node, 3) ? v(3) : starts?.map((_, i) => i);
  const steps = inputAt(node, 4) ? v(4) : starts?.map(() => 1);
  const dims = [...x.dims];
  if (!starts || !ends || !axes || !steps) return { dims: dims.map(() => null) };
  let value = symOf(x);
  axes.forEach((a, i) => {
    const k = norm(a, dims.length);
    const n = dims[k];
    if (!known(n)) { dims[k] = null; value = undefined; return; }
    const clamp = (q: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, q < 0 ? q + n : q));
    const st = steps[i];
    const s0 = st > 0 ? clamp(starts[i], 0, n) : clamp(starts[i], -1, n - 1);
    const e0 = st > 0 ? clamp(ends[i], 0, n) : clamp(ends[i], -1, n - 1);
    dims[k] = Math.max(0, Math.ceil((e0 - s0) / st));
    // values are tracked for 1-D tensors only: slicing one axis of a matrix drops them
    value = value && dims.length === 1 ? Array.from({ length: dims[k] as number }, (_, j) => value![s0 + j * st] ?? null) : undefined;
  });
  return { dims, ...symInfo(value) };
}

export function splitInfo(node: NodeProto, x: Info | undefined, get: Lookup, opset: number): Info[] {
  const n = (node.output ?? []).length;
  const dtype = x?.dtype ?? 0;
  if (!x?.dims) return Array.from({ length: n }, () => ({ dtype, dims: null }));
  const ax = norm(attrInt(node, 'axis', 0), x.dims.length);
  const total = x.dims[ax];
  let sizes: (number | null)[] | undefined =
    opset >= 13 ? (inputAt(node, 1) ? get(inputAt(node, 1)!)?.value : undefined) : attrInts(node, 'split');
  if (!sizes) {
    if (inputAt(node, 1) && opset >= 13) sizes = Array(n).fill(null);
    else if (known(total)) {
      const chunk = Math.ceil(total / n);
      sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, total - i * chunk)));
    } else sizes = Array(n).fill(null);
  }
  return sizes.map((s) => ({ dtype, dims: x.dims!.map((d, i) => (i === ax ? s : d)) }));
}

/** MaxPool/AveragePool output dims (explicit pads or VALID; floor or ceil mode). */
export function poolDims(node: NodeProto, x: Dim[] | null): Dim[] | null {
  const k = attrInts(node, 'kernel_shape');
  if (!x || !k) return x ? x.map(() => null) : null;
  const sp = k.length;
  const s = attrInts(node, 'strides') ?? Array(sp).fill(1);
  const d = attrInts(node, 'dilations') ?? Array(sp).fill(1);
  const p = attrInts(node, 'pads') ?? Array(2 * sp).fill(0);
  const auto = attr(node, 'auto_pad');
  const round = attrInt(node, 'ceil_mode', 0) ? Math.ceil : Math.floor;
  const spatial = x.slice(2).map((n, i) => {
    if (!known(n) || (auto !== undefined && auto !== 'NOTSET' && auto !== 'VALID')) return null;
    const out = round((n + p[i] + p[i + sp] - d[i] * (k[i] - 1) - 1) / s[i]) + 1;
    // ceil mode with a last window starting in the end padding: onnxruntime versions differ
    // on whether it is dropped, so leave that size to run time
    return round === Math.ceil && (out - 1) * s[i] >= n + p[i] ? null : out;
  });
  return [x[0], x[1], ...spatial];
}

/** DepthToSpace (`toSpace`) or SpaceToDepth output dims. */
export function blockDims(node: NodeProto, x: Dim[] | null, toSpace: boolean): Dim[] | null {
  if (!x || x.length !== 4) return null;
  const b = attrInt(node, 'blocksize', 1);
  const [n, c, h, w] = x as [Dim, Dim, Dim, Dim];
  return toSpace ? [n, divDim(c, b * b), mulDim(h, b), mulDim(w, b)] : [n, mulDim(c, b * b), divDim(h, b), divDim(w, b)];
}

export function gatherNdDims(node: NodeProto, x: Dim[] | null, idx: Dim[] | null): Dim[] | null {
  const last = idx ? idx[idx.length - 1] : null;
  if (!x || !idx || !known(last)) return null;
  const b = attrInt(node, 'batch_dims', 0);
  return [...idx.slice(0, -1), ...x.slice(b + last)];
}
