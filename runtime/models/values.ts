import type { EmbeddingValue, Value } from '../values/types';
import type { DiffusionModel } from './model';

/** The loaded model inside a Model socket value (only runtime/models knows what `handle` is). */
export function modelOf(value: Value | undefined): DiffusionModel {
  if (!value || value.kind !== 'Model') throw new Error('no model connected');
  return value.handle as DiffusionModel;
}

/** Embeddings from another model would feed the UNet garbage (or the wrong width): refuse them. */
export function checkEmbedding(model: DiffusionModel, embedding: EmbeddingValue, port: string): void {
  if (embedding.model !== model.id) {
    throw new Error(`${port} was made by ${embedding.model}, but this node uses ${model.id}`);
  }
  const want = model.unet.input('encoder_hidden_states')!.shape;
  const [, tokens, dim] = embedding.tensor.dims;
  if ((typeof want[1] === 'number' && want[1] !== tokens) || (typeof want[2] === 'number' && want[2] !== dim)) {
    throw new Error(`${port} is [${embedding.tensor.dims.join(', ')}], the UNet wants [batch, ${want[1]}, ${want[2]}]`);
  }
}
