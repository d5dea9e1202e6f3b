import type { Tensor as OrtTensor } from 'onnxruntime-web';
import { peekFloat32 } from '../../ort/convert';
import { Session, type HostTensor } from '../../ort/session';
import type { Scheduler } from '../../schedulers';
import type { Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { MAX_UNET_ROWS, lastStep, previewDue, timestepTensor, type Conditioning, type DenoiseOptions, type StepRecord } from './denoise';
import { buildStepGraph, stepInputNames, type StepGraphKind } from './step-graph';
import { concatRows } from './tensor-util';
import { yieldToHost } from '../../host/yield';

/**
 * Where the whole loop fits one UNet call per step on WebGPU with float32 latents, they can
 * stay in GPU buffers from the first step to the last: UNet output -> step graph -> next
 * UNet input, with only the timestep and coefficients (and the text context) uploaded.
 */
export function canDenoiseOnDevice(model: DiffusionModel, rows: number): boolean {
  return (
    model.backend.name === 'webgpu' &&
    model.unet.input('sample')!.dtype === 'float32' &&
    model.unet.output('out_sample')!.dtype === 'float32' &&
    model.unetBatch === undefined &&
    rows <= MAX_UNET_ROWS
  );
}

const stepSessions = new WeakMap<DiffusionModel, Map<string, Promise<Session>>>();

function stepSession(model: DiffusionModel, kind: StepGraphKind): Promise<Session> {
  let byKind = stepSessions.get(model);
  if (!byKind) stepSessions.set(model, (byKind = new Map()));
  const key = `${kind.guided}/${kind.history}`;
  let session = byKind.get(key);
  if (!session) {
    session = Session.create(`${model.id} denoising step`, buildStepGraph(kind), { backend: model.backend, outputsOnGpu: true }).then((s) => {
      model.adopt(s);
      return s;
    });
    byKind.set(key, session);
    session.catch(() => byKind.get(key) === session && byKind.delete(key));
  }
  return session;
}

const scalar = (v: number): HostTensor => ({ data: [v], dims: [1] });

/** Same contract and results (to float32 rounding) as `denoise`; latents stay on the device. */
export async function denoiseOnDevice(
  model: DiffusionModel,
  scheduler: Scheduler,
  noise: Tensor,
  c: Conditioning,
  options: DenoiseOptions = {},
): Promise<{ latent: Tensor; records: StepRecord[] }> {
  const last = lastStep(scheduler, options.stopAfter);
  const kind: StepGraphKind = { guided: !!c.uncond, history: scheduler.historyLength - 1 };
  const names = stepInputNames(kind);
  const step = await stepSession(model, kind);
  const context = c.uncond ? concatRows([c.uncond, c.cond]) : c.cond;
  const rows = context.dims[0];
  const zeros: HostTensor = { data: new Float32Array(noise.data.length), dims: noise.dims };
  const coefficients = (a: number, b: readonly number[], s: number) => {
    const feeds: Record<string, HostTensor> = { a: scalar(a), g: scalar(c.guidance), s: scalar(s) };
    names.weights.forEach((name, j) => (feeds[name] = scalar(b[j] ?? 0)));
    return feeds;
  };
  const history: OrtTensor[] = []; // earlier eps, newest first
  const live = new Set<OrtTensor>();
  const own = <T extends Record<string, OrtTensor>>(r: T): T => {
    Object.values(r).forEach((t) => live.add(t));
    return r;
  };
  const drop = (t: OrtTensor | undefined) => {
    if (t && live.delete(t)) t.dispose();
  };
  const records: StepRecord[] = [];
  try {
    const init = own(
      await step.runTensors(
        {
          x: noise,
          out: { data: new Float32Array(rows * (noise.data.length / noise.dims[0])), dims: [rows, ...noise.dims.slice(1)] },
          ...Object.fromEntries(names.history.map((h) => [h, zeros])),
          ...coefficients(scheduler.initNoiseSigma, [], scheduler.scaleModelInput(0)),
        },
        ['x_next', 'unet_in'],
      ),
    );
    let x = init.x_next;
    let input = init.unet_in;
    for (let i = 0; i <= last; i++) {
      await yieldToHost();
      options.signal?.throwIfAborted();
      const timestep = scheduler.timesteps[i];
      const { out_sample: out } = own(
        await model.unet.runTensors(
          { sample: input, timestep: timestepTensor(model, timestep, rows), encoder_hidden_states: context },
          ['out_sample'],
        ),
      );
      drop(input);
      const { sample: a, eps: b } = scheduler.coefficients(i);
      const sNext = i < last ? scheduler.scaleModelInput(i + 1) : 1;
      const hist = Object.fromEntries(names.history.map((h, j) => [h, history[j] ?? zeros]));
      const r = own(await step.runTensors({ x, out, ...hist, ...coefficients(a, b, sNext) }, ['eps', 'x_next', 'unet_in']));
      drop(out);
      if (options.record) {
        const [latent, eps] = await Promise.all([peekFloat32(x), peekFloat32(r.eps)]);
        records.push({ index: i, timestep, inputScale: scheduler.scaleModelInput(i), latent: latent.data, modelOutput: eps.data });
      }
      if (previewDue(options, i, last)) {
        // the one read back from the device between steps, and only every few steps
        const [latent, eps] = await Promise.all([peekFloat32(x), peekFloat32(r.eps)]);
        await options.preview!.onStep(i, { dims: noise.dims, data: latent.data }, eps.data, last + 1);
      }
      drop(x);
      x = r.x_next;
      input = r.unet_in;
      history.unshift(r.eps);
      while (history.length > kind.history) drop(history.pop());
      options.onStep?.(i + 1, last + 1);
    }
    const latent = await peekFloat32(x);
    return { latent: { dims: [...noise.dims], data: latent.data }, records };
  } finally {
    for (const t of live) t.dispose();
  }
}
