// Gradients at real scale (issue 11): memory plans of the full-width SD 1.5 UNet gradient at
// 512 px, batch 2 (classifier-free guidance), with and without budgets, as exported and as
// Generate builds it (specialised shapes, attention chunked), and on the reduced SD 1.5
// UNet what those budgets cost in time and what the gradient costs against the forward pass,
// on wasm and on onnxruntime-node.
//
// Budget scaling: the reduced UNet is ~1/2000 of the full one's activations, so "6 GB" and
// "3 GB" there mean the same share of its own unbudgeted planned peak as 6 GB and 3 GB are of
// the full model's as Generate builds it (10.9 GB at 512 px, batch 2): the recomputation
// policies choose by that share.
import { readFileSync } from 'node:fs';
import { buildVjpModel, type VjpModel } from '../runtime/autodiff/index';
import { planMemory } from '../runtime/autodiff/memory-plan';
import { specializeInputs } from '../runtime/autodiff/specialize';
import { chunkAttention } from '../runtime/autodiff/chunk-attention';
import { loadModel, saveModel } from '../runtime/onnx/index';
import { chooseBackend, configureOrt } from '../runtime/ort/env';
import { useNativeOrt } from '../runtime/ort/native';
import { Session, type HostTensor } from '../runtime/ort/session';
import type { Backend } from '../runtime/ort/backend';
import { torchRandn } from '../runtime/rng/torch-randn';
import { measure, report } from './report';

const GB = 1e9;
const BUDGETS = [6, 3] as const;
const WRT = ['sample', 'encoder_hidden_states'];
const read = (path: string) => new Uint8Array(readFileSync(new URL(path, import.meta.url)));

/** Build time, planned peak and fit of `model`'s gradient under each budget, named under `prefix`. */
function reportBudgets(model: Uint8Array, shapes: Record<string, number[]>, prefix: string): void {
  for (const b of BUDGETS) {
    const t = performance.now();
    const r = buildVjpModel(model, { wrt: WRT, of: 'out_sample', includeOutput: false, memoryBudget: { bytes: b * GB, shapes } });
    report(`${prefix}.build_gradient_model.budget_${b}GB`, performance.now() - t, 'ms');
    report(`${prefix}.planned_peak.budget_${b}GB`, r.memory!.plan.peakBytes / GB, 'GB');
    report(`${prefix}.fits.budget_${b}GB`, r.memory!.fits ? 1 : 0, 'bool');
  }
}

function fullWidth(): number {
  // only the graph is needed for planning: the skeleton's weights are absent, their dims are not
  const bytes = read('../models/reference/sd15-full-skeleton/unet/model.onnx');
  const shapes = { sample: [2, 4, 64, 64], timestep: [1], encoder_hidden_states: [2, 77, 768] };
  const start = performance.now();
  const vjp = buildVjpModel(bytes, { wrt: WRT, of: 'out_sample', includeOutput: false });
  report('autodiff_memory.sd15_full.build_gradient_model', performance.now() - start, 'ms');
  const plan = planMemory(vjp.model, shapes);
  report('autodiff_memory.sd15_full.512px_batch2.planned_peak.no_budget', plan.peakBytes / GB, 'GB');
  report('autodiff_memory.sd15_full.512px_batch2.largest_tensor', plan.largest.bytes / 2 ** 20, 'MiB');
  reportBudgets(bytes, shapes, 'autodiff_memory.sd15_full.512px_batch2');
  // as Generate builds it: specialised to these shapes, attention in 128 MiB query-row parts
  const m = loadModel(specializeInputs(bytes, shapes));
  const t0 = performance.now();
  chunkAttention(m, shapes, 128 * 2 ** 20);
  const chunked = saveModel(m);
  const c = buildVjpModel(chunked, { wrt: WRT, of: 'out_sample', includeOutput: false });
  report('autodiff_memory.sd15_full.512px_batch2.chunked.build_gradient_model', performance.now() - t0, 'ms');
  const cp = planMemory(c.model, shapes);
  report('autodiff_memory.sd15_full.512px_batch2.chunked.planned_peak.no_budget', cp.peakBytes / GB, 'GB');
  report('autodiff_memory.sd15_full.512px_batch2.chunked.largest_tensor', cp.largest.bytes / 2 ** 20, 'MiB');
  reportBudgets(chunked, shapes, 'autodiff_memory.sd15_full.512px_batch2.chunked');
  return cp.peakBytes;
}

