import { buildVjpModel } from '../autodiff/index';
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
}

/** A budget (bytes or 'auto') and the input shapes each gradient model plans for. */
export interface SessionBudget {
  setting: MemoryBudgetSetting;
  unet: Record<string, number[]>;
  vae: Record<string, number[]>;
}

const built = new WeakMap<DiffusionModel, Map<string, Promise<VjpSessions>>>();

async function build(model: DiffusionModel, files: ModelFiles, { path, forward, external }: Forward, wrt: string[], of: string, budget?: { bytes: number; shapes: Record<string, number[]> }): Promise<VjpPart> {
  const vjp = buildVjpModel(forward, { wrt, of, includeOutput: false, memoryBudget: budget });
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
    externalData: async () => [...(vjp.externalData ? [{ path: vjp.externalData[0].path, data: await files.read(path) }] : []), ...await readExternalData(files, path)],
    fp16: vjp.inputs.some((t) => t.dtype === 'float16'),
  };
  return { session, source, memory: vjp.memory };
}

/**
 * The gradient sessions of `model`; with a budget, rematerialized to plan at most its bytes at
 * its shapes (built again for other shapes or bytes, kept beside the unbudgeted ones).
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
      const part = (shapes: Record<string, number[]> | undefined) => (resolved && shapes ? { bytes: resolved.bytes, shapes } : undefined);
      const unet = await build(model, files, u, ['sample', 'encoder_hidden_states'], 'out_sample', part(budget?.unet));
      return { unet, vae: await build(model, files, v, ['latent_sample'], 'sample', part(budget?.vae)), budget: resolved };
    })();
    byBudget.set(key, sessions);
    // a failure is not cached: the next backward pass retries and reports again
    sessions.catch(() => byBudget.get(key) === sessions && byBudget.delete(key));
  }
  return sessions;
}
