import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../runtime/values/types';

/**
 * The built-in model's color-quality rule, read from models/tiny/quality.json and
 * palette.json: mean RGB of a centre square and of a border frame, each snapped to the
 * nearest palette color; an image passes when they are the prompt's shape and background.
 */
export interface ColorProbe {
  colors: string[];
  classify(images: Tensor, index: number): { centre: string; border: string };
}

export function loadColorProbe(modelDir: string): ColorProbe {
  const palette = JSON.parse(readFileSync(join(modelDir, 'palette.json'), 'utf8')) as Record<string, [number, number, number]>;
  const quality = JSON.parse(readFileSync(join(modelDir, 'quality.json'), 'utf8'));
  const { centre_region: centre, border_region: border } = quality.classification;
  const [r0, r1] = centre.rows as [number, number];
  const [c0, c1] = centre.cols as [number, number];
  const width = border.width as number;
  const nearest = (rgb: number[]) => {
    let best = '';
    let bestD = Infinity;
    for (const [name, p] of Object.entries(palette)) {
      const d = (rgb[0] - p[0]) ** 2 + (rgb[1] - p[1]) ** 2 + (rgb[2] - p[2]) ** 2;
      if (d < bestD) [best, bestD] = [name, d];
    }
    return best;
  };
  return {
    colors: Object.keys(palette),
    classify(images, index) {
      const [, , H, W] = images.dims;
      const sums = { centre: [0, 0, 0, 0], border: [0, 0, 0, 0] };
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inCentre = y >= r0 && y < r1 && x >= c0 && x < c1;
          const inBorder = y < width || y >= H - width || x < width || x >= W - width;
          if (!inCentre && !inBorder) continue;
          const acc = inCentre ? sums.centre : sums.border;
          for (let c = 0; c < 3; c++) {
            const v = images.data[((index * 3 + c) * H + y) * W + x];
            acc[c] += Math.min(255, Math.max(0, (v + 1) * 127.5));
          }
          acc[3]++;
        }
      }
      const mean = (a: number[]) => a.slice(0, 3).map((v) => v / a[3]);
      return { centre: nearest(mean(sums.centre)), border: nearest(mean(sums.border)) };
    },
  };
}
