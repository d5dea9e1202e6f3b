import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overrideType, type Template } from '../../bench/methods-template';
import { referenceFiles, referenceGraph, REFERENCE_DIR } from '../../bench/reference-graphs';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';
import { encodePrompts } from '../../runtime/models/pipeline/generate';
import { embeddingFromSafetensors } from '../../runtime/safetensors/embedding-file';
import { runInWorker, serveGenerateApp, type GenerateApp, type WorkerFolders } from './generate-app';
import { bootPage, type BootedPage } from './harness';

/**
 * The reduced SD 1.5 reference model (models/reference/sd15) in Chromium on the WebGPU EP
 * (SwiftShader): the folder is registered in the runtime worker as picked files (fetched from
 * the test server), then text-to-image and one GradientStep iteration of the metric template
 * run there, and their images (and the gradient) are compared with the same graphs on wasm in Node.
 * Settings as in bench/reference-graphs.ts (lms, guidance 7.5, 1 iteration) but 1 step:
 * SwiftShader is a CPU emulation, about 100x slower than wasm.
 */
let app: GenerateApp;
let booted: BootedPage<GenerateApp>;
let page: Page;
let folders: WorkerFolders;

beforeAll(async () => {
  booted = await bootPage({ serve: () => serveGenerateApp('reference-webgpu-app'), comlink: true });
  ({ server: app, page } = booted);
  folders = { sd15: { base: new URL('models/reference/sd15/', app.url).href, paths: referenceFiles('sd15') } };
});

afterAll(() => booted?.close());

function previews(events: RuntimeEvent[], nodeId: string): Uint8Array {
  const preview = events.find((e) => e.type === 'node-preview' && e.nodeId === nodeId);
  if (preview?.type !== 'node-preview') throw new Error(`no preview from ${nodeId}`);
  const image = decode(preview.images[0].png);
  expect([image.width, image.height, image.channels]).toEqual([64, 64, 3]);
  return image.data as Uint8Array;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
  return diff / a.length;
}

/** The same graph in Node on wasm, the folder given by path: its events, saved files and the prompt's embedding. */
async function runInNode(doc: Template): Promise<{ events: RuntimeEvent[]; saved: (name: string) => Uint8Array; prompt: Float32Array }> {
  const services = nodeServices({ backend: 'wasm', folders: { sd15: `${REFERENCE_DIR}/sd15` } });
  const outDir = mkdtempSync(join(tmpdir(), 'reference-webgpu-'));
  try {
    const events: RuntimeEvent[] = [];
    const summary = await new Runtime({ registry: createProductRegistry(), services: { ...services, outDir } }).run(doc, {}, (e) => events.push(e));
    expect(summary.status, JSON.stringify(summary)).toBe('ok');
    const files = new Map(readdirSync(outDir).map((f) => [f, new Uint8Array(readFileSync(join(outDir, f)))]));
    const text = doc.nodes.find((n) => n.type === 'TextEncode')!.params.text as string;
    const prompt = (await encodePrompts(await services.models.load('folder:sd15'), [text])).data;
    return { events, saved: (name) => files.get(name)!, prompt };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await services.models.dispose();
  }
}

/** One denoising step instead of bench/reference-graphs.ts's 2: SwiftShader is ~100x slower than wasm. */
const STEPS = (doc: Template): Template => overrideType(doc, 'Generate', { steps: 1 });

const objectives = (events: RuntimeEvent[]) => events.flatMap((e) => (e.type === 'zone-iteration' ? [e.objective] : []));

