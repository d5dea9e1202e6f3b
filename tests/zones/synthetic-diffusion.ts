import { GraphBuilder } from '../../runtime/onnx/index';
import { Session } from '../../runtime/ort/session';
import { configureOrt } from '../../runtime/ort/env';
import type { DiffusionModel } from '../../runtime/models/model';
import type { ModelFiles } from '../../runtime/models/files/model-files';

/** Deterministic weights in [-scale, scale]. */
function weights(seed: number, n: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

const TOKENS = 5;
const DIM = 6;

/** A toy UNet with the real names: sample [N,4,4,4], timestep [1], encoder_hidden_states [N,5,6] -> out_sample. */
function unetBytes(): Uint8Array {
  const g = new GraphBuilder({ name: 'toy_unet' });
  const sample = g.input('sample', 'float32', ['N', 4, 4, 4]);
  const t = g.input('timestep', 'float32', [1]);
  const ehs = g.input('encoder_hidden_states', 'float32', ['N', TOKENS, DIM]);
  const perToken = g.op('Tanh', [g.op('MatMul', [ehs, g.initializer('wt', weights(1, DIM * 4, 0.8), [DIM, 4])])]);
  const pooled = g.op('ReduceMean', [perToken], { axes: [1], keepdims: 0 });
  const p4 = g.op('Reshape', [pooled, g.constant(BigInt64Array.from([-1n, 4n, 1n, 1n]), [4])]);
  const conv = g.op('Conv', [sample, g.initializer('wc', weights(2, 4 * 4 * 9, 0.3), [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
  const tScaled = g.op('Mul', [t, g.constant(new Float32Array([0.001]), [])]);
  const a = g.op('Tanh', [g.op('Add', [g.op('Add', [conv, p4]), tScaled])]);
  const cross = g.op('Mul', [g.op('Mul', [g.op('Tanh', [p4]), sample]), g.constant(new Float32Array([0.3]), [])]);
  g.output(g.op('Add', [a, cross]), 'float32', ['N', 4, 4, 4], 'out_sample');
  return g.toBytes();
}

/** A toy VAE decoder: latent_sample [N,4,4,4] -> sample [N,3,8,8] in (-1, 1). */
function vaeBytes(): Uint8Array {
  const g = new GraphBuilder({ name: 'toy_vae' });
  const z = g.input('latent_sample', 'float32', ['N', 4, 4, 4]);
  const up = g.op('ConvTranspose', [z, g.initializer('wv', weights(3, 4 * 3 * 4, 0.6), [4, 3, 2, 2])], { strides: [2, 2] });
  g.output(g.op('Tanh', [up]), 'float32', ['N', 3, 8, 8], 'sample');
  return g.toBytes();
}

/** A DiffusionModel over the toy graphs, loaded like a real one (with its files, for the VJP). */
export async function syntheticModel(): Promise<DiffusionModel> {
  configureOrt();
  const files = new Map<string, Uint8Array>([['unet/model.onnx', unetBytes()], ['vae_decoder/model.onnx', vaeBytes()]]);
  const modelFiles: ModelFiles = {
    label: 'synthetic',
    has: async (p) => files.has(p),
    read: async (p) => {
      const f = files.get(p);
      if (!f) throw new Error(`synthetic: no ${p}`);
      return f;
    },
  };
  const backend = { name: 'wasm' as const };
  const unet = await Session.create('synthetic/unet', files.get('unet/model.onnx')!, { backend });
  const vaeDecoder = await Session.create('synthetic/vae', files.get('vae_decoder/model.onnx')!, { backend });
  const adopted: Session[] = [];
  const model: DiffusionModel = {
    id: 'synthetic',
    backend,
    textEncoder: unet, // never used: tests pass embeddings and negatives directly
    unet,
    vaeDecoder,
    tokenizer: { encode: () => new Int32Array(TOKENS) },
    schedulerConfig: { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' },
    defaultScheduler: 'euler',
    scalingFactor: 0.5,
    tokens: TOKENS,
    latentChannels: 4,
    vaeScale: 2,
    nativeSize: { width: 8, height: 8 },
    timestepShape: 'one',
    files: modelFiles,
    adopt: (s) => void adopted.push(s),
    async dispose() {
      await Promise.all([unet, vaeDecoder, ...adopted].map((s) => s.dispose()));
    },
  };
  return model;
}

export const SYNTHETIC = { tokens: TOKENS, dim: DIM };
