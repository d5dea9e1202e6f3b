// Rematerialization under a memory budget: the same gradients as without one, a lower planned
// peak, and nothing random recomputed.
//
// Measured on the tiny UNet's gradient at batch 32 (onnxruntime-node, arena off, as in
// memory-plan.test.ts): planned 65.0 MB -> 47.7 MB ("cheap") -> 18.2 MB ("segments 12"); the
// run's real peak 85.3 -> 50.6 -> 32.3 MB with graph optimizations off (85.6 -> 49.3 -> 23.9 MB
// with them on). Gradient time (wasm, one thread) 1.09-1.13x ("cheap") and 1.36-1.39x
// ("segments 12") the unbudgeted model's.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { GraphBuilder } from '../../runtime/onnx/index';
import { buildVjpModel, type VjpOptions } from '../../runtime/autodiff/index';
import { planMemory } from '../../runtime/autodiff/memory-plan';
import { torchRandn } from '../../runtime/rng/torch-randn';

ort.env.wasm.numThreads = 1;
const UNET = new Uint8Array(readFileSync(join(resolve(import.meta.dirname, '../..'), 'models/tiny/unet/model.onnx')));
const shapes = { sample: [2, 4, 8, 8], timestep: [1], encoder_hidden_states: [2, 77, 128], grad_out_sample: [2, 4, 8, 8] };
const tensor = (seed: number, dims: number[]) => new ort.Tensor('float32', torchRandn(seed, dims), dims);
const feeds = {
  sample: tensor(0, shapes.sample), timestep: new ort.Tensor('int64', BigInt64Array.from([500n]), [1]),
  encoder_hidden_states: tensor(1, shapes.encoder_hidden_states), grad_out_sample: tensor(2, shapes.grad_out_sample),
};
const opts: VjpOptions = { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' };

async function gradients(model: Uint8Array, externalData: { path: string; data: Uint8Array }[] | undefined, level: 'disabled' | 'all') {
  const s = await ort.InferenceSession.create(model, { externalData, graphOptimizationLevel: level });
  const out = await s.run(feeds);
  await s.release();
  return ['grad_sample', 'grad_encoder_hidden_states'].map((k) => out[k].data as Float32Array);
}

describe('memory budget (rematerialization)', () => {
  const unbudgeted = buildVjpModel(UNET, opts);
  const peak = planMemory(unbudgeted.model, shapes).peakBytes;

  it.each([0.85, 0.55])('UNet at %s x the unbudgeted peak: fits, and the gradients are the same', async (share) => {
    const v = buildVjpModel(UNET, { ...opts, memoryBudget: { bytes: share * peak, shapes } });
    expect(v.memory!.policy).not.toBe('none');
    expect(v.memory!.fits).toBe(true);
    expect(v.memory!.unbudgetedPeak).toBe(peak);
    expect(planMemory(v.model, shapes).peakBytes).toBe(v.memory!.plan.peakBytes);
    expect(v.memory!.plan.peakBytes).toBeLessThanOrEqual(share * peak);
    // without graph optimizations the recomputed values are bit for bit the stored ones
    const [ref, ours] = [await gradients(unbudgeted.model, unbudgeted.externalData, 'disabled'), await gradients(v.model, v.externalData, 'disabled')];
    ours.forEach((g, k) => expect(g).toEqual(ref[k]));
    // with them, onnxruntime fuses the copies differently: float rounding only
    const fused = await gradients(v.model, v.externalData, 'all');
    fused.forEach((g, k) => g.forEach((x, i) => expect(Math.abs(x - ref[k][i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref[k][i])))));
  }, 60_000);

  it('a budget the model already meets changes nothing; an impossible one gives the smallest plan found', () => {
    const loose = buildVjpModel(UNET, { ...opts, memoryBudget: { bytes: 2 * peak, shapes } });
    expect(loose.memory!.policy).toBe('none');
    expect(loose.model).toEqual(unbudgeted.model);
    const tight = buildVjpModel(UNET, { ...opts, memoryBudget: { bytes: 1000, shapes } });
    expect(tight.memory!.fits).toBe(false);
    expect(tight.memory!.plan.peakBytes).toBeLessThan(0.7 * peak);
  });

  it('a training-mode Dropout is kept, never recomputed: the gradient still drops what the forward dropped', async () => {
    const n = 4096;
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', 'float32', [n]);
    let h = b.op('Dropout', [b.op('Sin', [x]), b.initializer('r', new Float32Array([0.5]), []), b.initializer('t', new Uint8Array([1]), [], 'bool')]);
    for (let i = 0; i < 12; i++) h = b.op(i % 2 ? 'Sin' : 'Tanh', [h]);
    b.output(h, 'float32', [n], 'y');
    b.output(b.op('Identity', [h]), 'float32', [n], 'copy');
    const sh = { x: [n], grad_y: [n] };
    const v = buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'y', memoryBudget: { bytes: 9 * 4 * n, shapes: sh } });
    expect(v.memory!.policy).not.toBe('none');
    const s = await ort.InferenceSession.create(v.model, { externalData: v.externalData });
    const xs = Float32Array.from({ length: n }, (_, i) => 0.1 + (i % 13) * 0.1);
    const out = await s.run({ x: new ort.Tensor('float32', xs, [n]), grad_y: new ort.Tensor('float32', new Float32Array(n).fill(1), [n]) });
    // a dropped element has y = tanh/sin chain of 0 = 0 and no gradient; every kept one has one
    const [y, g] = [out.y.data as Float32Array, out.grad_x.data as Float32Array];
    y.forEach((yi, i) => expect(yi === 0).toBe(g[i] === 0));
    expect([...y].filter((yi) => yi === 0).length).toBeGreaterThan(n / 4);
  });
});
