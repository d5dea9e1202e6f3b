import * as Comlink from 'comlink';
import type { RunOptions, RunSummary, RuntimeApi, RuntimeEvent } from './protocol';

/** The runtime worker as the main thread sees it. Call dispose() where you created it. */
export interface RuntimeClient {
  api: Comlink.Remote<RuntimeApi>;
  /** run() with a plain callback (wrapped in Comlink.proxy here; the worker releases it when the run ends). */
  run(doc: unknown, options: RunOptions, onEvent: (event: RuntimeEvent) => void): Promise<RunSummary>;
  dispose(): void;
}

export function startRuntimeWorker(): RuntimeClient {
  // This exact form lets Vite bundle the worker as a module entry.
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<RuntimeApi>(worker);
  return {
    api,
    run: (doc, options, onEvent) => api.run(doc, options, Comlink.proxy(onEvent)),
    dispose() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
