import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { loadTemplate, overrideType, type Template } from './methods-template';

/**
 * The shipped graphs on the reduced reference models (models/reference/), shared by the
 * tests (CLI, Chromium) and bench/reference.bench.ts: the settings the templates'
 * descriptions give for a real Stable Diffusion model, cut to the fewest steps and
 * iterations that still run every node.
 *
 * - SD 1.5 (the descriptions' "For Stable Diffusion 1.4" settings): every Generate scheduler
 *   lms, guidance 7.5, steps 70 -> 2 (seed-invariant 70 -> 3: it takes latents after steps
 *   0, 1 and 2); metric optimization loss scale 10, gradientSteps 1, iterations 50 -> 1;
 *   human feedback similarity 0.72, promptPull 0.28, rounds 6 -> 1, random prompts 500 -> 8
 *   (5 picks kept); seed-invariant prompt "Single Color Ball", tieRows on, lr 0.01, growth
 *   0.00495, iterations 40 -> 1 per zone (3 seeds per iteration kept).
 * - SD-Turbo (as it is used): scheduler auto (its Euler "trailing" config), guidance 0, 1 step
 *   (seed-invariant 3), metric loss scale 10; the rest as for SD 1.5.
 * - Size: width and height 0, the model's native size (64 px here, 512 for the real models).
 */
export type ReferenceModel = 'sd15' | 'sd-turbo';
export type ShippedGraph = 'text-to-image' | 'metric-optimization' | 'human-feedback' | 'seed-invariant';

export const REFERENCE_DIR = fileURLToPath(new URL('../models/reference', import.meta.url));

/** Applied to every Generate of a graph, before the graph's own cuts. */
export const REAL_GENERATE: Record<ReferenceModel, Record<string, unknown>> = {
  sd15: { scheduler: 'lms', guidance: 7.5, steps: 2 },
  'sd-turbo': { scheduler: 'auto', guidance: 0, steps: 1 },
};

/** A shipped graph reading its model from `folder:<source>` (default: the model's own name). */
export function referenceGraph(name: ShippedGraph, model: ReferenceModel, options: { seed?: number; source?: string } = {}): Template {
  const doc = loadTemplate(name);
  overrideType(doc, 'Model', { source: `folder:${options.source ?? model}` });
  overrideType(doc, 'Generate', REAL_GENERATE[model]);
  const set = (id: string, params: Record<string, unknown>) => Object.assign(doc.nodes.find((n) => n.id === id)!.params, params);
  switch (name) {
    case 'text-to-image':
      if (options.seed !== undefined) set('generate', { seed: options.seed });
      break;
    case 'metric-optimization':
      set('optimize', { iterations: 1, lossScale: 10 });
      if (model === 'sd15') set('generate', { gradientSteps: 1 });
      break;
    case 'human-feedback':
      set('pick', { rounds: 1 });
      set('candidates', { count: 8, similarity: 0.72, promptPull: 0.28 });
      break;
    case 'seed-invariant':
      overrideType(doc, 'Generate', { steps: 3 });
      set('prompt', { text: 'Single Color Ball' });
      overrideType(doc, 'GradientStep', { iterations: 1, tieRows: true, lr: 0.01 });
      overrideType(doc, 'NoiseCurriculum', { growth: 0.00495 });
      break;
  }
  return doc;
}

/** Every file of a reference folder, as paths relative to it ("unet/model.onnx", ...). */
export function referenceFiles(folder: string): string[] {
  const root = join(REFERENCE_DIR, folder);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}
