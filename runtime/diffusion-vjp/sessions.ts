import { buildVjpModel } from '../autodiff/index';
import { specializeInputs } from '../autodiff/specialize';
import { chunkAttention, type ChunkReport } from '../autodiff/chunk-attention';
import { loadModel, saveModel } from '../onnx/index';
import { DEFAULT_GPU_LIMITS, webgpuLimits } from '../ort/gpu-limits';
import type { RematReport } from '../autodiff/remat';
import { Session, type ExternalFile } from '../ort/session';
import { resolveBudget, type MemoryBudgetSetting, type ResolvedBudget } from './budget';
import type { ModelFiles } from '../models/files/model-files';
import { FILES, readExternalData } from '../models/files/layout';
import type { DiffusionModel } from '../models/model';
import type { GradientModelSource } from './non-finite';

/** One gradient model: its session, what rebuilds its inputs for a diagnosis, its memory plan. */
export interface VjpPart {
  session: Session;
  source: GradientModelSource;
  /** under a memory budget: the policy chosen and its plan */
  memory?: RematReport;
  /** attention split into query-row parts to keep each tensor under the binding limit */
  chunks?: ChunkReport;
}

interface Forward { path: string; forward: Uint8Array; external: ExternalFile[] }

async function readForward(files: ModelFiles, path: string): Promise<Forward> {
  return { path, forward: await files.read(path), external: await readExternalData(files, path) };
}

const weightBytes = (f: Forward) => f.forward.length + f.external.reduce((a, e) => a + e.data.length, 0);

/** Gradient models of a diffusion model's UNet and VAE decoder, built once per loaded model (and budget). */
export interface VjpSessions {
  /** sample, timestep, encoder_hidden_states, grad_out_sample -> grad_sample, grad_encoder_hidden_states */
  unet: VjpPart;
  /** latent_sample, grad_sample -> grad_latent_sample */
  vae: VjpPart;
  /** the budget both were planned under */
  budget?: ResolvedBudget;
  /** the largest tensor attention was chunked to fit, where it was */
  tensorLimit?: number;
}

/** The input shapes each gradient model is built for, and a budget (bytes or 'auto') to plan them under. */
export interface SessionBudget {
  setting?: MemoryBudgetSetting;
  unet: Record<string, number[]>;
  vae: Record<string, number[]>;
}

const built = new WeakMap<DiffusionModel, Map<string, Promise<VjpSessions>>>();

async function build(
  model: DiffusionModel, files: ModelFiles, { path, forward, external }: Forward, wrt: string[], of: string,
  shapes: Record<string, number[]> | undefined, bytes: number | undefined, tensorLimit: number | undefined,
): Promise<VjpPart> {
  // built for the shapes it runs at: the shape arithmetic folds away (runtime/autodiff/specialize.ts)
  const inputs = shapes ? Object.fromEntries(Object.entries(shapes).filter(([n]) => !n.startsWith('grad_'))) : {};
  const prepare = (bytes: Uint8Array) => {
    if (!shapes) return { bytes, chunks: undefined };
    const specialised = specializeInputs(bytes, inputs, `${files.label}/${path}`);
    if (tensorLimit === undefined) return { bytes: specialised, chunks: undefined };
    // no attention probability tensor over the binding limit (runtime/autodiff/chunk-attention.ts)
    const m = loadModel(specialised);
    const chunks = chunkAttention(m, shapes, tensorLimit);
    return { bytes: chunks.patterns ? saveModel(m) : specialised, chunks };
  };
  const { bytes: fixed, chunks } = prepare(forward);
  const memoryBudget = shapes && bytes !== undefined ? { bytes, shapes } : undefined;
  const vjp = buildVjpModel(fixed, { wrt, of, includeOutput: false, memoryBudget });
  // The gradient model reads the forward weights in place: give it the forward bytes and their external data.
  const externalData = [...(vjp.externalData ?? []), ...external];
  const label = `${files.label}/${path} (vjp)`;
  const session = await Session.create(label, vjp.model, { backend: model.backend, externalData });
  // released with the model: a model reloaded from a changed folder gets fresh gradient models
  model.adopt(session);
  const source: GradientModelSource = {
    label,
    backend: model.backend,
    model: vjp.model,
    // the gradient model reads the (specialised) forward bytes as external data: rebuilt from the file
    externalData: async () => [
      ...(vjp.externalData ? [{ path: vjp.externalData[0].path, data: prepare(await files.read(path)).bytes }] : []),
      ...await readExternalData(files, path),
    ],
    fp16: vjp.inputs.some((t) => t.dtype === 'float16'),
  };
  return { session, source, memory: vjp.memory, chunks };
}

/**
 * The gradient sessions of `model`, built for the given input shapes (again for other shapes)
 * and, with a budget, rematerialized to plan at most its bytes at them.
 */
export function vjpSessions(model: DiffusionModel, budget?: SessionBudget): Promise<VjpSessions> {
  const byBudget = built.get(model) ?? built.set(model, new Map()).get(model)!;
  const key = budget ? JSON.stringify(budget) : '';
  let sessions = byBudget.get(key);
  if (!sessions) {
    const files = model.files;
    sessions = (async () => {
      const u = await readForward(files, FILES.unet);
      const v = await readForward(files, FILES.vaeDecoder);
      const resolved = await resolveBudget(budget?.setting, model.backend, weightBytes(u) + weightBytes(v));
      // WebGPU binds at most maxStorageBufferBindingSize per tensor; under a budget elsewhere the
      // same 128 MiB parts keep attention from dominating the peak
      const limits = model.backend.name === 'webgpu' ? (resolved?.limits ?? (await webgpuLimits()) ?? DEFAULT_GPU_LIMITS) : undefined;
      const tensorLimit = limits?.maxStorageBufferBindingSize ?? (resolved ? DEFAULT_GPU_LIMITS.maxStorageBufferBindingSize : undefined);
      const unet = await build(model, files, u, ['sample', 'encoder_hidden_states'], 'out_sample', budget?.unet, resolved?.bytes, tensorLimit);
      const vae = await build(model, files, v, ['latent_sample'], 'sample', budget?.vae, resolved?.bytes, tensorLimit);
      return { unet, vae, budget: resolved, tensorLimit };
    })();
    byBudget.set(key, sessions);
    // a failure is not cached: the next backward pass retries and reports again
    sessions.catch(() => byBudget.get(key) === sessions && byBudget.delete(key));
  }
  return sessions;
}
