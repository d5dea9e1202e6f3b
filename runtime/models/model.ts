import type { Backend } from '../ort/env';
import type { Session } from '../ort/session';
import type { SchedulerConfigJson, SchedulerKind } from '../schedulers';
import type { ModelFiles } from './files/model-files';
import { quote } from '../messages';

/** Turns one prompt into the model's token ids (CLIP: BOS, tokens, EOS, padded to 77). */
export interface PromptTokenizer {
  encode(text: string): Int32Array;
}

/**
 * A loaded text-to-image model: its sessions plus everything read from its files, so the
 * pipeline never assumes SD-1.x numbers (77 tokens, 4 channels, 8x VAE, 0.18215).
 */
export interface DiffusionModel {
  /** The source string it was loaded from; embeddings carry it to catch mixed models. */
  id: string;
  backend: Backend;
  /** The folder it came from: gradient models (runtime/diffusion-vjp) are built from the same files. */
  files: ModelFiles;
  textEncoder: Session;
  unet: Session;
  vaeDecoder: Session;
  tokenizer: PromptTokenizer;
  schedulerConfig: SchedulerConfigJson;
  /**
   * From scheduler_config.json's `_class_name`. Reading it throws, listing the classes we
   * know, when the config names none of them: sampling with another scheduler than the model's
   * would give other images without saying so.
   */
  readonly defaultScheduler: SchedulerKind;
  /** Latents are divided by this before the VAE decoder. */
  scalingFactor: number;
  tokens: number;
  latentChannels: number;
  /** Image pixels per latent pixel (8 for SD and for the built-in model). */
  vaeScale: number;
  /** The size the model was trained at, in pixels. */
  nativeSize: { width: number; height: number };
  /** Set when the UNet's batch dim is a fixed number: runs are split into chunks of it. */
  unetBatch?: number;
  /** How the UNet wants its timestep: a scalar, [1], or one per batch row. */
  timestepShape: 'scalar' | 'one' | 'batch';
  /** Sessions made later for this model (denoising-step graph, gradient models) are released with it. */
  adopt(session: Session): void;
  dispose(): Promise<void>;
}

const SCHEDULER_CLASSES: Record<string, SchedulerKind> = {
  EulerDiscreteScheduler: 'euler',
  EulerAncestralDiscreteScheduler: 'euler',
  LMSDiscreteScheduler: 'lms',
  DDIMScheduler: 'ddim',
  PNDMScheduler: 'pndm',
};

/** The scheduler a config's `_class_name` names; `file` is for the message when it names none of ours. */
export function schedulerKindOf(config: SchedulerConfigJson, file = 'scheduler_config.json'): SchedulerKind {
  const name = config._class_name;
  if (typeof name === 'string' && Object.hasOwn(SCHEDULER_CLASSES, name)) return SCHEDULER_CLASSES[name];
  const named = typeof name === 'string' ? `_class_name ${quote(name)}` : 'no _class_name';
  throw new Error(
    `${file} names ${named}, none of the schedulers this app runs (${Object.keys(SCHEDULER_CLASSES).join(', ')}): ` +
      'set the Generate node\'s scheduler to euler, lms, ddim or pndm',
  );
}