describe('reduced SD 1.5 in Chromium on WebGPU, registered as a folder', () => {
  it('text-to-image matches the wasm image', async () => {
    const doc = STEPS(referenceGraph('text-to-image', 'sd15'));
    const result = await runInWorker(page, app.workerUrl, doc, {}, folders);
    expect(result.summary.status, JSON.stringify(result.summary)).toBe('ok');
    expect(result.events.filter((e) => e.type === 'backend')).toEqual([{ type: 'backend', name: 'webgpu' }]);
    const mean = meanAbsDiff(previews((await runInNode(doc)).events, 'preview'), previews(result.events, 'preview'));
    console.info(`reduced SD 1.5 text-to-image, WebGPU vs wasm: mean abs pixel difference ${mean.toFixed(3)} / 255 (${result.ms.toFixed(0)} ms in Chromium)`);
    expect(mean).toBeLessThan(2);
  }, 600_000);

  // SGD instead of the template's AdamOnLion (lr 1, result "last"), so that the saved embedding
  // less the prompt's is the gradient itself (times the loss scale): it is compared directly.
  let gradient: { error: number; after: number; objectives: number[][] } | undefined;
  it('one GradientStep iteration (metric optimization, SGD) runs on WebGPU; its forward passes match wasm', async () => {
    const doc = STEPS(referenceGraph('metric-optimization', 'sd15'));
    Object.assign(doc.nodes.find((n) => n.id === 'optimize')!.params, { optimizer: 'sgd', lr: 1, result: 'last' });
    const result = await runInWorker(page, app.workerUrl, doc, {}, folders);
    expect(result.summary.status, JSON.stringify(result.summary)).toBe('ok');
    expect(result.events.filter((e) => e.type === 'node-error')).toEqual([]);
    const cpu = await runInNode(doc);
    const file = result.events.find((e) => e.type === 'file');
    if (file?.type !== 'file') throw new Error('no saved embedding');
    const step = (bytes: Uint8Array) => embeddingFromSafetensors(bytes).embedding.tensor.data.map((v, i) => v - cpu.prompt[i]);
    const [gpuStep, cpuStep] = [step(file.bytes), step(cpu.saved(file.name))];
    let num = 0;
    let den = 0;
    cpuStep.forEach((v, i) => ((num += (gpuStep[i] - v) ** 2), (den += v * v)));
    expect(den).toBeGreaterThan(0);
    const [gpuScores, cpuScores] = [objectives(result.events), objectives(cpu.events)];
    const before = meanAbsDiff(previews(cpu.events, 'before_preview'), previews(result.events, 'before_preview'));
    const after = meanAbsDiff(previews(cpu.events, 'after_preview'), previews(result.events, 'after_preview'));
    gradient = { error: Math.sqrt(num / den), after, objectives: [gpuScores, cpuScores] };
    console.info(
      `reduced SD 1.5 metric optimization (1 SGD iteration), WebGPU vs wasm: gradient relative error ${gradient.error.toExponential(2)} (|step| on wasm ${Math.sqrt(den).toExponential(3)}); ` +
        `objectives ${gpuScores.map((v) => v.toPrecision(8)).join(', ')} vs ${cpuScores.map((v) => v.toPrecision(8)).join(', ')}; ` +
        `mean abs pixel difference before ${before.toFixed(3)}, after ${after.toFixed(3)} / 255 (${result.ms.toFixed(0)} ms in Chromium)`,
    );
    expect(gpuScores).toHaveLength(2);
    // the first objective is the forward pass at the prompt's embedding
    expect(Math.abs(gpuScores[0] - cpuScores[0])).toBeLessThan(1e-4 * Math.abs(cpuScores[0]));
    expect(before).toBeLessThan(2);
  }, 600_000);

  // onnxruntime-web's JSEP WebGPU EP (the app's default bundle) got this gradient wrong twice
  // over (relative error 6e4): a cached reduce shader for ReduceSum with run-time axes
  // (runtime/autodiff/unbroadcast.ts) and ConvTranspose with asymmetric pads (SD's stride-2
  // downsamplers' input gradient, runtime/autodiff/rules-conv.ts); the autodiff emits neither.
  it('the gradient (the SGD step) and the image after it match wasm', () => {
    expect(gradient, 'the GradientStep run above failed').toBeDefined();
    expect(gradient!.error).toBeLessThan(1e-2);
    const [gpu, cpu] = gradient!.objectives;
    expect(Math.abs(gpu[1] - cpu[1])).toBeLessThan(1e-3 * Math.abs(cpu[1]));
    expect(gradient!.after).toBeLessThan(2);
  });
});
