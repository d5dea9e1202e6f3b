// The native backend (onnxruntime-node) behind the same session layer as wasm: the backend
// choice with its CUDA fallbacks, fp16 and external data at the session boundary, and the
// tiny UNet's gradient model giving wasm's gradients.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { GraphBuilder } from '../../runtime/onnx/index';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { ModelService, type ModelEvent } from '../../runtime/models/service/model-service';
import { chooseBackend, configureOrt, type Backend } from '../../runtime/ort/env';
import { useNativeOrt } from '../../runtime/ort/native';
import { registerNativeOrt, type OrtModule } from '../../runtime/ort/registry';
import { Session, type HostTensor } from '../../runtime/ort/session';
import { torchRandn } from '../../runtime/rng/torch-randn';
import { unetOnce, writeToyModel, type ToyOptions } from './toy-model';

configureOrt();
useNativeOrt();
const WASM: Backend = { name: 'wasm' };
const NATIVE: Backend = { name: 'native', device: 'cpu' };
const real = (await import('onnxruntime-node')) as unknown as OrtModule;

/** onnxruntime-node whose CUDA provider does what `cuda` says; records each session's providers. */
function fakeNative(cuda: 'works' | Error, refuse?: (model: Uint8Array) => boolean) {
  const providers: string[][] = [];
  const create = async (model: Uint8Array, options: { executionProviders?: string[] }) => {
    const eps = options.executionProviders ?? [];
    providers.push(eps);
    if (eps.includes('cuda')) {
      if (cuda !== 'works') throw cuda;
      if (refuse?.(model)) throw new Error('CUDA has no kernel for this op');
    }
    return real.InferenceSession.create(model, { ...options, executionProviders: ['cpu'] });
  };
  const module = { ...real, InferenceSession: { create } } as unknown as OrtModule;
  return { providers, restore: registerNativeOrt({ load: async () => module }) };
}

const restores: (() => void)[] = [];
// newest first: each restore puts back what was registered before it
afterEach(() => restores.splice(0).reverse().forEach((restore) => restore()));

