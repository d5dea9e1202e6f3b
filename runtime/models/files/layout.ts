import { readJson, type ModelFiles } from './model-files';
import { echo, quote } from '../../messages';

/**
 * The diffusers / optimum ONNX folder layout (docs/design.md#models). `builtin:tiny` uses the
 * same layout, so one loader serves every model.
 */
export const FILES = {
  modelIndex: 'model_index.json',
  textEncoder: 'text_encoder/model.onnx',
  unet: 'unet/model.onnx',
  unetConfig: 'unet/config.json',
  vaeDecoder: 'vae_decoder/model.onnx',
  vaeDecoderConfig: 'vae_decoder/config.json',
  vaeEncoder: 'vae_encoder/model.onnx',
  scheduler: 'scheduler/scheduler_config.json',
  tokenizerDir: 'tokenizer',
} as const;

/** Names optimum and torch.onnx give the weights file next to a big model.onnx. */
export const EXTERNAL_DATA_NAMES = ['model.onnx_data', 'model.onnx.data', 'weights.pb'] as const;

const REQUIRED = [FILES.textEncoder, FILES.unet, FILES.vaeDecoder, FILES.scheduler] as const;

/**
 * Fails, naming the folder, when it is not a model folder at all, and then names the first
 * required file that is missing, so a half-copied folder says what to copy.
 */
export async function checkLayout(files: ModelFiles): Promise<void> {
  const [hasIndex, hasUnet] = await Promise.all([files.has(FILES.modelIndex), files.has(FILES.unet)]);
  if (!hasIndex && !hasUnet) {
    throw new Error(
      `${files.label} is not a model folder: it has neither ${FILES.modelIndex} nor ${FILES.unet} ` +
        `(expected the diffusers ONNX layout: text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)`,
    );
  }
  for (const path of REQUIRED) {
    if (!(await files.has(path))) throw new Error(`${files.label}: missing file ${path}`);
  }
  if (hasIndex) checkModelIndex(files.label, await readJson(files, FILES.modelIndex));
}

/**
 * model_index.json as diffusers writes it: `_class_name` is a string, and a component is
 * `[library, class]` (or nulls for a component left out). A file that is not
 * is damaged or not a diffusers folder, and says so here rather than never being read.
 */
function checkModelIndex(label: string, index: Record<string, unknown>): void {
  const where = `${label}: ${FILES.modelIndex}`;
  for (const [key, value] of Object.entries(index)) {
    if (key.startsWith('_')) {
      if (key === '_class_name' && typeof value !== 'string') throw new Error(`${where}: "_class_name" should be a string, got ${echo(value)}`);
      continue;
    }
    // other values (flags, an app's own settings object) are not components
    if (Array.isArray(value) && !(value.length === 2 && value.every((v) => v === null || typeof v === 'string'))) {
      throw new Error(`${where}: component ${quote(key)} should be [library, class], got ${echo(value)}`);
    }
  }
}

/** The external data files that sit next to `modelPath`, read in full. */
export async function readExternalData(
  files: ModelFiles,
  modelPath: string,
  onProgress?: (path: string, loaded: number, total: number) => void,
): Promise<{ path: string; data: Uint8Array }[]> {
  const dir = modelPath.slice(0, modelPath.lastIndexOf('/') + 1);
  const found: { path: string; data: Uint8Array }[] = [];
  for (const name of EXTERNAL_DATA_NAMES) {
    const path = dir + name;
    if (!(await files.has(path))) continue;
    found.push({ path: name, data: await files.read(path, (l, t) => onProgress?.(path, l, t)) });
  }
  return found;
}
