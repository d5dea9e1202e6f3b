import { GraphBuilder } from '../../onnx/index';

/** CLIP's image normalization (openai/clip-vit-large-patch14 preprocessor_config.json). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
export const CLIP_SIZE = 224;

/**
 * Images [B, 3, h, w] in [-1, 1] -> CLIP `pixel_values` [B, 3, 224, 224]: shortest side to 224
 * (bicubic, a = -0.5 as PIL), center crop, CLIP mean/std. Built per image size, in code, so the
 * autodiff differentiates it like any measure. ONNX Resize has no antialiasing before opset 18:
 * downscaling a 512 px image differs slightly from PIL's (the score shifts a little, its
 * gradient does not care).
 */
export function clipPreprocessGraph(h: number, w: number): Uint8Array {
  const g = new GraphBuilder({ name: 'clip_preprocess' });
  const image = g.input('image', 'float32', ['batch', 3, h, w]);
  const unit = g.op('Add', [g.op('Mul', [image, g.constant(new Float32Array([0.5]), [])]), g.constant(new Float32Array([0.5]), [])]);
  // ONNX sizes are floor(dim * scale) with a float32 scale: nudge it up where rounding would give 223.
  const size = (d: number, s: number) => Math.min(Math.floor(d * s), Math.floor(Math.fround(d * s)));
  let scale = Math.fround(CLIP_SIZE / Math.min(h, w));
  while (size(Math.min(h, w), scale) < CLIP_SIZE) scale = Math.fround(scale * (1 + 1e-7));
  const [rh, rw] = [size(h, scale), size(w, scale)];
  const scales = g.constant(new Float32Array([1, 1, scale, scale]), [4]);
  const resized = g.op('Resize', [unit, '', scales], { mode: 'cubic', cubic_coeff_a: -0.5, coordinate_transformation_mode: 'half_pixel' });
  const [top, left] = [Math.floor((rh - CLIP_SIZE) / 2), Math.floor((rw - CLIP_SIZE) / 2)];
  const i64 = (v: number[]) => g.constant(BigInt64Array.from(v.map(BigInt)), [v.length]);
  const cropped = rh === CLIP_SIZE && rw === CLIP_SIZE
    ? resized
    : g.op('Slice', [resized, i64([top, left]), i64([top + CLIP_SIZE, left + CLIP_SIZE]), i64([2, 3])]);
  const mean = g.initializer('clip_mean', new Float32Array(CLIP_MEAN), [1, 3, 1, 1]);
  const invStd = g.initializer('clip_inv_std', Float32Array.from(CLIP_STD, (s) => 1 / s), [1, 3, 1, 1]);
  const pixels = g.op('Mul', [g.op('Sub', [cropped, mean]), invStd]);
  g.output(pixels, 'float32', ['batch', 3, CLIP_SIZE, CLIP_SIZE], 'pixel_values');
  return g.toBytes();
}

/** L2 normalization of CLIP image embeddings [B, D] (the predictor was trained on unit vectors). */
export function l2NormalizeGraph(dim: number): Uint8Array {
  const g = new GraphBuilder({ name: 'l2_normalize' });
  const x = g.input('embeds', 'float32', ['batch', dim]);
  const sq = g.op('Mul', [g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [1], keepdims: 1 }), g.constant(new Float32Array([dim]), [])]);
  const norm = g.op('Sqrt', [g.op('Add', [sq, g.constant(new Float32Array([1e-12]), [])])]);
  g.output(g.op('Div', [x, norm]), 'float32', ['batch', dim], 'normalized');
  return g.toBytes();
}
