import { defineNode } from '../runtime/node-api/node';
import type { ImageValue } from '../runtime/values/types';

/** Shows images: the editor draws them on the node, the CLI writes them as PNG files. */
export const Preview = defineNode({
  type: 'Preview',
  version: 1,
  category: 'Output',
  doc: 'Shows the images it receives; the CLI writes them as <nodeId>-<index>.png.',
  inputs: {
    image: { type: 'Image', doc: 'Images [B, 3, H, W] in [-1, 1].' },
  },
  outputs: {},
  params: {},
  // Its effect is the preview itself, so a cached result would show nothing: always run.
  deterministic: false,
  async run(ctx, inputs) {
    ctx.preview(inputs.image as ImageValue);
    return {};
  },
});
