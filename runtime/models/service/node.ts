import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNativeOrt } from '../../ort/native';
import { nodeFolderFiles } from '../files/node';
import { ModelService, type ModelServiceOptions } from './model-service';

const MODELS_DIR = resolve(fileURLToPath(new URL('../../../models', import.meta.url)));

/**
 * Node hosts (CLI, tests, benchmarks): `builtin:<name>` is models/<name> on disk. Sessions run
 * on wasm unless `backend: 'native'` asks for onnxruntime-node, which this host registers.
 */
export function createNodeModelService(modelsDir = MODELS_DIR, options: Partial<ModelServiceOptions> = {}): ModelService {
  useNativeOrt();
  return new ModelService({
    builtin: (name) => nodeFolderFiles(resolve(modelsDir, name), `builtin:${name}`),
    ...options,
  });
}
