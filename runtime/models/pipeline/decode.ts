import type { Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { concatRows, scale, sliceRows } from './tensor-util';

/** Rows per VAE decoder call: its activations are the biggest of the pipeline. */
const MAX_DECODE_ROWS = 8;

/**
 * Latents (unscaled, as the UNet sees them) -> images [N, 3, H, W] as the decoder emits
 * them (about [-1, 1], not clamped, so gradients stay those of the decoder).
 */
export async function decodeLatents(model: DiffusionModel, latents: Tensor): Promise<Tensor> {
  const fixed = model.vaeDecoder.input('latent_sample')!.shape[0];
  const chunk = typeof fixed === 'number' && fixed > 0 ? fixed : MAX_DECODE_ROWS;
  const scaled: Tensor = { dims: latents.dims, data: scale(latents.data, 1 / model.scalingFactor) };
  const rows = latents.dims[0];
  const parts: Tensor[] = [];
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    let x = sliceRows(scaled, start, end);
    if (end - start < chunk && typeof fixed === 'number') {
      x = concatRows([x, ...Array.from({ length: chunk - (end - start) }, () => sliceRows(x, 0, 1))]);
    }
    const out = (await model.vaeDecoder.run({ latent_sample: x }, ['sample'])).sample;
    parts.push(sliceRows(out, 0, end - start));
  }
  return concatRows(parts);
}
