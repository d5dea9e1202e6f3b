import type { RuntimeServices } from '../node-api/services';
import type { NodeRegistry } from '../node-api/registry';
import { validateGraph } from '../graph/validate';
import { ResultCache, type CacheLimits } from '../executor/cache';
import { GraphExecutor } from '../executor/executor';
import type { NodeTypeInfo } from '../node-api/node-type-info';
import type { RunSummary, RuntimeEvent } from '../events';
import type { RunOptions, RuntimeApi } from './protocol';
import { PickBroker } from '../zones/pick-broker';
import type { PickChoice } from '../node-api/pick';

export interface RuntimeOptions {
  registry: NodeRegistry;
  /** What the host provides to nodes (runtime/api/node-host.ts, runtime/api/browser-host.ts). */
  services: RuntimeServices;
  cache?: Partial<CacheLimits>;
  /** A person answers Pick zones through `choose` (the editor's worker); otherwise they pick by score. */
  interactive?: boolean;
}

/**
 * The runtime behind RuntimeApi, the same in a Worker, the CLI and tests. Runs are queued,
 * one at a time; the result cache lives as long as the runtime, so a re-run after an edit
 * reuses everything the edit did not touch.
 */
export class Runtime implements RuntimeApi {
  readonly cache: ResultCache;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<AbortController>();
  private runs = 0;
  /** The running run's event sink: Pick zones ask their question through it. */
  private emitCurrent?: (event: RuntimeEvent) => void;
  private readonly picks = new PickBroker((event) => this.emitCurrent?.(event));
  /** The running run's executor: stopZone reaches its zones through it. */
  private executor?: GraphExecutor;

  constructor(private readonly options: RuntimeOptions) {
    this.cache = new ResultCache(options.cache);
  }

  async nodeTypes(): Promise<NodeTypeInfo[]> {
    return this.options.registry.info();
  }

  async validate(doc: unknown): ReturnType<RuntimeApi['validate']> {
    const result = validateGraph(doc, this.options.registry);
    return result.ok ? { ok: true, doc: result.graph.doc } : result;
  }

  /**
   * Queues a run behind any run in progress. A listener may return a promise (a comlink
   * callback does): the run ends only once its events are delivered, so one run's events never
   * trail into the next.
   */
  run(doc: unknown, options: RunOptions, onEvent: (event: RuntimeEvent) => unknown): Promise<RunSummary> {
    const controller = new AbortController();
    this.pending.add(controller);
    const job = this.queue.then(() => this.runNow(doc, options, onEvent, controller.signal));
    const settled = job.finally(() => this.pending.delete(controller));
    this.queue = settled.catch(() => undefined);
    return settled;
  }

  /** See RuntimeApi.registerFolder; the host's model service (runtime/models) holds the folders. */
  registerFolder(name: string, folder: FileSystemDirectoryHandle | File[]): Promise<{ source: string }> {
    const models = this.options.services.models;
    if (!models) return Promise.reject(new Error('this runtime has no model service to register folders with'));
    // queued like a run: a graph running now may be using the model this releases
    const job = this.queue.then(async () => {
      await models.registerFolder(name, folder);
      // results cached from a folder registered earlier under this name hold its released model
      this.cache.clear();
      return { source: `folder:${name}` };
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** See RuntimeApi.setBackend. Queued like a run: a graph running now may be using the model. */
  setBackend(source: string, choice: 'auto' | 'webgpu' | 'wasm'): Promise<void> {
    const models = this.options.services.models;
    if (!models) return Promise.reject(new Error('this runtime has no model service to choose backends for'));
    const job = this.queue.then(async () => {
      await models.setBackendChoice(source, choice);
      // cached results hold the released model
      this.cache.clear();
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** See RuntimeApi.choose: a person's answer to a `pick-request`. */
  async choose(nodeId: string, choice: PickChoice): Promise<boolean> {
    return this.picks.answer(nodeId, choice);
  }

  /** See RuntimeApi.stopZone: "Stop and use best" on a running zone. */
  async stopZone(nodeId: string): Promise<boolean> {
    return this.executor?.stopZone(nodeId) ?? false;
  }

  /** Stops the run in progress (after its current unit of work) and every run queued before this call. */
  async cancel(): Promise<void> {
    for (const controller of this.pending) controller.abort();
  }

  /**
   * Cancels what is running and releases what the services hold (model and measure sessions).
   * The services may be used again afterwards: they load on demand.
   */
  async dispose(): Promise<void> {
    await this.cancel();
    await this.queue;
    this.cache.clear();
    await Promise.all([this.options.services.models?.dispose(), this.options.services.metrics?.dispose()]);
  }

  private async runNow(
    doc: unknown,
    options: RunOptions,
    onEvent: (event: RuntimeEvent) => unknown,
    signal: AbortSignal,
  ): Promise<RunSummary> {
    const runId = ++this.runs;
    const deliveries = new Set<Promise<unknown>>();
    // A listener that throws or rejects (a closed editor tab) must not break the run.
    const emit = (event: RuntimeEvent) => {
      try {
        const result = onEvent(event);
        if (result instanceof Promise) {
          const delivery = result.catch(() => undefined);
          deliveries.add(delivery);
          void delivery.finally(() => deliveries.delete(delivery));
        }
      } catch {
        /* the listener's problem, not the run's */
      }
    };
    // model loading reports backend and download progress through the run's events, the
    // browser host its saved files (`file` events)
    const unsubscribe = this.options.services.models?.onEvent(emit);
    const unsubscribeHost = this.options.services.onEvent?.(emit);
    this.emitCurrent = emit;
    try {
      return await this.execute(runId, doc, options, emit, signal);
    } finally {
      this.emitCurrent = undefined;
      unsubscribe?.();
      unsubscribeHost?.();
      await Promise.all(deliveries);
    }
  }

  private async execute(
    runId: number,
    doc: unknown,
    options: RunOptions,
    emit: (event: RuntimeEvent) => void,
    signal: AbortSignal,
  ): Promise<RunSummary> {
    const validation = validateGraph(doc, this.options.registry);
    if (!validation.ok) {
      emit({ type: 'run-end', runId, status: 'error' });
      return { status: 'error', nodes: {}, problems: validation.problems };
    }
    const unknown = (options.targets ?? []).filter((t) => !validation.graph.index.nodes.has(t));
    if (unknown.length > 0) {
      emit({ type: 'run-end', runId, status: 'error' });
      return { status: 'error', nodes: {}, problems: unknown.map((t) => ({ nodeId: t, message: `unknown target node "${t}"` })) };
    }
    const executor = new GraphExecutor(validation.graph, {
      services: this.options.interactive ? { ...this.options.services, pick: this.picks } : this.options.services,
      cache: this.cache,
      signal,
      emit,
      runId,
    });
    this.executor = executor;
    try {
      return await executor.run(options.targets);
    } finally {
      this.executor = undefined;
    }
  }
}
