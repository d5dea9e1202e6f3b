import { httpFolderFiles } from '../files/http';
import { ModelService, type ModelServiceOptions } from './model-service';

export interface BrowserModelOptions extends Partial<ModelServiceOptions> {
  /** The app's base URL (ending in "/"): models at ./models/<name>/, onnxruntime's wasm at ./ort/. */
  appBase: string;
}

/**
 * Browser hosts (the worker): `builtin:<name>` is fetched from the app's ./models/<name>/
 * and cached like any download; onnxruntime-web loads its wasm from the app's ./ort/.
 */
export function createBrowserModelService(options: BrowserModelOptions): ModelService {
  const { appBase, ...rest } = options;
  return new ModelService({
    builtin: (name) => httpFolderFiles(new URL(`models/${name}/`, appBase).href, `builtin:${name}`, rest.http),
    wasmPaths: new URL('ort/', appBase).href,
    ...rest,
  });
}
