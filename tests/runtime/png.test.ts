import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { imageToPngs } from '../../runtime/png/encode';

describe('imageToPngs', () => {
  it('maps [-1, 1] to 0..255 per channel, one PNG per batch item, clipping and zeroing NaN', () => {
    // batch 2, 3 channels, 1x2 pixels
    const data = Float32Array.from([-1, 1, 0, 0.5, 2, NaN, /* item 2 */ 1, 1, 1, 1, 1, 1]);
    const pngs = imageToPngs({ kind: 'Image', tensor: { dims: [2, 3, 1, 2], data }, labels: ['first', 'second'] });
    expect(pngs.map((p) => [p.width, p.height, p.label])).toEqual([[2, 1, 'first'], [2, 1, 'second']]);
    const first = decode(pngs[0].png);
    expect(Array.from(first.data)).toEqual([0, 128, 255, 255, 191, 0]);
    expect(Array.from(decode(pngs[1].png).data)).toEqual([255, 255, 255, 255, 255, 255]);
  });

  it('refuses tensors that are not [batch, 3, H, W]', () => {
    expect(() => imageToPngs({ kind: 'Image', tensor: { dims: [1, 4, 1, 1], data: new Float32Array(4) } })).toThrow(/\[batch, 3, H, W\]/);
  });
});
