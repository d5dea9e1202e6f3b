import { encode } from 'fast-png';
import type { ImageValue } from '../values/types';
import type { PreviewImage } from '../events';

/** Images [B, 3, H, W] in [-1, 1] (the VAE's range) to one 8-bit RGB PNG each. */
export function imageToPngs(image: ImageValue): PreviewImage[] {
  const dims = image.tensor.dims;
  if (dims.length !== 4 || dims[1] !== 3) throw new Error(`preview needs images [batch, 3, H, W], got [${dims.join(', ')}]`);
  const [batch, , height, width] = dims;
  const plane = height * width;
  const data = image.tensor.data;
  const out: PreviewImage[] = [];
  for (let item = 0; item < batch; item++) {
    const rgb = new Uint8Array(plane * 3);
    const base = item * 3 * plane;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < 3; ch++) {
        const v = data[base + ch * plane + p];
        // NaN maps to 0 rather than poisoning the encoder; values outside [-1, 1] are clipped.
        rgb[p * 3 + ch] = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(-1, v)) * 127.5 + 127.5);
      }
    }
    const png = encode({ width, height, data: rgb, channels: 3, depth: 8 });
    const label = image.labels?.[item];
    out.push({ png, width, height, ...(label !== undefined ? { label } : {}) });
  }
  return out;
}