async function session(label: string, m: Uint8Array | VjpModel, backend: Backend, external: { path: string; data: Uint8Array }[]): Promise<Session> {
  if (m instanceof Uint8Array) return Session.create(label, m, { backend, externalData: external });
  return Session.create(label, m.model, { backend, externalData: [...(m.externalData ?? []), ...external] });
}

export default async function autodiffMemoryBench(): Promise<void> {
  configureOrt();
  useNativeOrt();
  const fullPeak = fullWidth();

  const forward = read('../models/reference/sd15/unet/model.onnx');
  const external = [{ path: 'model.onnx_data', data: read('../models/reference/sd15/unet/model.onnx_data') }];
  const dims = [2, 4, 32, 32];
  const shapes = { sample: dims, timestep: [1], encoder_hidden_states: [2, 77, 64] };
  const none = buildVjpModel(forward, { wrt: WRT, of: 'out_sample', includeOutput: false });
  // the product's gradient models are built for the shapes they run at (specialize.ts)
  const fixed = specializeInputs(forward, shapes);
  const specialised = buildVjpModel(fixed, { wrt: WRT, of: 'out_sample', includeOutput: false });
  const reducedPeak = planMemory(none.model, shapes).peakBytes;
  const budgeted = BUDGETS.map((b) => {
    const share = (b * GB) / fullPeak;
    const vjp = buildVjpModel(fixed, { wrt: WRT, of: 'out_sample', includeOutput: false, memoryBudget: { bytes: share * reducedPeak, shapes } });
    report(`autodiff_memory.sd15_reduced.256px_batch2.planned_peak_share.budget_${b}GB_equivalent`, vjp.memory!.plan.peakBytes / reducedPeak, 'x');
    return { b, vjp };
  });
  const feeds: Record<string, HostTensor> = {
    sample: { dims, data: torchRandn(0, dims) },
    timestep: { dims: [1], data: Float32Array.from([500]) },
    encoder_hidden_states: { dims: [2, 77, 64], data: torchRandn(1, [2, 77, 64]) },
  };
  const back = { ...feeds, grad_out_sample: { dims, data: torchRandn(2, dims) } };
  for (const name of ['wasm', 'native'] as const) {
    const backend = await chooseBackend(name);
    const f = await session('unet (forward)', forward, backend, external);
    const g0 = await session('unet (vjp)', none, backend, external);
    const g = await session('unet (vjp, specialised)', specialised, backend, external);
    const r = await Promise.all(budgeted.map(({ vjp }) => session('unet (vjp, budget)', vjp, backend, external)));
    try {
      const runs = [() => f.run(feeds, ['out_sample']), () => g.run(back, ['grad_sample']), () => g0.run(back, ['grad_sample']), ...r.map((s) => () => s.run(back, ['grad_sample']))];
      for (const run of runs) await run(); // warm-up
      // interleaved, so the shared machine's load drifts all alike; ratios of medians (CPU time)
      const times: number[][] = runs.map(() => []);
      for (let i = 0; i < 7; i++) for (const [k, run] of runs.entries()) times[k].push((await measure(run, 1, 0)).cpu);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const [tf, tg, tg0, ...tr] = times.map(median);
      report(`autodiff_memory.sd15_reduced.256px_batch2.${name}.forward.cpu`, tf, 'ms');
      report(`autodiff_memory.sd15_reduced.256px_batch2.${name}.gradient.cpu`, tg, 'ms');
      report(`autodiff_memory.sd15_reduced.256px_batch2.${name}.gradient_over_forward`, tg / tf, 'x');
      report(`autodiff_memory.sd15_reduced.256px_batch2.${name}.gradient_over_forward.free_shapes`, tg0 / tf, 'x');
      budgeted.forEach(({ b }, k) => report(`autodiff_memory.sd15_reduced.256px_batch2.${name}.gradient_time.budget_${b}GB_equivalent_over_none`, tr[k] / tg, 'x'));
    } finally {
      for (const s of [f, g, g0, ...r]) await s.dispose();
    }
  }
}
