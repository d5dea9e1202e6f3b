// Finite-difference cases for convolution, normalization and resize rules.
import { float } from '../../runtime/onnx/index';
import type { Case, FloatType } from './harness';
import { i64 } from './cases-shape';

const F32: FloatType = 'float32';
const f32 = (b: Parameters<Case['build']>[0], name: string, v: number[]) => b.initializer(name, new Float32Array(v), [v.length]);

const conv = (name: string, x: number[], w: number[], attrs: Record<string, number | number[]>, bias = true): Case => ({
  op: 'Conv', name, dtype: F32,
  inputs: { x: { dims: x }, w: { dims: w }, ...(bias ? { b: { dims: [w[0]] } } : {}) },
  build: (b, v) => b.op('Conv', bias ? [v.x, v.w, v.b] : [v.x, v.w], attrs),
});
const convT = (name: string, x: number[], w: number[], attrs: Record<string, number | number[]>): Case => ({
  op: 'ConvTranspose', name, dtype: F32,
  inputs: { x: { dims: x }, w: { dims: w }, b: { dims: [w[1] * Number(attrs.group ?? 1)] } },
  build: (b, v) => b.op('ConvTranspose', [v.x, v.w, v.b], attrs),
});
const resize = (name: string, x: number[], attrs: Record<string, string>, scales?: number[], sizes?: number[]): Case => ({
  op: 'Resize', name, dtype: F32,
  inputs: { x: { dims: x } },
  build: (b, v) => b.op('Resize', [v.x, '', scales ? f32(b, 'scales', scales) : '', sizes ? i64(b, 'sizes', sizes) : ''], attrs),
});

export const nnCases: Case[] = [
  conv('Conv 3x3 pad 1 with bias', [1, 2, 5, 5], [3, 2, 3, 3], { pads: [1, 1, 1, 1] }),
  conv('Conv stride 2, asymmetric pads, batch 2', [2, 2, 6, 5], [3, 2, 3, 3], { strides: [2, 2], pads: [0, 1, 1, 0] }),
  // regression: on an even size the last row of end padding is never read by a window
  conv('Conv stride 2 pad 1 on even size', [1, 2, 8, 6], [3, 2, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }),
  conv('Conv groups 2, stride 2', [1, 4, 5, 5], [6, 2, 3, 3], { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] }),
  conv('Conv depthwise, dilation 2', [1, 3, 6, 6], [3, 1, 2, 2], { group: 3, dilations: [2, 2] }, false),
  conv('Conv 1-D stride 2', [2, 2, 7], [2, 2, 3], { strides: [2] }),
  convT('ConvTranspose stride 2, pads 1, output_padding 1', [1, 2, 3, 3], [2, 3, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }),
  convT('ConvTranspose groups 2', [1, 4, 3, 2], [4, 1, 2, 2], { group: 2 }),
  {
    op: 'LayerNormalization', name: 'LayerNormalization axis -1', dtype: 'float64',
    inputs: { x: { dims: [2, 3, 4] }, s: { dims: [4] }, b: { dims: [4] } },
    build: (b, v) => b.op('LayerNormalization', [v.x, v.s, v.b], { epsilon: float(1e-5) }),
  },
  {
    op: 'LayerNormalization', name: 'LayerNormalization axis 1, no bias', dtype: 'float64',
    inputs: { x: { dims: [2, 3, 2] }, s: { dims: [3, 2] } },
    build: (b, v) => b.op('LayerNormalization', [v.x, v.s], { axis: 1 }),
  },
  {
    // float32: the statistics come from the forward node's Mean/InvStdDev outputs
    op: 'LayerNormalization', name: 'LayerNormalization float32 axis -1 (forward Mean/InvStdDev)', dtype: F32,
    inputs: { x: { dims: [2, 3, 4] }, s: { dims: [4] }, b: { dims: [4] } },
    build: (b, v) => b.op('LayerNormalization', [v.x, v.s, v.b], { epsilon: float(1e-5) }),
  },
  {
    op: 'LayerNormalization', name: 'LayerNormalization float32 axis 1, constant unit scale', dtype: F32,
    inputs: { x: { dims: [2, 3, 2] } },
    build: (b, v) => b.op('LayerNormalization', [v.x, b.initializer('one', new Float32Array(6).fill(1), [3, 2])], { axis: 1 }),
  },
  {
    // torch's GroupNorm export: unit scale, zero bias, so xhat is the forward output itself
    op: 'InstanceNormalization', name: 'InstanceNormalization, constant unit scale and zero bias', dtype: F32,
    inputs: { x: { dims: [2, 3, 5] } },
    build: (b, v) => b.op('InstanceNormalization', [v.x, b.initializer('one', new Float32Array(3).fill(1), [3]), b.initializer('zero', new Float32Array(3), [3])]),
  },
  {
    op: 'InstanceNormalization', name: 'InstanceNormalization [2,3,4,2]', dtype: F32,
    inputs: { x: { dims: [2, 3, 4, 2] }, s: { dims: [3] }, b: { dims: [3] } },
    build: (b, v) => b.op('InstanceNormalization', [v.x, v.s, v.b], { epsilon: float(1e-5) }),
  },
  {
    op: 'GroupNormalization', name: 'GroupNormalization opset 18 (scale per group)', dtype: 'float64', opset: 18,
    inputs: { x: { dims: [2, 4, 3] }, s: { dims: [2] }, b: { dims: [2] } },
    build: (b, v) => b.op('GroupNormalization', [v.x, v.s, v.b], { num_groups: 2, epsilon: float(1e-5) }),
  },
  {
    // opset 21 computes in float32 (stash_type) even for double inputs
    op: 'GroupNormalization', name: 'GroupNormalization opset 21 (scale per channel)', dtype: F32, opset: 21,
    inputs: { x: { dims: [2, 4, 2, 2] }, s: { dims: [4] }, b: { dims: [4] } },
    build: (b, v) => b.op('GroupNormalization', [v.x, v.s, v.b], { num_groups: 2, epsilon: float(1e-5) }),
  },
  resize('Resize nearest x2 (asymmetric, floor)', [1, 2, 3, 2], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, [1, 1, 2, 2]),
  resize('Resize nearest x2 by sizes (half_pixel)', [1, 1, 2, 3], { mode: 'nearest' }, undefined, [1, 1, 4, 6]),
  resize('Resize nearest x1.5 (round_prefer_ceil)', [1, 1, 2, 4], { mode: 'nearest', nearest_mode: 'round_prefer_ceil' }, [1, 1, 1.5, 1.5]),
  resize('Resize linear x2 (half_pixel)', [1, 2, 3, 3], { mode: 'linear' }, [1, 1, 2, 2]),
  resize('Resize linear align_corners to sizes', [1, 1, 3, 4], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, undefined, [1, 1, 5, 3]),
  resize('Resize linear downscale 0.5', [1, 1, 4, 4], { mode: 'linear' }, [1, 1, 0.5, 0.5]),
  { ...resize('Resize cubic x2 (opset 18)', [1, 1, 3, 3], { mode: 'cubic' }, [1, 1, 2, 2]), opset: 18 },
  { ...resize('Resize nearest x2 (opset 14)', [1, 2, 2, 3], { mode: 'nearest' }, [1, 1, 2, 2]), opset: 14 },
];
