// The fused reduced SD 1.5 UNet (tools/reference/fuse.py: every GroupNorm as com.microsoft
// GroupNorm in NHWC, as onnxruntime's SD optimizer writes it) differentiates to the same
// gradients as the unfused export it was made from, on onnxruntime-web's wasm backend.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { loadModel } from '../../runtime/onnx/index';
import { configureOrt } from '../../runtime/ort/env';
import { torchRandn } from '../../runtime/rng/torch-randn';

const load = (folder: string) => {
  const dir = new URL(`../../models/reference/${folder}/unet/`, import.meta.url);
  return { forward: new Uint8Array(readFileSync(new URL('model.onnx', dir))), weights: new Uint8Array(readFileSync(new URL('model.onnx_data', dir))) };
};
const shapes = { sample: [2, 4, 16, 16], timestep: [1], encoder_hidden_states: [2, 77, 64] };

describe('fused reduced SD 1.5 UNet', () => {
  it('holds com.microsoft GroupNorm nodes and gives the unfused gradients (fp32)', async () => {
    configureOrt();
    const plain = load('sd15');
    const fused = load('sd15-fused');
    const fusedOps = loadModel(fused.forward).graph!.node!.filter((n) => n.domain === 'com.microsoft' && n.opType === 'GroupNorm').length;
    expect(fusedOps).toBe(loadModel(plain.forward).graph!.node!.filter((n) => n.opType === 'InstanceNormalization').length);
    const opts = { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' };
    const feeds = {
      sample: new ort.Tensor('float32', torchRandn(0, shapes.sample), shapes.sample),
      timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
      encoder_hidden_states: new ort.Tensor('float32', torchRandn(1, shapes.encoder_hidden_states), shapes.encoder_hidden_states),
      grad_out_sample: new ort.Tensor('float32', torchRandn(2, shapes.sample), shapes.sample),
    };
    const run = async (m: { forward: Uint8Array; weights: Uint8Array }) => {
      const v = buildVjpModel(m.forward, opts);
      const s = await ort.InferenceSession.create(v.model, { externalData: [...(v.externalData ?? []), { path: 'model.onnx_data', data: m.weights }] });
      const out = await s.run(feeds);
      await s.release();
      return ['out_sample', 'grad_sample', 'grad_encoder_hidden_states'].map((k) => out[k].data as Float32Array);
    };
    const [a, b] = [await run(plain), await run(fused)];
    const errs = a.map((x, k) => {
      const scale = Math.max(...x.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      return Math.max(...x.map((v, i) => Math.abs(v - b[k][i]))) / scale;
    });
    console.info(`fused vs unfused, max abs diff / max abs: out ${errs[0].toExponential(2)}, grad_sample ${errs[1].toExponential(2)}, grad_ehs ${errs[2].toExponential(2)}`);
    errs.forEach((e) => expect(e).toBeLessThan(1e-4));
  }, 180_000);
});
