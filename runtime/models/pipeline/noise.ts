import { torchRandn } from '../../rng';
import type { SeedsValue, Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';

/** Latent [channels, h, w] for an image size; the size must be a whole number of latent pixels. */
export function latentShape(model: DiffusionModel, width: number, height: number): [number, number, number] {
  const s = model.vaeScale;
  if (width % s || height % s) throw new Error(`${model.id}: width and height must be multiples of ${s} (got ${width}x${height})`);
  const fixed = model.unet.input('sample')!.shape;
  const [h, w] = [height / s, width / s];
  if ((typeof fixed[2] === 'number' && fixed[2] !== h) || (typeof fixed[3] === 'number' && fixed[3] !== w)) {
    throw new Error(`${model.id}: its UNet only takes ${Number(fixed[3]) * s}x${Number(fixed[2]) * s} images (asked for ${width}x${height})`);
  }
  return [model.latentChannels, h, w];
}

/**
 * Initial noise [S, C, h, w], one row per seed, each `torch.randn((1, C, h, w),
 * generator=torch.Generator().manual_seed(seed))`, as diffusers draws it for a list of
 * generators. A Seeds value's `noise` replaces the seeds' noise (the seed-invariant method).
 */
export function initialNoise(seeds: SeedsValue, shape: readonly [number, number, number]): Tensor {
  const n = shape[0] * shape[1] * shape[2];
  if (seeds.noise) {
    const { dims, data } = seeds.noise;
    const rows = dims[0];
    if (dims.length !== 4 || dims[1] !== shape[0] || dims[2] !== shape[1] || dims[3] !== shape[2]) {
      throw new Error(`seeds.noise has dims [${dims.join(', ')}], expected [N, ${shape.join(', ')}] for this model and size`);
    }
    if (data.length !== rows * n) throw new Error(`seeds.noise holds ${data.length} values, dims say ${rows * n}`);
    return { dims: [...dims], data };
  }
  if (seeds.seeds.length === 0) throw new Error('no seeds given');
  const data = new Float32Array(seeds.seeds.length * n);
  seeds.seeds.forEach((seed, i) => data.set(torchRandn(seed, [1, ...shape]), i * n));
  return { dims: [seeds.seeds.length, ...shape], data };
}