describe('choosing the native backend', () => {
  it('takes CUDA when its provider starts, and sessions then ask for it', async () => {
    const fake = fakeNative('works');
    restores.push(fake.restore);
    const backend = await chooseBackend('native');
    expect(backend).toEqual({ name: 'native', device: 'cuda' });
    const b = new GraphBuilder();
    b.output(b.op('Neg', [b.input('x', 'float32', [2])]), 'float32', [2], 'y');
    const session = await Session.create('mem:neg.onnx', b.toBytes(), { backend });
    expect([...(await session.run({ x: { data: [1, -2], dims: [2] } }, ['y'])).y.data]).toEqual([-1, 2]);
    await session.dispose();
    expect(fake.providers.at(-1)).toEqual(['cuda']);
  });

  it('runs on the CPU with a notice saying why when CUDA is missing or fails', async () => {
    restores.push(fakeNative(new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\nmore')).restore);
    expect(await chooseBackend('native')).toEqual({
      name: 'native',
      device: 'cpu',
      notice: 'CUDA failed to start (OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library): running natively on the CPU.',
    });
    restores.push(registerNativeOrt({ load: async () => real, cudaMissing: () => 'no CUDA provider here' }));
    expect(await chooseBackend('native')).toEqual({ name: 'native', device: 'cpu', notice: 'no CUDA provider here: running natively on the CPU.' });
  });

  it('falls back to wasm with a notice where onnxruntime-node does not load or is not registered', async () => {
    restores.push(registerNativeOrt({ load: async () => Promise.reject(new Error('no binary for this platform')) }));
    expect(await chooseBackend('native')).toMatchObject({ name: 'wasm', notice: expect.stringMatching(/^the native backend is not available \(no binary for this platform\)/) });
    restores.push(registerNativeOrt(undefined));
    expect(await chooseBackend('native')).toMatchObject({ name: 'wasm', notice: expect.stringContaining('runs only in Node hosts') });
  });

  it('reloads a model CUDA refuses on the native CPU, with a notice', async () => {
    const toy = await writeToyModel();
    // the UNet is the only model with an encoder_hidden_states input
    const isUnet = (model: Uint8Array) => Buffer.from(model).includes('encoder_hidden_states');
    restores.push(fakeNative('works', isUnet).restore);
    const service = new ModelService({ builtin: () => nodeFolderFiles(toy.dir, 'builtin:toy'), backend: 'native' });
    const events: ModelEvent[] = [];
    service.onEvent((e) => e.type === 'backend' && events.push(e));
    try {
      const model = await service.load('builtin:toy');
      expect(model.backend).toMatchObject({ name: 'native', device: 'cpu' });
      expect(events.map((e) => e.type === 'backend' && `${e.name}/${e.device}`)).toEqual(['native/cuda', 'native/cpu']);
      expect(events[1]).toMatchObject({ notice: expect.stringMatching(/^CUDA could not run builtin:toy .*could not load it on native \(cuda\).*: using the CPU \(native\)\.$/) });
    } finally {
      await service.dispose();
      await toy.remove();
    }
  });
});

/** One UNet call of a toy model on `backend`. */
async function toyUnet(backend: Backend, options: ToyOptions): Promise<Float32Array> {
  const toy = await writeToyModel(options);
  const model = await loadModel(nodeFolderFiles(toy.dir, 'folder:toy'), { id: 'folder:toy', backend });
  try {
    return await unetOnce(model);
  } finally {
    await model.dispose();
    await toy.remove();
  }
}

describe('the session boundary on native', () => {
  it.each<[string, ToyOptions]>([
    ['float16 tensors and a float16 timestep', { fp16: true, timestepType: 'float16' }],
    ['weights in model.onnx_data (external data)', { externalData: true }],
  ])('gives what wasm gives for %s', async (_, options) => {
    const [wasm, native] = [await toyUnet(WASM, options), await toyUnet(NATIVE, options)];
    expect(native.length).toBe(4 * 8 * 8);
    expect(norm(native)).toBeGreaterThan(1);
    expect(maxAbsDiff(native, wasm)).toBeLessThan(1e-4);
  });
});

describe('the tiny UNet gradient model on native', () => {
  it('gives the same gradients as on wasm, reading the forward weights as external data', async () => {
    const forward = new Uint8Array(readFileSync(new URL('../../models/tiny/unet/model.onnx', import.meta.url)));
    const vjp = buildVjpModel(forward, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', includeOutput: false });
    expect(vjp.externalData?.[0].data).toBe(forward);
    const feeds: Record<string, HostTensor> = {
      sample: { data: torchRandn(0, [2, 4, 8, 8]), dims: [2, 4, 8, 8] },
      timestep: { data: [500], dims: [1] },
      encoder_hidden_states: { data: torchRandn(1, [2, 77, 128]), dims: [2, 77, 128] },
      grad_out_sample: { data: torchRandn(2, [2, 4, 8, 8]), dims: [2, 4, 8, 8] },
    };
    const grads = async (backend: Backend) => {
      const session = await Session.create('unet/model.onnx (vjp)', vjp.model, { backend, externalData: vjp.externalData });
      try {
        return await session.run(feeds, ['grad_sample', 'grad_encoder_hidden_states']);
      } finally {
        await session.dispose();
      }
    };
    const [wasm, native] = [await grads(WASM), await grads(NATIVE)];
    for (const name of ['grad_sample', 'grad_encoder_hidden_states']) {
      expect(native[name].dims).toEqual(wasm[name].dims);
      expect(norm(wasm[name].data)).toBeGreaterThan(0);
      expect(relativeError(native[name].data, wasm[name].data)).toBeLessThan(1e-5);
    }
  });
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

function norm(a: Float32Array): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

function relativeError(ours: Float32Array, ref: Float32Array): number {
  return norm(ours.map((v, i) => v - ref[i])) / norm(ref);
}
