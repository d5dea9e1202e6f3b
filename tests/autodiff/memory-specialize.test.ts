// Shape specialisation before the gradient is built (runtime/autodiff/specialize.ts): on the
// reduced SD 1.5 UNet the run-time unbroadcasts (NonZero) and shape arithmetic fold away, and
// the gradient is the same as the free-shaped model's.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { specializeInputs } from '../../runtime/autodiff/specialize';
import { loadModel } from '../../runtime/onnx/index';
import { configureOrt } from '../../runtime/ort/env';
import { torchRandn } from '../../runtime/rng/torch-randn';

const dir = new URL('../../models/reference/sd15/unet/', import.meta.url);
const forward = new Uint8Array(readFileSync(new URL('model.onnx', dir)));
const weights = new Uint8Array(readFileSync(new URL('model.onnx_data', dir)));
const shapes = { sample: [2, 4, 16, 16], timestep: [1], encoder_hidden_states: [2, 77, 64] };
const ops = (bytes: Uint8Array, op: string) => loadModel(bytes).graph!.node!.filter((n) => n.opType === op).length;

describe('specializeInputs', () => {
  it('folds the reduced SD 1.5 UNet gradient\'s run-time shapes away, same gradients', async () => {
    configureOrt();
    const opts = { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', includeOutput: false };
    const free = buildVjpModel(forward, opts);
    const fixed = buildVjpModel(specializeInputs(forward, shapes), opts);
    const nodes = (b: Uint8Array) => loadModel(b).graph!.node!.length;
    console.info(`gradient nodes ${nodes(free.model)} -> ${nodes(fixed.model)}, NonZero ${ops(free.model, 'NonZero')} -> ${ops(fixed.model, 'NonZero')}`);
    expect(ops(free.model, 'NonZero')).toBeGreaterThan(100);
    expect(ops(fixed.model, 'NonZero')).toBe(0);
    expect(nodes(fixed.model)).toBeLessThan(nodes(free.model) / 2);
    const feeds = {
      sample: new ort.Tensor('float32', torchRandn(0, shapes.sample), shapes.sample),
      timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
      encoder_hidden_states: new ort.Tensor('float32', torchRandn(1, shapes.encoder_hidden_states), shapes.encoder_hidden_states),
      grad_out_sample: new ort.Tensor('float32', torchRandn(2, shapes.sample), shapes.sample),
    };
    const run = async (m: typeof free) => {
      const s = await ort.InferenceSession.create(m.model, { externalData: [...(m.externalData ?? []), { path: 'model.onnx_data', data: weights }] });
      const out = await s.run(feeds);
      await s.release();
      return [out.grad_sample.data as Float32Array, out.grad_encoder_hidden_states.data as Float32Array];
    };
    const [a, b] = [await run(free), await run(fixed)];
    for (let k = 0; k < 2; k++) {
      const scale = Math.max(...a[k].map(Math.abs));
      const worst = Math.max(...a[k].map((v, i) => Math.abs(v - b[k][i])));
      expect(scale).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1e-5 * scale);
    }
  }, 120_000);

  it('refuses shapes that contradict the model, in one line naming the input', () => {
    expect(() => specializeInputs(forward, { sample: [2, 4, 16] }, 'unet/model.onnx')).toThrow(/^unet\/model\.onnx: input "sample" has rank 4, not 3/);
    expect(() => specializeInputs(forward, { latent: [1] }, 'unet/model.onnx')).toThrow(/^unet\/model\.onnx: has no input "latent"/);
  });
});
