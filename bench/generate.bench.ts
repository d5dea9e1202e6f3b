import { readFileSync } from 'node:fs';
import { createProductRegistry } from '../nodes/product';
import { nodeServices } from '../runtime/api/node-host';
import { encodePrompts, generate } from '../runtime/models/pipeline/generate';
import type { ModelService } from '../runtime/models/service/model-service';
import { Runtime } from '../runtime/api/runtime';
import { measure, report, type Timing } from './report';

/**
 * Text-to-image with the built-in model on wasm (Node, one thread): time per image for the
 * template graph, and the runtime's overhead as (graph run) / (the same pipeline calls made
 * directly on the same loaded sessions). Goal: overhead <= 1.05.
 */
export default async function generateBench(): Promise<void> {
  const doc = JSON.parse(readFileSync(new URL('../graphs/text-to-image.json', import.meta.url), 'utf8'));
  const gen = doc.nodes.find((n: { id: string }) => n.id === 'generate');
  const { steps, guidance, seed } = gen.params as { steps: number; guidance: number; seed: number };
  const text = doc.nodes.find((n: { id: string }) => n.id === 'prompt').params.text as string;
  const services = nodeServices();
  const models = services.models as ModelService;
  const registry = createProductRegistry();
  try {
    const model = await models.load('builtin:tiny');
    // a fresh Runtime per run: its result cache would otherwise skip every node after the first
    const graphRun = async () => {
      const summary = await new Runtime({ registry, services }).run(doc, {}, () => {});
      if (summary.status !== 'ok') throw new Error(`graph run failed: ${JSON.stringify(summary)}`);
    };
    const direct = async () => {
      const embedding = await encodePrompts(model, [text]);
      const { width, height } = model.nativeSize;
      await generate(model, { embedding, seeds: { kind: 'Seeds', seeds: [seed] }, steps, guidance, scheduler: model.defaultScheduler, width, height });
    };
    // Pairs run back to back and the ratio is taken per pair, on this process's CPU time
    // (ORT's wasm runs on this thread): a shared machine's background load then drifts
    // both sides of a pair alike. The first runs warm up ORT and are left out.
    for (let i = 0; i < 3; i++) await Promise.resolve().then(graphRun).then(direct);
    const pairs: { g: Timing; d: Timing }[] = [];
    for (let i = 0; i < 9; i++) pairs.push({ g: await measure(graphRun, 1, 0), d: await measure(direct, 1, 0) });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    report(`generate.tiny.wasm.image_${steps}_steps`, median(pairs.map((p) => p.g.wall)), 'ms');
    report(`generate.tiny.wasm.image_${steps}_steps.cpu`, median(pairs.map((p) => p.g.cpu)), 'ms');
    report('generate.tiny.wasm.unet_step_cfg.cpu', median(pairs.map((p) => p.d.cpu)) / steps, 'ms');
    report('generate.runtime_overhead_ratio', median(pairs.map((p) => p.g.cpu / p.d.cpu)), 'x');
    const batch = await measure(async () => {
      const embedding = await encodePrompts(model, [text]);
      await generate(model, { embedding, seeds: { kind: 'Seeds', seeds: [0, 1, 2, 3, 4, 5, 6, 7] }, steps, guidance, scheduler: model.defaultScheduler, width: 64, height: 64 });
    }, 3, 1);
    report('generate.tiny.wasm.per_image_in_batch_8', batch.wall / 8, 'ms');
    report('generate.tiny.wasm.per_image_in_batch_8.cpu', batch.cpu / 8, 'ms');
  } finally {
    await models.dispose();
  }
}
