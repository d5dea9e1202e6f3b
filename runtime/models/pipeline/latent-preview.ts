import { resolveSchedulerConfig, type Scheduler } from '../../schedulers';
import { torchRandn } from '../../rng';
import type { Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { decodeLatents } from './decode';
import type { DenoiseOptions } from './denoise';

/**
 * Live previews while denoising. The cheap one is a per-model linear map from a latent pixel's
 * C channels to RGB (C x 3 weights plus a bias), as ComfyUI's latent previews do; instead of
 * factors shipped per model family, it is fitted by least squares against the model's own VAE
 * decoder, once per loaded model, on a few random latents. The other decodes with the VAE.
 */
export interface LatentProjection {
  /** [3][C]: rgb_k = sum_c weights[k * C + c] * latent_c + bias[k]. */
  weights: Float32Array;
  bias: Float32Array;
  channels: number;
}

/**
 * Random unit-variance latents made of constant 4x4 patches. Generated latents are smooth over
 * areas, and a patch decodes to the colour of its one latent; on the built-in model this fits
 * final images about twice as well as per-pixel noise does.
 */
function patchLatents(rows: number, c: number, h: number, w: number): Tensor {
  const patch = Math.max(1, Math.min(4, h, w));
  const [ch, cw] = [Math.ceil(h / patch), Math.ceil(w / patch)];
  const coarse = torchRandn(0, [rows, c, ch, cw]);
  const data = new Float32Array(rows * c * h * w);
  for (let r = 0; r < rows * c; r++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(r * h + y) * w + x] = coarse[(r * ch + Math.floor(y / patch)) * cw + Math.floor(x / patch)];
  }
  return { dims: [rows, c, h, w], data };
}

/** Solves the (n x n) system A x = b in place by Gaussian elimination with partial pivoting. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) pivot = r;
    for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k], a[col * n + k]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / a[col * n + col];
      for (let k = col; k < n; k++) a[r * n + k] -= f * a[col * n + k];
      b[r] -= f * b[col];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * x[k];
    x[r] = s / a[r * n + r];
  }
  return x;
}

/**
 * Least squares from latent pixels to the mean colour of the image block each one decodes to.
 * `latents` [N, C, h, w] and `images` [N, 3, h*s, w*s].
 */
export function fitProjection(latents: Tensor, images: Tensor): LatentProjection {
  const [n, c, h, w] = latents.dims;
  const s = images.dims[2] / h;
  const m = c + 1; // channels and the bias
  const ata = new Float64Array(m * m);
  const atb = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  const row = new Float64Array(m);
  const [H, W] = [images.dims[2], images.dims[3]];
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) row[k] = latents.data[((i * c + k) * h + y) * w + x];
        row[c] = 1;
        for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) ata[p * m + q] += row[p] * row[q];
        for (let k = 0; k < 3; k++) {
          let mean = 0;
          for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) mean += images.data[((i * 3 + k) * H + y * s + dy) * W + x * s + dx];
          mean /= s * s;
          for (let p = 0; p < m; p++) atb[k][p] += row[p] * mean;
        }
      }
    }
  }
  // a touch of ridge keeps a channel the samples hardly moved from blowing up
  const ridge = 1e-6 * (ata.reduce((t, v, i) => (i % (m + 1) === 0 ? t + v : t), 0) / m);
  for (let p = 0; p < c; p++) ata[p * m + p] += ridge;
  const weights = new Float32Array(3 * c);
  const bias = new Float32Array(3);
  for (let k = 0; k < 3; k++) {
    const x = solve(ata.slice(), atb[k].slice(), m);
    for (let p = 0; p < c; p++) weights[k * c + p] = x[p];
    bias[k] = x[c];
  }
  return { weights, bias, channels: c };
}

const fitted = new WeakMap<DiffusionModel, Promise<LatentProjection>>();

