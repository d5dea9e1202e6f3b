import type { CliEnv } from './run-cli';
import type { CliBackend } from './host-flags';
import type { ModelFiles } from '../runtime/models/files/model-files';
import { Runtime } from '../runtime/api/runtime';
import { requireService } from '../runtime/node-api/services';
import type { CellHost } from '../runtime/sweep/run-cell';

/**
 * One Runtime for all the cells a process runs (in-process sweep or queue worker), on the
 * host's services for --backend, with the --folder models registered. `dispose` releases what
 * the CLI made.
 */
export async function sweepHost(env: CliEnv, backend: CliBackend, folders: Map<string, ModelFiles>): Promise<{ host: CellHost; dispose(): Promise<void> }> {
  const made = typeof env.services === 'function' ? env.services({ backend }) : env.services;
  for (const [name, files] of folders) await requireService(made, 'models').registerFolder(name, files);
  // runCell points outDir at each cell's folder before its run: SaveEmbedding writes there
  const services = { ...made, outDir: undefined as string | undefined };
  const runtime = new Runtime({ registry: env.registry, services });
  return {
    host: { runtime, services },
    dispose: async () => (made !== env.services ? runtime.dispose() : undefined),
  };
}
