// GradientStep's memoryBudget reaches Generate's gradient models: under a budget too small for
// the unbudgeted plan the UNet and VAE gradients recompute activations (remat) and give the
// same gradients, through generateVjp as the product calls it (models loaded as folders).
import { afterAll, describe, expect, it } from 'vitest';
import { nodeServices } from '../../runtime/api/node-host';
import { generateVjp } from '../../runtime/diffusion-vjp/generate-vjp';
import { encodePrompts } from '../../runtime/models/pipeline/generate';
import { torchRandn } from '../../runtime/rng';
import type { EmbeddingValue, ModelValue } from '../../runtime/values/types';

const folder = (m: string) => new URL(`../../models/${m}`, import.meta.url).pathname;
const host = nodeServices({ backend: 'native', folders: { tiny: folder('tiny'), sd15: folder('reference/sd15') } });
afterAll(() => host.models.dispose());

describe.each(['tiny', 'sd15'])('memory budget on %s', (name) => {
  it('recomputes under a small budget and gives the same gradients as without one', async () => {
    const source = `folder:${name}`;
    const model = await host.models.load(source);
    const embedding = await encodePrompts(model, ['a red fox']);
    const negative = await encodePrompts(model, ['']);
    const size = model.nativeSize;
    const value = (t: typeof embedding): EmbeddingValue => ({ kind: 'Embedding', tensor: t, model: source });
    const inputs = { model: { kind: 'Model', id: source, handle: model } as ModelValue, embedding: value(embedding), negative: value(negative) };
    const params = { seed: 5, steps: 2, guidance: 4, scheduler: 'euler', width: size.width, height: size.height, latentStep: -1, gradientSteps: 0 };
    const dims = [1, 3, size.height, size.width];
    const w = { dims, data: torchRandn(9, dims) };
    const plain = await generateVjp({ signal: new AbortController().signal }, inputs, params, {}, { image: w });
    const status: string[] = [];
    // 64 KiB: below every plan, so each gradient model takes its smallest (most recomputing) one
    const budgeted = await generateVjp({ signal: new AbortController().signal, gradient: { memoryBudget: 65536, status: (m) => status.push(m) } }, inputs, params, {}, { image: w });
    expect(status).toHaveLength(1);
    expect(status[0]).toMatch(/^gradient memory: budget 64\.0 KiB; plans UNet .* \(recomputing, .*\), VAE .* \(recomputing/);
    console.info(`${name}: ${status[0]}`);
    for (const port of ['embedding', 'negative'] as const) {
      const a = plain[port]!.data;
      const b = budgeted[port]!.data;
      expect(b.length).toBe(a.length);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      console.info(`${name} ${port}: max |difference| ${worst} (max |gradient| ${scale})`);
      expect(scale).toBeGreaterThan(0);
      // the same operations on the same values: equal up to the kernels' summation order
      expect(worst).toBeLessThanOrEqual(1e-5 * scale);
    }
  }, 600_000);
});
