import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { buildVjpModel } from '../runtime/autodiff/index';
import { planMemory } from '../runtime/autodiff/memory-plan';
import { configureOrt } from '../runtime/ort/env';
import { torchRandn } from '../runtime/rng/torch-randn';
import { measure, report } from './report';

/**
 * The built-in UNet's gradient model against its forward model, on wasm in Node: run time
 * ratio (goal <= 2.5; PyTorch's own autograd is about 2.1 on a model of this kind) and the
 * gradient model's size relative to the forward model's (weights are shared, not copied).
 */
export default async function autodiffBench(): Promise<void> {
  configureOrt();
  const forwardBytes = new Uint8Array(readFileSync(new URL('../models/tiny/unet/model.onnx', import.meta.url)));
  const built = performance.now();
  const vjp = buildVjpModel(forwardBytes, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' });
  report('autodiff.unet.build_gradient_model', performance.now() - built, 'ms');
  report('autodiff.unet.gradient_model_size_ratio', vjp.model.byteLength / forwardBytes.byteLength, 'x');
  // static memory plans at batch 2 (runtime/autodiff/memory-plan.ts)
  const shapes = { sample: [2, 4, 8, 8], timestep: [1], encoder_hidden_states: [2, 77, 128], grad_out_sample: [2, 4, 8, 8] };
  report('autodiff.unet.gradient_planned_peak_batch2', planMemory(vjp.model, shapes).peakBytes / 2 ** 20, 'MiB');
  report('autodiff.unet.forward_planned_peak_batch2', planMemory(forwardBytes, shapes).peakBytes / 2 ** 20, 'MiB');

  // under memory budgets (rematerialization): the planned peak, and the run time against none
  const peak = planMemory(vjp.model, shapes).peakBytes;
  const budgeted = [0.75, 0.4].map((share) => {
    const b = buildVjpModel(forwardBytes, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', memoryBudget: { bytes: share * peak, shapes } });
    report(`autodiff.unet.gradient_planned_peak_batch2.budget_${share}`, b.memory!.plan.peakBytes / 2 ** 20, 'MiB');
    return { share, b };
  });

  const forward = await ort.InferenceSession.create(forwardBytes);
  const gradient = await ort.InferenceSession.create(vjp.model, { externalData: vjp.externalData });
  const remats = await Promise.all(budgeted.map(({ b }) => ort.InferenceSession.create(b.model, { externalData: b.externalData })));
  try {
    const sample = new ort.Tensor('float32', torchRandn(0, [2, 4, 8, 8]), [2, 4, 8, 8]);
    const ehsDims = [...(forward.inputMetadata.find((m) => m.name === 'encoder_hidden_states') as unknown as { shape: (number | string)[] }).shape];
    const tokens = Number(ehsDims[1]);
    const dim = Number(ehsDims[2]);
    const ehs = new ort.Tensor('float32', torchRandn(1, [2, tokens, dim]), [2, tokens, dim]);
    const timestep = new ort.Tensor('int64', BigInt64Array.from([500n]), [1]);
    const cotangent = new ort.Tensor('float32', torchRandn(2, [2, 4, 8, 8]), [2, 4, 8, 8]);
    const feeds = { sample, timestep, encoder_hidden_states: ehs };
    // Interleave the two so the shared machine's load drifts both alike; ratio of medians.
    const f: number[] = [];
    const g: number[] = [];
    const r: number[][] = remats.map(() => []);
    const back = { ...feeds, grad_out_sample: cotangent };
    for (let i = 0; i < 3; i++) {
      await forward.run(feeds);
      await gradient.run(back);
      for (const s of remats) await s.run(back);
    }
    for (let i = 0; i < 11; i++) {
      f.push((await measure(() => forward.run(feeds), 1, 0)).cpu);
      g.push((await measure(() => gradient.run(back), 1, 0)).cpu);
      for (const [k, s] of remats.entries()) r[k].push((await measure(() => s.run(back), 1, 0)).cpu);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    report('autodiff.unet.forward_batch2.cpu', median(f), 'ms');
    report('autodiff.unet.gradient_batch2.cpu', median(g), 'ms');
    report('autodiff.unet.gradient_over_forward_time', median(g) / median(f), 'x');
    budgeted.forEach(({ share }, k) => report(`autodiff.unet.gradient_time_budget_${share}_over_none`, median(r[k]) / median(g), 'x'));
  } finally {
    await forward.release();
    await gradient.release();
    for (const s of remats) await s.release();
  }
}
