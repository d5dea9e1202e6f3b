// tools/reference/materialize.ts: a reference folder stripped of its weights (a "skeleton", as
// models/reference/sd15-full-skeleton/ is for the full width) becomes a loadable model again,
// with weights written at the offsets its graphs name, and runs through the product.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSkeleton, materialize, planSkeleton } from '../../tools/reference/materialize';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { loadModel } from '../../runtime/models/loader';
import { encodePrompts } from '../../runtime/models/pipeline/encode';
import { configureOrt } from '../../runtime/ort/env';
import { torchRandn } from '../../runtime/rng/torch-randn';

const REFERENCE = new URL('../../models/reference/', import.meta.url).pathname;
const COMPONENTS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'];
const dirs: string[] = [];
const tempDir = (tag: string) => {
  const dir = mkdtempSync(join(tmpdir(), `es-materialize-${tag}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Strips `name`'s weights, materializes the skeleton, loads it on wasm and runs one guided UNet step. */
async function roundTrip(name: string) {
  const source = join(REFERENCE, name);
  const skeleton = tempDir(`${name}-skeleton`);
  const { files } = makeSkeleton(source, skeleton);
  expect(files.some((f) => f.endsWith('model.onnx_data'))).toBe(false);
  expect(files).toContain('unet/model.onnx');

  const out = tempDir(name);
  const report = materialize(skeleton, out, { seed: 0 });
  expect(report.reused).toBe(false);
  expect(report.fallbacks).toEqual([]);
  // every weights file is as long as the one the graphs were exported with
  for (const c of COMPONENTS) {
    expect(statSync(join(out, c, 'model.onnx_data')).size, c).toBe(statSync(join(source, c, 'model.onnx_data')).size);
  }

  configureOrt();
  const model = await loadModel(nodeFolderFiles(out, `folder:${name}`), { id: `folder:${name}`, backend: { name: 'wasm' } });
  try {
    const cond = await encodePrompts(model, ['a red circle on a blue background', '']);
    const [, tokens, dim] = cond.dims;
    const { out_sample } = await model.unet.run(
      {
        sample: { data: torchRandn(0, [2, 4, 8, 8]), dims: [2, 4, 8, 8] },
        timestep: { data: [981], dims: [1] },
        encoder_hidden_states: { data: cond.data, dims: [2, tokens, dim] },
      },
      ['out_sample'],
    );
    expect(out_sample.dims).toEqual([2, 4, 8, 8]);
    expect(out_sample.data.every(Number.isFinite)).toBe(true);
    const std = Math.sqrt(out_sample.data.reduce((a, v) => a + v * v, 0) / out_sample.data.length);
    // weights scaled by fan-in: activations neither vanish nor blow up
    expect(std).toBeGreaterThan(0.05);
    expect(std).toBeLessThan(20);
    expect(cond.data.every(Number.isFinite)).toBe(true);
  } finally {
    await model.dispose();
  }
  return { skeleton, out };
}

describe('materializing a weightless skeleton', () => {
  it('makes the reduced SD 1.5 (float32) loadable, and runs a UNet step through the product', async () => {
    const { skeleton, out } = await roundTrip('sd15');
    // the same seed writes the same bytes; a second call sees the stamp and writes nothing
    const again = tempDir('sd15-again');
    materialize(skeleton, again, { seed: 0 });
    expect(sha(join(again, 'unet/model.onnx_data'))).toBe(sha(join(out, 'unet/model.onnx_data')));
    expect(materialize(skeleton, again, { seed: 0 }).reused).toBe(true);
    const other = tempDir('sd15-seed1');
    materialize(skeleton, other, { seed: 1 });
    expect(sha(join(other, 'unet/model.onnx_data'))).not.toBe(sha(join(out, 'unet/model.onnx_data')));
  });

  it('keeps float16 weights float16 (reduced SD 1.5 fp16)', async () => {
    const { skeleton } = await roundTrip('sd15-fp16');
    const unet = planSkeleton(skeleton).find((p) => p.path === 'unet/model.onnx_data')!;
    expect(new Set(unet.tensors.map((t) => t.dtype))).toEqual(new Set(['float16']));
  });

  it('the committed full-width skeleton has no weights, and its graphs lay out 4 GiB of them', () => {
    const skeleton = join(REFERENCE, 'sd15-full-skeleton');
    for (const c of COMPONENTS) {
      expect(existsSync(join(skeleton, c, 'model.onnx'))).toBe(true);
      expect(existsSync(join(skeleton, c, 'model.onnx_data'))).toBe(false);
    }
    const plans = planSkeleton(skeleton);
    const bytes = Object.fromEntries(plans.map((p) => [p.path, p.size]));
    // the sizes tools/reference's full fp32 export wrote (859,520,964 UNet parameters)
    expect(bytes['unet/model.onnx_data']).toBe(3_438_083_840);
    expect(bytes['text_encoder/model.onnx_data']).toBe(492_241_920);
    expect(bytes['vae_decoder/model.onnx_data']).toBe(197_950_976);
    expect(plans.flatMap((p) => p.tensors.filter((t) => t.rule === 'fallback'))).toEqual([]);
  });
});
