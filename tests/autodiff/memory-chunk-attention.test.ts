// Attention in query-row chunks (runtime/autodiff/chunk-attention.ts): on the reduced SD 1.5
// UNet every self-attention over the limit is split, no score or probability tensor of the
// gradient model stays over it, and the gradients equal the unchunked model's.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { chunkAttention } from '../../runtime/autodiff/chunk-attention';
import { concreteInfo, infoBytes, planMemory } from '../../runtime/autodiff/memory-plan';
import { specializeInputs } from '../../runtime/autodiff/specialize';
import { loadModel, saveModel } from '../../runtime/onnx/index';
import { configureOrt } from '../../runtime/ort/env';
import { torchRandn } from '../../runtime/rng/torch-randn';

const dir = new URL('../../models/reference/sd15/unet/', import.meta.url);
const shapes = { sample: [2, 4, 16, 16], timestep: [1], encoder_hidden_states: [2, 77, 64] };
const forward = specializeInputs(new Uint8Array(readFileSync(new URL('model.onnx', dir))), shapes);
const weights = new Uint8Array(readFileSync(new URL('model.onnx_data', dir)));
const LIMIT = 256 * 1024;

describe('chunkAttention', () => {
  it('splits attention over the limit by query rows, same gradients', async () => {
    configureOrt();
    const model = loadModel(forward);
    const report = chunkAttention(model, shapes, LIMIT);
    expect(report.patterns).toBeGreaterThan(0);
    expect(report.chunks).toBeGreaterThan(2 * report.patterns);
    const chunked = saveModel(model);
    const opts = { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' };
    const plain = buildVjpModel(forward, opts);
    const split = buildVjpModel(chunked, opts);
    const before = planMemory(plain.model, shapes).largest;
    const after = planMemory(split.model, shapes).largest;
    console.info(`${report.patterns} attentions in ${report.chunks} parts; largest tensor ${before.bytes} (${before.op}) -> ${after.bytes} (${after.op})`);
    expect(before.bytes).toBeGreaterThan(LIMIT);
    // every probability tensor of the gradient model (its forward part and its recomputation) fits
    const info = concreteInfo(loadModel(split.model), shapes);
    const probabilities = loadModel(split.model).graph!.node!.filter((n) => n.opType === 'Softmax').map((n) => infoBytes(info.get(n.output![0]))!);
    expect(probabilities.length).toBeGreaterThanOrEqual(report.chunks);
    expect(Math.max(...probabilities)).toBeLessThanOrEqual(LIMIT);
    const feeds = {
      sample: new ort.Tensor('float32', torchRandn(0, shapes.sample), shapes.sample),
      timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
      encoder_hidden_states: new ort.Tensor('float32', torchRandn(1, shapes.encoder_hidden_states), shapes.encoder_hidden_states),
      grad_out_sample: new ort.Tensor('float32', torchRandn(2, shapes.sample), shapes.sample),
    };
    const run = async (m: typeof plain) => {
      const s = await ort.InferenceSession.create(m.model, { externalData: [...(m.externalData ?? []), { path: 'model.onnx_data', data: weights }] });
      const out = await s.run(feeds);
      await s.release();
      return ['out_sample', 'grad_sample', 'grad_encoder_hidden_states'].map((k) => out[k].data as Float32Array);
    };
    const [a, b] = [await run(plain), await run(split)];
    for (let k = 0; k < a.length; k++) {
      const scale = Math.max(...a[k].map(Math.abs));
      const worst = Math.max(...a[k].map((v, i) => Math.abs(v - b[k][i])));
      expect(scale).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1e-5 * scale);
    }
  }, 120_000);
});
