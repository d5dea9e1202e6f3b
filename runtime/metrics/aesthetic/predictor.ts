import type { HostIO } from '../../host/io';
import { chooseBackend, configureOrt, type BackendName } from '../../ort/env';
import type { ExternalFile } from '../../ort/session';
import type { Tensor } from '../../values/types';
import { Chain, Stage } from './chain';
import { clipPreprocessGraph, l2NormalizeGraph } from './preprocess';

/** Where the user's predictor files go, relative to the folder the Metric node names. */
export const AESTHETIC_FILES = {
  clip: 'clip_vision/model.onnx',
  mlp: 'aesthetic_mlp/model.onnx',
} as const;

export const AESTHETIC_HELP =
  'the aesthetic metric needs the LAION "improved aesthetic predictor", supplied by you as ONNX: set "predictor" to a folder ' +
  `holding ${AESTHETIC_FILES.clip} (CLIP ViT-L/14 vision model with projection: pixel_values [B,3,224,224] -> image_embeds [B,768], ` +
  `e.g. exported with optimum) and ${AESTHETIC_FILES.mlp} (the 768-1024-128-64-16-1 MLP: [B,768] -> [B,1])`;

async function optional(services: Pick<HostIO, 'readBytes'>, location: string): Promise<Uint8Array | undefined> {
  try {
    return await services.readBytes(location);
  } catch {
    return undefined;
  }
}

async function required(services: Pick<HostIO, 'readBytes'>, folder: string, path: string): Promise<Uint8Array> {
  try {
    return await services.readBytes(`${folder}/${path}`);
  } catch (error) {
    throw new Error(`${AESTHETIC_HELP}; could not read ${folder}/${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The external weights next to a big model.onnx (CLIP ViT-L/14 is over protobuf's 2 GB in fp32). */
async function externalData(services: Pick<HostIO, 'readBytes'>, folder: string, path: string): Promise<ExternalFile[]> {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const found: ExternalFile[] = [];
  for (const name of ['model.onnx_data', 'model.onnx.data']) {
    const data = await optional(services, `${folder}/${dir}${name}`);
    if (data) found.push({ path: name, data });
  }
  return found;
}

/** One loaded predictor: CLIP vision and MLP sessions, plus a preprocessing chain per image size. */
export class AestheticPredictor {
  private readonly chains = new Map<string, Promise<Chain>>();
  /** The last forward pass: a GradientStep calls vjp right after run on the same images. */
  private last?: { data: Float32Array; inputs: Tensor[] };
  private constructor(private readonly clip: Stage, private readonly mlp: Stage, private readonly norm: Stage, readonly backend: Awaited<ReturnType<typeof chooseBackend>>) {}

  /** `prefer` pins the backend as for models (a Node host's `native`); default: WebGPU where there is one, else wasm. */
  static async load(services: Pick<HostIO, 'readBytes'>, folder: string, prefer?: BackendName): Promise<AestheticPredictor> {
    if (!folder) throw new Error(AESTHETIC_HELP);
    configureOrt();
    const backend = await chooseBackend(prefer);
    const clipBytes = await required(services, folder, AESTHETIC_FILES.clip);
    const mlpBytes = await required(services, folder, AESTHETIC_FILES.mlp);
    const clip = await Stage.create(`${folder}/${AESTHETIC_FILES.clip}`, clipBytes, backend, await externalData(services, folder, AESTHETIC_FILES.clip), 'image_embeds');
    const dim = clip.session.output(clip.output)?.shape.at(-1);
    if (typeof dim !== 'number') throw new Error(`${folder}/${AESTHETIC_FILES.clip}: output "${clip.output}" must be [batch, dim] with a fixed dim`);
    const mlp = await Stage.create(`${folder}/${AESTHETIC_FILES.mlp}`, mlpBytes, backend);
    const norm = await Stage.create('l2-normalize', l2NormalizeGraph(dim), { name: 'wasm' });
    return new AestheticPredictor(clip, mlp, norm, backend);
  }

  private chain(h: number, w: number): Promise<Chain> {
    const key = `${h}x${w}`;
    let c = this.chains.get(key);
    if (!c) {
      c = Stage.create(`clip-preprocess ${key}`, clipPreprocessGraph(h, w), this.backend).then((pre) => new Chain([pre, this.clip, this.norm, this.mlp]));
      this.chains.set(key, c);
    }
    return c;
  }

  /** Scores [B] of images [B, 3, h, w] in [-1, 1]. */
  async score(images: Tensor): Promise<Float32Array> {
    const chain = await this.chain(images.dims[2], images.dims[3]);
    const { y, inputs } = await chain.forward(images);
    this.last = { data: images.data, inputs };
    return y.data.slice();
  }

  /** d(loss)/d(images) given d(loss)/d(scores). */
  async vjp(images: Tensor, gScore: Tensor): Promise<Tensor> {
    const chain = await this.chain(images.dims[2], images.dims[3]);
    const inputs = this.last?.data === images.data ? this.last.inputs : (await chain.forward(images)).inputs;
    return chain.backward(inputs, { dims: [gScore.dims[0], 1], data: gScore.data });
  }

  /** Releases every session: the preprocessing chains and the CLIP, normalize and MLP stages. */
  async dispose(): Promise<void> {
    const chains = await Promise.all([...this.chains.values()].map((c) => c.catch(() => undefined)));
    this.chains.clear();
    const pres = chains.flatMap((c) => (c ? [c.stages[0]] : []));
    await Promise.all([...pres, this.clip, this.norm, this.mlp].map((stage) => stage.dispose()));
  }
}
