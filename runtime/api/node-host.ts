import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, resolve, sep } from 'node:path';
import type { HostServices, RuntimeServices } from '../node-api/services';
import { MetricService } from '../metrics/service';
import { createNodeModelService } from '../models/service/node';
import { BUILTIN_PREFIX, fetchBytes } from '../host/io';

const MODELS_DIR = resolve(fileURLToPath(new URL('../../models', import.meta.url)));

/** Host services for Node (CLI, tests): builtin models come from the repository's models/ folder. */
export function nodeServices(extra: RuntimeServices = {}, modelsDir: string = MODELS_DIR): HostServices {
  return {
    models: createNodeModelService(modelsDir),
    metrics: new MetricService(),
    ...extra,
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
      const base = resolve(typeof this.outDir === 'string' ? this.outDir : process.cwd());
      const path = resolve(base, name);
      // The name comes from a graph document: it may not climb out of the output folder.
      if (path !== base && !path.startsWith(base + sep)) throw new Error(`cannot save "${name}" outside ${base}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      return path;
    },
  };
}
