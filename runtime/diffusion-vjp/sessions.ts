import { buildVjpModel } from '../autodiff/index';
import { Session } from '../ort/session';
import type { ModelFiles } from '../models/files/model-files';
import { FILES, readExternalData } from '../models/files/layout';
import type { DiffusionModel } from '../models/model';

/** Gradient models of a diffusion model's UNet and VAE decoder, built once per loaded model. */
export interface VjpSessions {
  /** sample, timestep, encoder_hidden_states, grad_out_sample -> grad_sample, grad_encoder_hidden_states */
  unet: Session;
  /** latent_sample, grad_sample -> grad_latent_sample */
  vae: Session;
}

const built = new WeakMap<DiffusionModel, Promise<VjpSessions>>();

async function build(model: DiffusionModel, files: ModelFiles, path: string, wrt: string[], of: string): Promise<Session> {
  const forward = await files.read(path);
  const external = await readExternalData(files, path);
  const vjp = buildVjpModel(forward, { wrt, of, includeOutput: false });
  // The gradient model reads the forward weights in place: give it the forward bytes and their external data.
  const externalData = [...(vjp.externalData ?? []), ...external];
  const session = await Session.create(`${files.label}/${path} (vjp)`, vjp.model, { backend: model.backend, externalData });
  // released with the model: a model reloaded from a changed folder gets fresh gradient models
  model.adopt(session);
  return session;
}

export function vjpSessions(model: DiffusionModel): Promise<VjpSessions> {
  let sessions = built.get(model);
  if (!sessions) {
    const files = model.files;
    sessions = (async () => {
      const unet = await build(model, files, FILES.unet, ['sample', 'encoder_hidden_states'], 'out_sample');
      return { unet, vae: await build(model, files, FILES.vaeDecoder, ['latent_sample'], 'sample') };
    })();
    built.set(model, sessions);
    // a failure is not cached: the next backward pass retries and reports again
    sessions.catch(() => built.get(model) === sessions && built.delete(model));
  }
  return sessions;
}
