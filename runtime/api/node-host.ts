import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { HostServices, RuntimeServices } from '../node-api/services';
import { MetricService } from '../metrics/service';
import { createNodeModelService } from '../models/service/node';
import { localModelFolder } from '../models/files/node';
import { BUILTIN_PREFIX, fetchBytes } from '../host/io';
import { writeFileInside } from '../host/write-inside';

const MODELS_DIR = resolve(fileURLToPath(new URL('../../models', import.meta.url)));

export interface NodeHostOptions {
  /**
   * `native`: onnxruntime-node, on CUDA where its provider is installed, else on every CPU
   * core (the CLI's default). `wasm` (the default here, as in tests): onnxruntime-web, one thread.
   */
  backend?: 'wasm' | 'native';
  /**
   * Local model folders by name, loadable as `folder:<name>`, as the editor's "Model folder…"
   * registers them (the CLI's --folder NAME=PATH). A bad name or path throws here.
   */
  folders?: Record<string, string>;
  /** Where `builtin:<name>` lives (default: the repository's models/). */
  modelsDir?: string;
  /** More services, or replacements for these. */
  services?: RuntimeServices;
}

/**
 * Host services for Node (CLI, tests, benchmarks): builtin models come from the repository's
 * models/ folder. Later, `services.models.registerFolder(name, localModelFolder(name, path))`
 * adds a folder the same way `folders` does.
 */
export function nodeServices(options: NodeHostOptions = {}): HostServices {
  const modelsDir = options.modelsDir ?? MODELS_DIR;
  const folders = Object.fromEntries(Object.entries(options.folders ?? {}).map(([name, path]) => [name, localModelFolder(name, path)]));
  return {
    models: createNodeModelService(modelsDir, { backend: options.backend, folders }),
    metrics: new MetricService({ predictorBackend: options.backend }),
    ...options.services,
    host: 'node',
    async readBytes(location, signal) {
      if (/^https?:\/\//.test(location)) return fetchBytes(location, signal);
      const path = location.startsWith(BUILTIN_PREFIX)
        ? resolve(modelsDir, location.slice(BUILTIN_PREFIX.length))
        : location.startsWith('file:')
          ? fileURLToPath(location)
          : resolve(location);
      return new Uint8Array(await readFile(path, { signal }));
    },
    /** Files a graph saves (SaveEmbedding) go under `outDir` (the CLI's --out), else the working directory. */
    async saveBytes(this: { outDir?: string }, name: string, bytes: Uint8Array) {
      // The name comes from a graph document: no "..", no link inside the folder is followed.
      return writeFileInside(typeof this.outDir === 'string' ? this.outDir : process.cwd(), name, bytes);
    },
  };
}
