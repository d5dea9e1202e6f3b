// Generate's gradient on the reduced reference models (models/reference/) against PyTorch
// autograd: tests/fixtures/reference_generate_<model>.json is the same pipeline in float64 torch
// with the same weights (/usr/bin/python3 -m tools.reference.generate_golden). The model is
// loaded as a folder through the product's model service, on native and on wasm.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeServices } from '../../runtime/api/node-host';
import { generateVjp } from '../../runtime/diffusion-vjp/generate-vjp';
import { encodePrompts, generate } from '../../runtime/models/pipeline/generate';
import { torchRandn } from '../../runtime/rng';
import type { EmbeddingValue, ModelValue, Tensor } from '../../runtime/values/types';

interface Golden {
  prompt: string;
  seed: number;
  steps: number;
  guidance: number;
  scheduler: 'euler';
  w_seed: number;
  embedding: { dims: number[]; data: number[] };
  negative?: { dims: number[]; data: number[] };
  image: { dims: number[]; data: number[] };
  grad_embedding: { dims: number[]; data: number[] };
  grad_negative?: { dims: number[]; data: number[] };
}

const MODELS = ['sd15', 'sd-turbo'] as const;
const BACKENDS = ['native', 'wasm'] as const;
// SD 1.5 (guidance with a negative) on both backends; SD-Turbo (1 row per image, trailing
// steps) on native only: each case builds the UNet's gradient session, 10-20 s here.
const CASES = { sd15: BACKENDS, 'sd-turbo': ['native'] } as const;
const folder = (model: string) => new URL(`../../models/reference/${model}`, import.meta.url).pathname;
const golden = (model: string): Golden => JSON.parse(readFileSync(new URL(`../fixtures/reference_generate_${model}.json`, import.meta.url), 'utf8'));
const tensor = (t: { dims: number[]; data: number[] }): Tensor => ({ dims: t.dims, data: Float32Array.from(t.data) });

const hosts = Object.fromEntries(
  BACKENDS.map((b) => [b, nodeServices({ backend: b, folders: Object.fromEntries(MODELS.map((m) => [m, folder(m)])) })]),
) as Record<(typeof BACKENDS)[number], ReturnType<typeof nodeServices>>;
afterAll(() => Promise.all(Object.values(hosts).map((h) => h.models.dispose())));

/** |a - b| / |b| over the whole tensor (2-norms). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe.each(MODELS)('Generate on models/reference/%s against PyTorch autograd (float64)', (name) => {
  const g = golden(name);
  it.each(CASES[name])('%s: the image and d(sum(w * image))/d(embedding, negative) agree to 1e-3', async (backend) => {
    const model = await hosts[backend].models.load(`folder:${name}`);
    const source = `folder:${name}`;
    const embedding = tensor(g.embedding);
    const negative = g.negative ? tensor(g.negative) : undefined;
    // the stored embedding is the text encoder's output for the prompt (float32 both sides)
    expect(relativeError((await encodePrompts(model, [g.prompt])).data, embedding.data)).toBeLessThan(1e-5);

    const params = { seed: g.seed, steps: g.steps, guidance: g.guidance, scheduler: g.scheduler, width: 0, height: 0, latentStep: -1, gradientSteps: 0 };
    const forward = await generate(model, {
      embedding, negative, seeds: { kind: 'Seeds', seeds: [g.seed] }, steps: g.steps, guidance: g.guidance, scheduler: g.scheduler,
      width: model.nativeSize.width, height: model.nativeSize.height,
    });
    expect(forward.images.dims).toEqual(g.image.dims);
    const imageError = relativeError(forward.images.data, g.image.data);

    const w: Tensor = { dims: g.image.dims, data: torchRandn(g.w_seed, g.image.dims) };
    const value = (t: Tensor): EmbeddingValue => ({ kind: 'Embedding', tensor: t, model: source });
    const modelValue: ModelValue = { kind: 'Model', id: source, handle: model };
    const grads = await generateVjp(
      { signal: new AbortController().signal },
      { model: modelValue, embedding: value(embedding), ...(negative ? { negative: value(negative) } : {}) },
      params,
      {},
      { image: w },
    );
    const embeddingError = relativeError(grads.embedding!.data, g.grad_embedding.data);
    const negativeError = g.grad_negative ? relativeError(grads.negative!.data, g.grad_negative.data) : undefined;
    console.info(
      `${name} on ${backend}: relative error image ${imageError.toExponential(2)}, grad embedding ${embeddingError.toExponential(2)}` +
        (negativeError === undefined ? '' : `, grad negative ${negativeError.toExponential(2)}`),
    );
    expect(imageError).toBeLessThan(1e-4);
    expect(embeddingError).toBeLessThanOrEqual(1e-3);
    if (g.grad_negative) {
      expect(grads.negative!.dims).toEqual(g.grad_negative.dims);
      expect(negativeError).toBeLessThanOrEqual(1e-3);
    } else {
      expect(grads.negative).toBeUndefined();
    }
  }, 300_000);
});
