import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GraphBuilder, makeTensor, onnx, saveModel } from '../../runtime/onnx';
import type { DiffusionModel } from '../../runtime/models/model';
import { bytesToUnicode } from '../tokenizer/clip-fixture';

/**
 * A toy model in the diffusers ONNX layout, built in code: tiny graphs whose outputs
 * still depend on every input (token ids, timestep, embedding, latent), so loader and
 * pipeline tests can tell right wiring from wrong without the trained built-in model.
 */
export const TOY_DIM = 16;

export interface ToyOptions {
  /** UNet tensors in float16 (converted at the session boundary). */
  fp16?: boolean;
  /** Timestep dtype; the built-in model uses int64. */
  timestepType?: 'int64' | 'float32' | 'float16';
  /** Store the UNet's weight in unet/model.onnx_data instead of inside model.onnx. */
  externalData?: boolean;
  /** Rename a UNet input (bad-folder tests). */
  unetInputNames?: { sample?: string; timestep?: string };
  /** Give the UNet's `sample` this many dims instead of 4 (bad-folder tests). */
  sampleRank?: number;
}

/** One UNet call on fixed inputs: what the boundary conversions (and each backend) must preserve. */
export async function unetOnce(model: DiffusionModel): Promise<Float32Array> {
  const sample = { dims: [1, 4, 8, 8], data: Float32Array.from({ length: 256 }, (_, i) => Math.cos(i)) };
  const ctx = { dims: [1, 77, TOY_DIM], data: Float32Array.from({ length: 77 * TOY_DIM }, (_, i) => Math.sin(i) * 0.5) };
  const out = await model.unet.run({ sample, timestep: { data: [500], dims: [1] }, encoder_hidden_states: ctx }, ['out_sample']);
  return out.out_sample.data;
}

/** Writes the toy folder under a fresh temp dir; call `remove()` in teardown. */
export async function writeToyModel(options: ToyOptions = {}): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'toy-model-'));
  const put = async (path: string, data: string | Uint8Array) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), data);
  };
  await put('model_index.json', JSON.stringify({ _class_name: 'OnnxStableDiffusionPipeline' }));
  await put('scheduler/scheduler_config.json', JSON.stringify(SCHEDULER));
  await put('vae_decoder/config.json', JSON.stringify({ scaling_factor: 0.5, block_out_channels: [8, 8, 8, 8] }));
  await put('tokenizer/vocab.json', JSON.stringify(toyVocab()));
  await put('tokenizer/merges.txt', '#version: 0.2\nr e</w>\n');
  await put('text_encoder/model.onnx', textEncoder());
  const unet = toyUnet(options);
  await put('unet/model.onnx', unet.model);
  if (unet.external) await put('unet/model.onnx_data', unet.external);
  await put('vae_decoder/model.onnx', vaeDecoder());
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const SCHEDULER = {
  _class_name: 'EulerDiscreteScheduler',
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  prediction_type: 'epsilon',
  timestep_spacing: 'leading',
  steps_offset: 1,
};

function toyVocab(): Record<string, number> {
  const symbols = bytesToUnicode();
  const tokens = [...symbols, ...symbols.map((s) => `${s}</w>`), 're</w>', '<|startoftext|>', '<|endoftext|>'];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

/** ids [B,77] -> ids * w + pos: every token id moves its own row. */
function textEncoder(): Uint8Array {
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int32', ['batch', 77]);
  const x = g.op('Unsqueeze', [g.op('Cast', [ids], { to: onnx.TensorProto.DataType.FLOAT }), g.constant(new BigInt64Array([2n]), [1])]);
  const w = g.initializer('w', Float32Array.from({ length: TOY_DIM }, (_, i) => 0.002 * (i + 1)), [1, 1, TOY_DIM]);
  const pos = g.initializer('pos', Float32Array.from({ length: 77 * TOY_DIM }, (_, i) => Math.sin(i) * 0.1), [77, TOY_DIM]);
  g.output(g.op('Add', [g.op('Mul', [x, w]), pos]), 'float32', ['batch', 77, TOY_DIM], 'last_hidden_state');
  return g.toBytes();
}

/** out = 0.2*sample + mean(ctx) * k + t/1000: guidance, prompt, step and latent all matter. */
function toyUnet(o: ToyOptions): { model: Uint8Array; external?: Uint8Array } {
  const g = new GraphBuilder();
  const ft = o.fp16 ? 'float16' : 'float32';
  const rank = o.sampleRank ?? 4;
  const sampleDims = ['batch', 4, 8, 8].slice(0, rank) as (string | number)[];
  let sample = g.input(o.unetInputNames?.sample ?? 'sample', ft, sampleDims);
  let t = g.input(o.unetInputNames?.timestep ?? 'timestep', o.timestepType ?? 'int64', [1]);
  let ctx = g.input('encoder_hidden_states', ft, ['batch', 77, TOY_DIM]);
  const F = onnx.TensorProto.DataType.FLOAT;
  if (o.fp16) {
    sample = g.op('Cast', [sample], { to: F });
    ctx = g.op('Cast', [ctx], { to: F });
  }
  t = g.op('Cast', [t], { to: F });
  const k = Float32Array.from([0.5, -0.3, 0.2, 0.4]);
  const kName = o.externalData ? 'k_external' : g.initializer('k', k, [1, 4, 1, 1]);
  const m = g.op('ReduceMean', [ctx], { axes: [1, 2], keepdims: 1 });
  const mean4 = g.op('Unsqueeze', [m, g.constant(new BigInt64Array([3n]), [1])]); // [B,1,1,1]
  const a = g.op('Mul', [sample, g.constant(new Float32Array([0.2]), [])]);
  const b = g.op('Mul', [mean4, kName]);
  const c = g.op('Div', [t, g.constant(new Float32Array([1000]), [])]);
  let out = g.op('Add', [g.op('Add', [a, b]), c]);
  if (o.fp16) out = g.op('Cast', [out], { to: onnx.TensorProto.DataType.FLOAT16 });
  // a wrong-rank sample leaves the output shape to inference, so the session still loads
  g.output(out, ft, rank === 4 ? sampleDims : null, 'out_sample');
  const model = g.toModel();
  if (!o.externalData) return { model: saveModel(model) };
  const external = new Uint8Array(k.buffer.slice(0));
  const tensor = makeTensor('k_external', new Float32Array(0), [1, 4, 1, 1]);
  tensor.rawData = undefined;
  tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  tensor.externalData = [
    { key: 'location', value: 'model.onnx_data' },
    { key: 'offset', value: '0' },
    { key: 'length', value: String(external.byteLength) },
  ];
  model.graph!.initializer = [...(model.graph!.initializer ?? []), tensor];
  return { model: saveModel(model), external };
}

/** [B,4,8,8] -> nearest x8 -> first 3 channels -> tanh: [B,3,64,64] in (-1, 1). */
function vaeDecoder(): Uint8Array {
  const g = new GraphBuilder();
  const z = g.input('latent_sample', 'float32', ['batch', 4, 8, 8]);
  const up = g.op('Resize', [z, '', g.constant(new Float32Array([1, 1, 8, 8]), [4])], { mode: 'nearest' });
  const rgb = g.op('Slice', [up, g.constant(new BigInt64Array([0n]), [1]), g.constant(new BigInt64Array([3n]), [1]), g.constant(new BigInt64Array([1n]), [1])]);
  g.output(g.op('Tanh', [rgb]), 'float32', ['batch', 3, 64, 64], 'sample');
  return g.toBytes();
}
