// The built-in model's gradients against PyTorch (tests/fixtures/tiny_golden.json, float64
// autograd): UNet w.r.t. sample and encoder_hidden_states, VAE decoder w.r.t. latent_sample.
// Relative error ||ours - torch|| / ||torch|| <= 1e-3 per gradient.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { buildVjpModel } from '../../runtime/autodiff/index';

ort.env.wasm.numThreads = 1;
const ROOT = resolve(import.meta.dirname, '../..');
interface Stored { dims: number[]; dtype: string; data: number[] }
const golden = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/tiny_golden.json'), 'utf8')) as Record<string, Record<string, Stored>>;

const tensor = (t: Stored) =>
  t.dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(t.data.map((v) => BigInt(v))), t.dims)
    : new ort.Tensor('float32', Float32Array.from(t.data), t.dims);

function relativeError(ours: ArrayLike<number>, ref: number[]): number {
  let num = 0;
  let den = 0;
  ref.forEach((r, i) => { num += (ours[i] - r) ** 2; den += r * r; });
  if (den === 0) throw new Error('reference gradient is all zeros');
  return Math.sqrt(num / den);
}

/** The same item twice along the batch axis (the models export a dynamic batch). */
function twice(t: Stored): Stored {
  return t.dims[0] === 1 && t.dims.length > 1 ? { ...t, dims: [2, ...t.dims.slice(1)], data: [...t.data, ...t.data] } : t;
}

async function gradients(model: string, part: string, inputs: string[], wrt: string[], of: string, batch2 = false) {
  const bytes = new Uint8Array(readFileSync(join(ROOT, 'models/tiny', model, 'model.onnx')));
  const vjp = buildVjpModel(bytes, { wrt, of });
  const session = await ort.InferenceSession.create(vjp.model, { executionProviders: ['wasm'], externalData: vjp.externalData });
  const g = golden[part];
  const pick = (t: Stored) => tensor(batch2 ? twice(t) : t);
  const feeds = Object.fromEntries(inputs.map((n) => [n, pick(g[n])]));
  const out = await session.run({ ...feeds, [`grad_${of}`]: pick(g.cotangent) });
  await session.release();
  return { out, g, vjp, forwardBytes: bytes.length };
}

describe('built-in model gradients match PyTorch', () => {
  it('UNet: d out_sample / d (sample, encoder_hidden_states)', async () => {
    const wrt = ['sample', 'encoder_hidden_states'];
    const { out, g } = await gradients('unet', 'unet', ['sample', 'timestep', 'encoder_hidden_states'], wrt, 'out_sample');
    for (const w of wrt) {
      expect(out[`grad_${w}`].dims).toEqual(g[`grad_${w}`].dims);
      expect(relativeError(out[`grad_${w}`].data as Float32Array, g[`grad_${w}`].data)).toBeLessThanOrEqual(1e-3);
    }
  });

  it('one gradient model serves batch 2 (dynamic batch axis): each item matches', async () => {
    const { out, g } = await gradients('vae_decoder', 'vae_decoder', ['latent_sample'], ['latent_sample'], 'sample', true);
    const all = out.grad_latent_sample.data as Float32Array;
    const ref = g.grad_latent_sample.data;
    expect(out.grad_latent_sample.dims).toEqual([2, 4, 8, 8]);
    expect(relativeError(all.subarray(0, ref.length), ref)).toBeLessThanOrEqual(1e-3);
    expect(relativeError(all.subarray(ref.length), ref)).toBeLessThanOrEqual(1e-3);
  });

  it('VAE decoder: d sample / d latent_sample', async () => {
    const { out, g, vjp, forwardBytes } = await gradients('vae_decoder', 'vae_decoder', ['latent_sample'], ['latent_sample'], 'sample');
    expect(relativeError(out.grad_latent_sample.data as Float32Array, g.grad_latent_sample.data)).toBeLessThanOrEqual(1e-3);
    expect(vjp.model.length).toBeLessThan(forwardBytes / 4); // weights are shared, not copied
  });
});
