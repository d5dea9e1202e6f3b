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
import { float32ToHalf, halfToFloat32 } from '../../runtime/ort/float16';

const load = (folder: string) => {
  const dir = new URL(`../../models/reference/${folder}/unet/`, import.meta.url);
  return { forward: new Uint8Array(readFileSync(new URL('model.onnx', dir))), weights: new Uint8Array(readFileSync(new URL('model.onnx_data', dir))) };
};
const shapes = { sample: [2, 4, 16, 16], timestep: [1], encoder_hidden_states: [2, 77, 64] };

// fp16: both models round every activation to half; the lowered GroupNorm takes its statistics
// in half where the exported InstanceNormalization kernel accumulates in float, so the bound is
// the fp16 floor (measured 1.1e-3 out, 1.2e-3 grad_sample, 2.6e-3 grad_ehs of the largest value)
const variants = [
  { plain: 'sd15', fused: 'sd15-fused', dtype: 'float32', tol: 1e-4 },
  { plain: 'sd15-fp16', fused: 'sd15-fused-fp16', dtype: 'float16', tol: 1e-2 },
] as const;

describe('fused reduced SD 1.5 UNet', () => {
  for (const { plain: plainDir, fused: fusedDir, dtype, tol } of variants) it(`${fusedDir} holds com.microsoft GroupNorm nodes and gives the unfused gradients (${dtype})`, async () => {
    configureOrt();
    const plain = load(plainDir);
    const fused = load(fusedDir);
    const t = (seed: number, d: number[]) => (dtype === 'float16' ? new ort.Tensor('float16', float32ToHalf(torchRandn(seed, d)), d) : new ort.Tensor('float32', torchRandn(seed, d), d));
    const fusedOps = loadModel(fused.forward).graph!.node!.filter((n) => n.domain === 'com.microsoft' && n.opType === 'GroupNorm').length;
    expect(fusedOps).toBe(loadModel(plain.forward).graph!.node!.filter((n) => n.opType === 'InstanceNormalization').length);
    const opts = { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' };
    const feeds = {
      sample: t(0, shapes.sample),
      timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
      encoder_hidden_states: t(1, shapes.encoder_hidden_states),
      grad_out_sample: t(2, shapes.sample),
    };
    const run = async (m: { forward: Uint8Array; weights: Uint8Array }) => {
      const v = buildVjpModel(m.forward, opts);
      const s = await ort.InferenceSession.create(v.model, { externalData: [...(v.externalData ?? []), { path: 'model.onnx_data', data: m.weights }] });
      const out = await s.run(feeds);
      await s.release();
      const f = (k: string) => (dtype === 'float16' ? halfToFloat32(out[k].data as Uint16Array) : (out[k].data as Float32Array));
      return ['out_sample', 'grad_sample', 'grad_encoder_hidden_states'].map(f);
    };
    const [a, b] = [await run(plain), await run(fused)];
    const errs = a.map((x, k) => {
      const scale = Math.max(...x.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(x.every(Number.isFinite) && b[k].every(Number.isFinite)).toBe(true);
      return Math.max(...x.map((v, i) => Math.abs(v - b[k][i]))) / scale;
    });
    console.info(`${dtype} fused vs unfused, max abs diff / max abs: out ${errs[0].toExponential(2)}, grad_sample ${errs[1].toExponential(2)}, grad_ehs ${errs[2].toExponential(2)}`);
    errs.forEach((e) => expect(e).toBeLessThan(tol));
  }, 420_000);
});
