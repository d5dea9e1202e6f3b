import { join } from 'node:path';
import { createProductRegistry } from '../nodes/product';
import { nodeServices } from '../runtime/api/node-host';
import { Runtime } from '../runtime/api/runtime';
import { configureOrt } from '../runtime/ort/env';
import { useNativeOrt } from '../runtime/ort/native';
import type { RuntimeEvent } from '../runtime/events';
import { createScheduler } from '../runtime/schedulers';
import { livePreview } from '../runtime/models/pipeline/latent-preview';
import { latentShape } from '../runtime/models/pipeline/noise';
import type { ModelService } from '../runtime/models/service/model-service';
import { imageToPngs } from '../runtime/png/encode';
import { torchRandn } from '../runtime/rng/torch-randn';
import { median } from './compare';
import { loadTemplate, overrideType, type Template } from './methods-template';
import { REFERENCE_DIR } from './reference-graphs';
import { report } from './report';

/**
 * Generate's live per-step preview (the fitted latent-to-RGB projection, after every step
 * here: the worst case of `previewEvery`), on the built-in model and the reduced SD 1.5
 * reference, each on wasm and native, through the Runtime as the editor's worker runs it
 * (events, PNG encoding included):
 * - `preview.<model>.<backend>.first_preview.cold`: from run start to Generate's first preview
 *   event in a fresh host (model load, prompt encoding, the projection's one-off fit by the VAE
 *   decoder, the first step); `.warm`: the same with the model and its projection loaded.
 * - `.step.off` / `.step.on`: ms per denoising step, read from Generate's progress events
 *   (first to last step, so loading and decoding are left out), previews off and on, runs
 *   alternating; `.overhead`: on / off - 1 in percent, the median over back-to-back pairs (a
 *   shared machine's load then drifts both sides of a pair alike). Goal: at most 5 %.
 * - `.preview_cost`: the preview's own work per step, timed alone on the loaded model (the
 *   predicted clean latent, the projection, PNG encoding), and `.preview_share`, that over
 *   `.step.off` in percent: the overhead without the run-to-run noise of whole runs.
 */
const STEPS = 20;
const REPS = 9;

const MODELS: Record<string, { source: string; params: Record<string, unknown> }> = {
  tiny: { source: 'builtin:tiny', params: {} },
  // the reference graphs' SD 1.5 settings (bench/reference-graphs.ts), 20 steps
  sd15: { source: 'folder:sd15', params: { scheduler: 'lms', guidance: 7.5 } },
};

function graph(model: keyof typeof MODELS, preview: 'projection' | 'off'): Template {
  const doc = loadTemplate('text-to-image');
  overrideType(doc, 'Model', { source: MODELS[model].source });
  return overrideType(doc, 'Generate', { ...MODELS[model].params, steps: STEPS, preview, previewEvery: 1 });
}

interface Timed { firstPreview: number; stepMs: number }

/** One run: ms from start to Generate's first preview, and ms per step between its first and last progress events. */
async function timedRun(runtime: Runtime, doc: Template): Promise<Timed> {
  const start = performance.now();
  let firstPreview = NaN;
  const progress: number[] = [];
  const summary = await runtime.run(doc, {}, (e: RuntimeEvent) => {
    if (e.type === 'node-preview' && e.nodeId === 'generate' && Number.isNaN(firstPreview)) firstPreview = performance.now() - start;
    if (e.type === 'node-progress' && e.nodeId === 'generate') progress.push(performance.now());
  });
  if (summary.status !== 'ok') throw new Error(`text-to-image failed: ${JSON.stringify(summary)}`);
  if (progress.length !== STEPS) throw new Error(`Generate reported ${progress.length} steps, not ${STEPS}`);
  return { firstPreview, stepMs: (progress[STEPS - 1] - progress[0]) / (STEPS - 1) };
}

async function measureOne(model: keyof typeof MODELS, backend: 'wasm' | 'native'): Promise<void> {
  const name = `preview.${model}.${backend}`;
  const services = nodeServices({ backend, folders: { sd15: join(REFERENCE_DIR, 'sd15') } });
  const registry = createProductRegistry();
  // a fresh Runtime per run: its result cache would skip Generate after the first
  const run = (doc: Template) => timedRun(new Runtime({ registry, services }), doc);
  try {
    const on = graph(model, 'projection');
    const off = graph(model, 'off');
    const cold = await run(on);
    if (Number.isNaN(cold.firstPreview)) throw new Error(`${name}: Generate sent no live preview`);
    report(`${name}.first_preview.cold`, cold.firstPreview, 'ms');
    const warm: number[] = [];
    const steps = { on: [] as number[], off: [] as number[] };
    await run(off);
    for (let i = 0; i < REPS; i++) {
      const t = await run(on);
      warm.push(t.firstPreview);
      steps.on.push(t.stepMs);
      steps.off.push((await run(off)).stepMs);
    }
    report(`${name}.first_preview.warm`, median(warm), 'ms');
    const [stepOn, stepOff] = [median(steps.on), median(steps.off)];
    report(`${name}.step.off`, stepOff, 'ms');
    report(`${name}.step.on`, stepOn, 'ms');
    report(`${name}.overhead`, (median(steps.on.map((v, i) => v / steps.off[i])) - 1) * 100, '%');
    const cost = await previewCost(services.models as ModelService, MODELS[model].source);
    report(`${name}.preview_cost`, cost, 'ms');
    report(`${name}.preview_share`, (cost / stepOff) * 100, '%');
  } finally {
    await services.models.dispose();
  }
}

/** ms per live preview (projection mode), as Generate's hook runs it, the events' PNGs included. */
async function previewCost(models: ModelService, source: string): Promise<number> {
  const model = await models.load(source);
  const { width, height } = model.nativeSize;
  const [c, h, w] = latentShape(model, width, height);
  const scheduler = createScheduler(model.defaultScheduler, model.schedulerConfig, STEPS);
  let pngs = 0;
  const hook = livePreview(model, scheduler, { mode: 'projection', every: 1, emit: (images) => (pngs += imageToPngs({ kind: 'Image', tensor: images }).length) });
  const sample = { dims: [1, c, h, w], data: torchRandn(3, [1, c, h, w]) };
  const output = torchRandn(4, [1, c, h, w]);
  const once = () => hook.onStep(STEPS / 2, sample, output, STEPS);
  for (let i = 0; i < 20; i++) await once();
  const reps = 200;
  const start = performance.now();
  for (let i = 0; i < reps; i++) await once();
  const ms = (performance.now() - start) / reps;
  if (pngs !== reps + 20) throw new Error(`the preview hook emitted ${pngs} images for ${reps + 20} steps`);
  return ms;
}

export default async function previewBench(): Promise<void> {
  configureOrt();
  useNativeOrt();
  for (const model of Object.keys(MODELS) as (keyof typeof MODELS)[]) {
    for (const backend of ['wasm', 'native'] as const) await measureOne(model, backend);
  }
}
