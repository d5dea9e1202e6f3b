import { defineNode } from '../runtime/node-api/node';
import { requireService } from '../runtime/node-api/services';
import type { ModelValue } from '../runtime/values/types';

/** Loads a diffusers-layout ONNX model once; every model-backed node takes its `model` output. */
export const Model = defineNode({
  type: 'Model',
  version: 1,
  category: 'Model',
  doc: 'Loads a text-to-image model (diffusers ONNX layout): builtin:tiny, an http(s) folder URL, or folder:<name> for a folder picked in the editor.',
  inputs: {},
  outputs: {
    model: { type: 'Model', doc: 'The loaded model: text encoder, UNet, VAE decoder, tokenizer and scheduler config.' },
  },
  params: {
    source: {
      kind: 'string',
      default: 'builtin:tiny',
      doc: 'builtin:tiny, https://…/ (a folder URL, e.g. Hugging Face …/resolve/main/), or folder:<name> (a picked local folder).',
    },
  },
  async run(ctx, _inputs, p) {
    const model = await requireService(ctx.services, 'models').load(p.source, ctx.signal);
    const value: ModelValue = { kind: 'Model', id: model.id, handle: model };
    return { model: value };
  },
});
