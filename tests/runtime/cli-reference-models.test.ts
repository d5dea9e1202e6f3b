// The product on the reduced reference models (models/reference/): graphs/text-to-image.json and
// the three method templates through the graph CLI (runCli, in process) with --folder, on
// onnxruntime-node and on wasm, with the settings the templates' descriptions give for a real
// Stable Diffusion model, cut to the fewest steps and iterations that still run every node (the
// cuts are listed in bench/reference-graphs.ts: SD 1.5 lms, guidance 7.5, 2 steps (seed-invariant
// 3), 1 iteration or round; SD-Turbo its Euler, guidance 0, 1 step).
//
// Reproducible by seed: text-to-image twice with a seed gives the same pixels and another seed
// other ones; a template's before-image (same prompt, settings and seed as text-to-image) is
// text-to-image's image, in another run and another graph.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import type { Template } from '../../bench/methods-template';
import { REFERENCE_DIR, referenceGraph as graph } from '../../bench/reference-graphs';
import { runCli } from '../../cli/run-cli';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';

const dir = mkdtempSync(join(tmpdir(), 'cli-reference-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Runs `doc` with `--folder <folder>=models/reference/<folder>`; every node must finish. */
async function cli(doc: Template, backend: 'native' | 'wasm', folder: string) {
  const file = join(dir, `graph-${++runs}.json`);
  const out = join(dir, `out-${runs}`);
  writeFileSync(file, JSON.stringify(doc));
  let stderr = '';
  const code = await runCli(['run', file, '--out', out, '--backend', backend, '--folder', `${folder}=${join(REFERENCE_DIR, folder)}`], {
    registry: createProductRegistry(),
    services: (host) => nodeServices(host),
    stdout: () => {},
    stderr: (t) => (stderr += t),
  });
  expect(code, stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  expect(summary.status).toBe('ok');
  // every node ran (none skipped or failed)
  for (const node of doc.nodes) if (node.type !== 'Note') expect(summary.nodes[node.id]?.status, node.id).toBe('ok');
  return { out, stderr, png: (name: string) => readFileSync(join(out, name)), pixels: (name: string) => decode(readFileSync(join(out, name))).data as Uint8Array };
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe.each(['native', 'wasm'] as const)('graph CLI on the reduced reference models, --backend %s', (backend) => {
  describe.each(['sd15', 'sd-turbo'] as const)('folder:%s', (model) => {
    const images: Record<string, Uint8Array> = {};

    it('text-to-image: the same seed gives the same image, another seed another one', async () => {
      const first = await cli(graph('text-to-image', model), backend, model);
      expect(first.stderr).toMatch(backend === 'native' ? /^backend: native \((cpu|cuda)\)/m : /^backend: wasm$/m);
      const again = await cli(graph('text-to-image', model), backend, model);
      const other = await cli(graph('text-to-image', model, { seed: 8 }), backend, model);
      const [a, b, c] = [first, again, other].map((r) => r.pixels('preview-0.png'));
      expect(a.length).toBe(64 * 64 * 3);
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1);
      expect(meanAbsDiff(a, c)).toBeGreaterThan(5);
      console.info(`${model} on ${backend}: same seed, PNG bytes ${first.png('preview-0.png').equals(again.png('preview-0.png')) ? 'identical' : 'differ'}; seeds 7 vs 8: mean abs difference ${meanAbsDiff(a, c).toFixed(1)} / 255`);
      images.seed7 = a;
    });

    // wasm runs text-to-image and one template (the optimization loop, which also runs the gradient models)
    const templates = backend === 'native' ? (['metric-optimization', 'human-feedback', 'seed-invariant'] as const) : (['metric-optimization'] as const);
    it.each(templates)('%s runs every node and exits 0', async (template) => {
      const run = await cli(graph(template, model), backend, model);
      if (template === 'metric-optimization') {
        const history = JSON.parse(readFileSync(join(run.out, 'optimize.history.json'), 'utf8'));
        expect(history).toMatchObject({ goal: 'maximize' });
        expect(history.values).toHaveLength(2);
        // the before-image is text-to-image's at seed 7: reproducible across runs and graphs
        expect(maxAbsDiff(run.pixels('before_preview-0.png'), images.seed7)).toBeLessThanOrEqual(1);
        readFileSync(join(run.out, 'sharpness-optimized.safetensors'));
      }
      if (template === 'human-feedback') {
        // seed 1332, the same prompt: not the seed-7 image
        expect(meanAbsDiff(run.pixels('before_preview-0.png'), images.seed7)).toBeGreaterThan(5);
        readFileSync(join(run.out, 'human-feedback.safetensors'));
      }
      if (template === 'seed-invariant') {
        for (const k of [0, 1, 2]) expect(JSON.parse(readFileSync(join(run.out, `optimize${k}.history.json`), 'utf8')).values).toHaveLength(2);
        for (let i = 0; i < 4; i++) run.pixels(`preview_after-${i}.png`);
      }
    });
  });

  if (backend === 'native') {
    it.each([['sd15-fp16', 'sd15'], ['sd-turbo-fp16', 'sd-turbo']] as const)('the float16 folder %s runs text-to-image', async (fp16, fp32) => {
      const half = (await cli(graph('text-to-image', fp32, { source: fp16 }), backend, fp16)).pixels('preview-0.png');
      const full = (await cli(graph('text-to-image', fp32), backend, fp32)).pixels('preview-0.png');
      const mean = meanAbsDiff(half, full);
      console.info(`${fp16} vs ${fp32} on native: mean abs pixel difference ${mean.toFixed(2)} / 255`);
      expect(mean).toBeLessThan(4);
    });
  }
});
