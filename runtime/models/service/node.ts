import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFolderFiles } from '../files/node';
import { ModelService, type ModelServiceOptions } from './model-service';

const MODELS_DIR = resolve(fileURLToPath(new URL('../../../models', import.meta.url)));

/** Node hosts (CLI, tests, benchmarks): `builtin:<name>` is models/<name> on disk, sessions on wasm. */
export function createNodeModelService(modelsDir = MODELS_DIR, options: Partial<ModelServiceOptions> = {}): ModelService {
  return new ModelService({
    builtin: (name) => nodeFolderFiles(resolve(modelsDir, name), `builtin:${name}`),
    ...options,
  });
}