/** The model's projection, fitted on its first preview and kept as long as the model. */
export function latentProjection(model: DiffusionModel): Promise<LatentProjection> {
  let p = fitted.get(model);
  if (!p) {
    const shape = model.vaeDecoder.input('latent_sample')?.shape ?? [];
    const fixed = (d: unknown) => (typeof d === 'number' && d > 0 ? d : undefined);
    const native = [model.nativeSize.height / model.vaeScale, model.nativeSize.width / model.vaeScale];
    // small latents where the decoder takes any size: the fit needs a few hundred pixels, not a full image
    const h = fixed(shape[2]) ?? Math.min(native[0], 16);
    const w = fixed(shape[3]) ?? Math.min(native[1], 16);
    const rows = fixed(shape[0]) ?? 4;
    const latents = patchLatents(rows, model.latentChannels, h, w);
    p = decodeLatents(model, latents).then((images) => fitProjection(latents, images));
    fitted.set(model, p);
    const made = p;
    made.catch(() => fitted.get(model) === made && fitted.delete(model));
  }
  return p;
}

/** Latents [N, C, h, w] -> images [N, 3, h, w] in [-1, 1] through the projection. */
export function projectLatents(p: LatentProjection, latents: Tensor): Tensor {
  const [n, c, h, w] = latents.dims;
  if (c !== p.channels) throw new Error(`the preview projection takes ${p.channels} channels, the latents have ${c}`);
  const plane = h * w;
  const out = new Float32Array(n * 3 * plane);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const o = (i * 3 + k) * plane;
      out.fill(p.bias[k], o, o + plane);
      for (let ch = 0; ch < c; ch++) {
        const wk = p.weights[k * c + ch];
        const src = (i * c + ch) * plane;
        for (let j = 0; j < plane; j++) out[o + j] += wk * latents.data[src + j];
      }
      for (let j = o; j < o + plane; j++) out[j] = Math.max(-1, Math.min(1, out[j]));
    }
  }
  return { dims: [n, 3, h, w], data: out };
}

/**
 * The denoised latent the model predicts at step i from its sample x_i and its output there
 * (eps or v): what a preview should show, since x_i itself is mostly noise early on. Euler and
 * LMS work in sigma space (x = x0 + sigma eps); DDIM and PNDM in alpha space.
 */
export function predictOriginal(scheduler: Scheduler, prediction: 'epsilon' | 'v_prediction', i: number, x: Float32Array, out: Float32Array): Float32Array {
  const sigma = scheduler.sigmas[i] ?? 0;
  const x0 = new Float32Array(x.length);
  if (scheduler.kind === 'euler' || scheduler.kind === 'lms') {
    const [skip, mix] = prediction === 'epsilon' ? [1, -sigma] : [1 / (sigma * sigma + 1), -sigma / Math.sqrt(sigma * sigma + 1)];
    for (let j = 0; j < x.length; j++) x0[j] = skip * x[j] + mix * out[j];
    return x0;
  }
  const a = 1 / (1 + sigma * sigma); // alpha-bar at step i
  const [sa, sb] = [Math.sqrt(a), Math.sqrt(1 - a)];
  for (let j = 0; j < x.length; j++) x0[j] = prediction === 'epsilon' ? (x[j] - sb * out[j]) / sa : sa * x[j] - sb * out[j];
  return x0;
}

export type LivePreviewMode = 'projection' | 'decode';

/**
 * The denoise loop's preview hook: every `every` steps, the predicted image (projected, or
 * decoded by the VAE) goes to `emit`. The last step is left out: the final image follows it.
 */
export function livePreview(
  model: DiffusionModel,
  scheduler: Scheduler,
  options: { mode: LivePreviewMode; every: number; emit(images: Tensor, done: number, total: number): void },
): NonNullable<DenoiseOptions['preview']> {
  const prediction = resolveSchedulerConfig(scheduler.kind, model.schedulerConfig).predictionType;
  return {
    every: options.every,
    async onStep(i, sample, output, total) {
      const x0: Tensor = { dims: sample.dims, data: predictOriginal(scheduler, prediction, i, sample.data, output) };
      const images = options.mode === 'projection' ? projectLatents(await latentProjection(model), x0) : await decodeLatents(model, x0);
      options.emit(images, i + 1, total);
    },
  };
}
