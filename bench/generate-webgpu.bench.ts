import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchBrowser } from '../tests/e2e/harness';
import { runInWorker, serveGenerateApp } from '../tests/e2e/generate-app';
import { report } from './report';

/**
 * Text-to-image in Chromium through the app's worker on the WebGPU EP. Opt-in
 * (BENCH_WEBGPU=1): where Chromium has only SwiftShader (CI, this repo's harness flags), WebGPU
 * is a CPU emulation and the figure says nothing about a real GPU; the name says which ran.
 */
const ROOT = resolve(import.meta.dirname, '..');
const STEPS = Number(process.env.BENCH_WEBGPU_STEPS ?? 2);

export default async function generateWebgpuBench(): Promise<void> {
  if (process.env.BENCH_WEBGPU !== '1') return;
  const doc = JSON.parse(readFileSync(join(ROOT, 'graphs/text-to-image.json'), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = STEPS;
  const app = await serveGenerateApp('generate-bench-app');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/comlink/dist/umd/comlink.min.js'), 'utf8') });
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> } }).gpu;
      const info = (await gpu?.requestAdapter())?.info;
      return info ? `${info.vendor ?? ''} ${info.architecture ?? ''}`.trim() : 'none';
    });
    const kind = /swiftshader/i.test(adapter) || adapter === 'google' ? 'webgpu_swiftshader' : 'webgpu';
    // first run: downloads, session creation and shader compilation; the second is the figure
    const cold = await runInWorker(page, app.workerUrl, doc);
    const warm = await runInWorker(page, app.workerUrl, doc);
    for (const run of [cold, warm]) if (run.summary.status !== 'ok') throw new Error(`run failed: ${JSON.stringify(run.summary)}`);
    const generate = warm.events.find((e) => e.type === 'node-done' && e.nodeId === 'generate');
    report(`generate.tiny.${kind}.graph_cold_${STEPS}_steps`, cold.ms, 'ms');
    report(`generate.tiny.${kind}.graph_${STEPS}_steps`, warm.ms, 'ms');
    if (generate?.type === 'node-done') report(`generate.tiny.${kind}.unet_step_cfg`, generate.ms / STEPS, 'ms');
  } finally {
    await browser.close();
    await app.close();
  }
}
