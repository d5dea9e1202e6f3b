import type { ModelFiles } from '../runtime/models/files/model-files';
import { localModelFolder } from '../runtime/models/files/node';

/** Where `run` executes models: onnxruntime-node (`native`, the default) or onnxruntime-web's wasm. */
export type CliBackend = 'native' | 'wasm';
const BACKENDS: readonly CliBackend[] = ['native', 'wasm'];

/** --backend native|wasm; a usage error (thrown) names the value. */
export function parseBackend(value: string | undefined): CliBackend {
  if (value === undefined) return 'native';
  if (!(BACKENDS as readonly string[]).includes(value)) throw new Error(`--backend ${value}: expected ${BACKENDS.join(' or ')}`);
  return value as CliBackend;
}

/**
 * --folder NAME=PATH (repeatable): each local folder becomes `folder:NAME`, as the editor's
 * "Model folder…" registers a picked one, so the same document runs in both. A usage error
 * (thrown) names the flag value.
 */
export function parseFolders(values: readonly string[] = []): Map<string, ModelFiles> {
  const folders = new Map<string, ModelFiles>();
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new Error(`--folder ${value}: expected NAME=PATH`);
    const name = value.slice(0, eq);
    if (folders.has(name)) throw new Error(`--folder ${value}: folder:${name} is given twice`);
    try {
      folders.set(name, localModelFolder(name, value.slice(eq + 1)));
    } catch (error) {
      throw new Error(`--folder ${value}: ${(error as Error).message}`);
    }
  }
  return folders;
}
