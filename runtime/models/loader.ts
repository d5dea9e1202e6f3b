import type { Backend } from '../ort/env';
import { Session } from '../ort/session';
import type { SchedulerConfigJson } from '../schedulers';
import { readJson, type ModelFiles } from './files/model-files';
import { FILES, checkLayout, readExternalData } from './files/layout';
import { schedulerKindOf, type DiffusionModel } from './model';
import { SIGNATURES, checkSignature } from './signature';
import { unrankedValues } from '../onnx/wire';
import { loadPromptTokenizer } from './files/prompt-tokenizer';

export interface LoadOptions {
  id: string;
  backend: Backend;
  /** Bytes read so far over all files, and the bytes known so far (grows as files start). */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** Reads, checks and opens a model folder. Sessions opened before a failure are disposed. */
export async function loadModel(files: ModelFiles, options: LoadOptions): Promise<DiffusionModel> {
  await checkLayout(files);
  const progress = progressTracker(options.onProgress);
  const schedulerConfig = (await readJson(files, FILES.scheduler)) as SchedulerConfigJson;
  const vaeConfig = await optionalJson(files, FILES.vaeDecoderConfig);
  const unetConfig = await optionalJson(files, FILES.unetConfig);
  const tokenizer = await loadPromptTokenizer(files);

  const opened: Session[] = [];
  const open = async (path: string, signature: Parameters<typeof checkSignature>[1], outputsOnGpu = false) => {
    options.signal?.throwIfAborted();
    const model = await files.read(path, (l, t) => progress(path, l, t));
    const externalData = await readExternalData(files, path, progress);
    const session = await Session.create(`${files.label}/${path}`, model, { backend: options.backend, externalData, outputsOnGpu });
    opened.push(session);
    checkSignature(session, signature, unrankedValues(model));
    return session;
  };
  try {
    const textEncoder = await open(FILES.textEncoder, SIGNATURES.textEncoder);
    // on WebGPU the UNet's output stays on the GPU for the next denoising step
    const unet = await open(FILES.unet, SIGNATURES.unet, true);
    const vaeDecoder = await open(FILES.vaeDecoder, SIGNATURES.vaeDecoder);

    const sample = unet.input('sample')!.shape;
    const timestep = unet.input('timestep')!.shape;
    const latentIn = vaeDecoder.input('latent_sample')!.shape;
    const imageOut = vaeDecoder.output('sample')!.shape;
    const blocks = vaeConfig?.block_out_channels;
    const vaeScale =
      fixed(latentIn[2]) && fixed(imageOut[2])
        ? fixed(imageOut[2])! / fixed(latentIn[2])!
        : Array.isArray(blocks) && blocks.length > 0
          ? 2 ** (blocks.length - 1)
          : 8;
    const sampleSize = typeof unetConfig?.sample_size === 'number' ? unetConfig.sample_size : 64;
    const inChannels = typeof unetConfig?.in_channels === 'number' ? unetConfig.in_channels : 4;
    const latentH = fixed(sample[2]) ?? sampleSize;
    const latentW = fixed(sample[3]) ?? sampleSize;
    const timestepDim = fixed(timestep[0]);
    const scaling = vaeConfig?.scaling_factor;

    return {
      id: options.id,
      backend: options.backend,
      files,
      textEncoder,
      unet,
      vaeDecoder,
      tokenizer,
      schedulerConfig,
      // read when a Generate asks for "auto": an unknown class is an error only then
      get defaultScheduler() {
        return schedulerKindOf(schedulerConfig, `${files.label}/${FILES.scheduler}`);
      },
      scalingFactor: typeof scaling === 'number' && scaling > 0 ? scaling : 0.18215,
      tokens: fixed(textEncoder.input('input_ids')!.shape[1]) ?? 77,
      latentChannels: fixed(sample[1]) ?? inChannels,
      vaeScale,
      nativeSize: { width: latentW * vaeScale, height: latentH * vaeScale },
      unetBatch: fixed(sample[0]),
      timestepShape: timestep.length === 0 ? 'scalar' : timestepDim !== undefined && timestepDim > 1 ? 'batch' : 'one',
      adopt(session) {
        opened.push(session);
      },
      async dispose() {
        await Promise.all(opened.splice(0).map((s) => s.dispose()));
      },
    };
  } catch (error) {
    await Promise.all(opened.map((s) => s.dispose()));
    throw error;
  }
}

function fixed(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined;
}

async function optionalJson(files: ModelFiles, path: string): Promise<Record<string, unknown> | undefined> {
  return (await files.has(path)) ? readJson(files, path) : undefined;
}

/** Sums per-file progress so the UI shows one bar for the whole model. */
function progressTracker(report?: (loaded: number, total: number) => void) {
  const perFile = new Map<string, [number, number]>();
  return (path: string, loaded: number, total: number) => {
    if (!report) return;
    perFile.set(path, [loaded, total]);
    let l = 0;
    let t = 0;
    for (const [a, b] of perFile.values()) {
      l += a;
      t += b;
    }
    report(l, t);
  };
}
